import { createTrafficClassifier, memoizedClassifier } from '../src/counting/classify';
import { loadAgentLists } from '../src/counting/agent-lists';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog } from './support/fixtures';

/**
 * Issue 17, item 3: R5 §7.8 — an agent matching the COUNTER-Robots list is
 * not counted, and the list has `^.?$` (empty and one-character agents). A
 * missing agent (the sender gave none) is "not given": counted as regular.
 */
const LISTS = loadAgentLists();
const classifier = createTrafficClassifier({ robotList: LISTS.robots, machineList: LISTS.machines });

describe('empty and one-character user agents (classifier, shipped lists)', () => {
  it('the shipped list holds ^.?$', () => {
    expect(LISTS.robots).toContain('^.?$');
  });

  it.each([
    ['absent (undefined)', undefined, 'regular'],
    ['absent (null)', null, 'regular'],
    ['empty ""', '', 'robot'],
    ['blank "   " (trimmed to empty)', '   ', 'robot'],
    ['"-" (a log\'s empty agent)', '-', 'robot'],
    ['one character "a"', 'a', 'robot'],
    ['one character "*"', '*', 'robot'],
    ['one character "7"', '7', 'robot'],
    ['two characters "ab" (past ^.?$, on no list)', 'ab', 'regular'],
  ] as const)('%s → %s', (_name, ua, expected) => {
    expect(classifier.classify(ua)).toBe(expected);
  });

  it('an automated account does not rescue an empty agent: robots stay robots', () => {
    expect(classifier.classify('', { automatedAccount: true })).toBe('robot');
    expect(classifier.classify(null, { automatedAccount: true })).toBe('machine');
  });

  it('the memo keeps missing and empty apart, in either order', () => {
    const m = memoizedClassifier(classifier);
    expect(m.classify(null)).toBe('regular');
    expect(m.classify('')).toBe('robot');
    const m2 = memoizedClassifier(classifier);
    expect(m2.classify('')).toBe('robot');
    expect(m2.classify(undefined)).toBe('regular');
  });

  it('operator ^$ in ROBOT_PATTERNS also excludes a missing agent', () => {
    const strict = createTrafficClassifier({ robotList: LISTS.robots, machineList: LISTS.machines, extraRobotPatterns: ['^$'] });
    expect(strict.classify(null)).toBe('robot');
    expect(strict.classify(undefined)).toBe('robot');
  });
});

const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) {
  trackAccesses(inputs: $inputs) { recorded rejected results { status trafficClass error { code } } }
}`;
const STATS = `query S($id: ID!) { dataset(id: $id) { stats { views robotEvents machine { views } } } }`;

describe('empty user agents end to end (embedded database)', () => {
  let t: TestGateway;
  let admin: string;
  let tracker: string;
  const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
    tracker = await t.keyFor('svc-portal', 'TRACKER');
  });
  afterAll(() => t.stop());

  const stats = async (): Promise<{ views: number; robotEvents: number; machine: { views: number } }> => {
    const res = await t.gql<{ dataset: { stats: { views: number; robotEvents: number; machine: { views: number } } } }>(STATS, { id: 'd-pub' }, admin);
    expect(res.errors).toBeUndefined();
    return res.data!.dataset.stats;
  };

  it('counts an absent agent, excludes "", "-" and one-character agents, and a recount agrees', async () => {
    // One visitor each (distinct users, hours apart): no double clicks.
    const event = (i: number, userAgent?: string) => ({
      resourceType: 'DATASET',
      resourceId: 'd-pub',
      action: 'VIEW',
      eventId: `ua-${i}`,
      userId: `visitor-${i}`,
      timestamp: `${day}T${String(8 + i).padStart(2, '0')}:00:00.000Z`,
      ...(userAgent === undefined ? {} : { userAgent }),
    });
    const res = await t.gql<{ trackAccesses: { recorded: number; results: { status: string; trafficClass: string }[] } }>(
      TRACK_MANY,
      { inputs: [event(0), event(1, ''), event(2, '-'), event(3, 'x'), event(4, '  ')] },
      tracker,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.trackAccesses.recorded).toBe(5);
    expect(res.data!.trackAccesses.results.map((r) => r.trafficClass)).toEqual(['regular', 'robot', 'robot', 'robot', 'robot']);
    expect(await stats()).toEqual({ views: 1, robotEvents: 4, machine: { views: 0 } });

    // The empty agent is stored as empty, not as missing: a recount (which
    // classifies again from the stored agent) gives the same figures.
    const stored = await t.gw.store.eventLog.findOne({ _id: 'svc-portal|ua-1' } as never);
    expect((stored as { userAgent?: unknown } | null)?.userAgent).toBe('');
    const absent = await t.gw.store.eventLog.findOne({ _id: 'svc-portal|ua-0' } as never);
    expect(absent).not.toBeNull();
    expect((absent as { userAgent?: unknown }).userAgent ?? null).toBeNull();
    await t.gw.services.aggregator.recount();
    expect(await stats()).toEqual({ views: 1, robotEvents: 4, machine: { views: 0 } });
  });
});
