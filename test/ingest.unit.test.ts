import { GroupCommitter } from '../src/ingest/group-commit';
import { counterDeltas, eventIncrements, type CountableEvent } from '../src/ingest/counter-deltas';
import { decideCounting, clickKey, markKey, type ClassifiedEvent } from '../src/ingest/counting-decisions';
import { validateEvent } from '../src/ingest/validate-event';
import { orderByKey, groupByKey } from '../src/loaders/order-by-key';
import { AccessAction, ResourceType } from '../src/domain/resources';

const T0 = new Date('2026-05-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe('orderByKey / groupByKey', () => {
  it('answers in key order, null for missing keys, whatever order rows come in', () => {
    const rows = [{ _id: 'c' }, { _id: 'a' }];
    expect(orderByKey(['a', 'b', 'c', 'a'], rows, (r) => r._id)).toEqual([{ _id: 'a' }, null, { _id: 'c' }, { _id: 'a' }]);
  });
  it('gives every key its children, a child with two parents to both', () => {
    const rows = [{ id: 1, p: ['x', 'y'] }, { id: 2, p: ['y'] }];
    expect(groupByKey(['x', 'y', 'z'], rows, (r) => r.p).map((g) => g.map((r) => r.id))).toEqual([[1], [1, 2], []]);
  });
});

describe('validateEvent', () => {
  const limits = { maxFutureSkewMs: 60_000, maxEventAgeDays: 10 };
  const base = { resourceType: ResourceType.DATASET, resourceId: 'd', action: AccessAction.VIEW };
  it('defaults the timestamp to now', () => {
    const v = validateEvent(base, T0, limits);
    expect(v.ok && v.event.timestamp).toEqual(T0);
  });
  it.each([
    [{ timestamp: at(61) }, 'INVALID_TIMESTAMP'],
    [{ timestamp: new Date(T0.getTime() - 11 * 86_400_000) }, 'INVALID_TIMESTAMP'],
    [{ timestamp: new Date(NaN) }, 'INVALID_TIMESTAMP'],
    [{ eventId: '' }, 'INVALID_EVENT_ID'],
    [{ eventId: 'x'.repeat(129) }, 'INVALID_EVENT_ID'],
    [{ resourceId: '' }, 'BAD_USER_INPUT'],
    [{ userAgent: 'x'.repeat(1025) }, 'BAD_USER_INPUT'],
  ])('rejects case %# with %s', (patch: Record<string, unknown>, code: string) => {
    const v = validateEvent({ ...base, ...patch }, T0, limits);
    expect(v.ok ? null : v.code).toBe(code);
  });
  it('accepts the edges of the window', () => {
    expect(validateEvent({ ...base, timestamp: at(60) }, T0, limits).ok).toBe(true);
    expect(validateEvent({ ...base, timestamp: new Date(T0.getTime() - 10 * 86_400_000) }, T0, limits).ok).toBe(true);
  });
});

const ev = (id: string, s: number, patch: Partial<ClassifiedEvent> = {}): ClassifiedEvent => ({
  eventId: id,
  resourceType: ResourceType.DATASET,
  resourceId: 'd1',
  action: AccessAction.VIEW,
  userId: null,
  timestamp: at(s),
  trafficClass: 'regular',
  sessionKey: 'sess|2026-05-01T10',
  clickerKey: 'clicker',
  ...patch,
});

describe('decideCounting', () => {
  const empty = { lastClicks: new Map<string, Date>(), existingMarks: new Set<string>() };

  it('filters double clicks within 30 s and counts one unique investigation per session', () => {
    const d = decideCounting([ev('a', 0), ev('b', 10), ev('c', 45)], empty);
    expect(d.events.map((e) => [e.eventId, e.counted, e.uniqueInvestigation])).toEqual([
      ['a', true, true],
      ['b', false, false],
      ['c', true, false],
    ]);
    expect(d.newMarks).toEqual([markKey(ev('a', 0), 'I')]);
    expect(d.clickUpdates.get(clickKey(ev('a', 0)))).toEqual(at(45));
  });

  it('continues the double-click window from a click stored by an earlier batch', () => {
    const state = { lastClicks: new Map([[clickKey(ev('x', 0)), at(-20)]]), existingMarks: new Set([markKey(ev('x', 0), 'I')]) };
    const d = decideCounting([ev('a', 0)], state);
    expect(d.events[0]).toMatchObject({ counted: false, uniqueInvestigation: false });
  });

  it('never counts robots and keeps their clicks out of the state', () => {
    const d = decideCounting([ev('r', 0, { trafficClass: 'robot' })], empty);
    expect(d.events[0].counted).toBe(false);
    expect(d.clickUpdates.size).toBe(0);
    expect(d.newMarks).toEqual([]);
  });

  it('gives a download both a unique investigation and a unique request', () => {
    const d = decideCounting([ev('a', 0, { action: AccessAction.DOWNLOAD }), ev('b', 100, { action: AccessAction.DOWNLOAD })], empty);
    expect(d.events.map((e) => [e.uniqueInvestigation, e.uniqueRequest])).toEqual([
      [true, true],
      [false, false],
    ]);
  });

  it('does not depend on the order events arrive in', () => {
    const a = decideCounting([ev('a', 0), ev('b', 10), ev('c', 45)], empty).events.map((e) => [e.eventId, e.counted]);
    const b = decideCounting([ev('c', 45), ev('a', 0), ev('b', 10)], empty).events.map((e) => [e.eventId, e.counted]);
    expect(new Map(b as [string, boolean][])).toEqual(new Map(a as [string, boolean][]));
  });
});

describe('counterDeltas', () => {
  const c = (patch: Partial<CountableEvent>): CountableEvent => ({
    resourceType: ResourceType.FILE,
    resourceId: 'f1',
    action: AccessAction.DOWNLOAD,
    userId: 'u1',
    timestamp: at(0),
    trafficClass: 'regular',
    counted: true,
    uniqueInvestigation: false,
    uniqueRequest: false,
    ...patch,
  });

  it('maps each class to its counters', () => {
    expect(eventIncrements(c({}))).toEqual({ downloads: 1 });
    expect(eventIncrements(c({ trafficClass: 'machine', uniqueRequest: true }))).toEqual({ machineDownloads: 1, machineUniqueRequests: 1 });
    expect(eventIncrements(c({ trafficClass: 'robot' }))).toEqual({ robotEvents: 1 });
    expect(eventIncrements(c({ counted: false }))).toEqual({ doubleClicks: 1 });
  });

  it('merges increments per document and keeps machine and robot traffic out of per-user counters', () => {
    const d = counterDeltas([
      c({}),
      c({ timestamp: at(90) }),
      c({ trafficClass: 'machine' }),
      c({ trafficClass: 'robot' }),
      c({ timestamp: new Date('2026-05-02T01:00:00Z'), action: AccessAction.VIEW }),
    ]);
    expect(d.totals).toHaveLength(1);
    expect(d.totals[0].inc).toMatchObject({ downloads: 2, views: 1, machineDownloads: 1, robotEvents: 1 });
    expect(d.totals[0].max).toEqual({ lastDownloadedAt: at(90), lastViewedAt: new Date('2026-05-02T01:00:00Z') });
    expect(d.byUser).toHaveLength(1);
    expect(d.byUser[0]).toMatchObject({ _id: 'u1|FILE:f1', inc: expect.objectContaining({ downloads: 2, views: 1, machineDownloads: 0 }) });
    expect(d.daily.map((x) => x._id).sort()).toEqual(['FILE:f1|2026-05-01', 'FILE:f1|2026-05-02']);
  });
});

describe('GroupCommitter', () => {
  it('coalesces submissions made while a flush runs and answers each caller in order', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommitter<number, string>(
      async (items) => {
        flushed.push(items);
        if (flushed.length === 1) await gate;
        return items.map((i) => `ok-${i}`);
      },
      { maxBatch: 100 },
    );
    const first = gc.submit([1]);
    await new Promise((r) => setImmediate(r));
    const second = gc.submit([2, 3]);
    const third = gc.submit([4]);
    release();
    expect(await first).toEqual(['ok-1']);
    expect(await second).toEqual(['ok-2', 'ok-3']);
    expect(await third).toEqual(['ok-4']);
    expect(flushed).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every caller of a failed flush and keeps serving later ones', async () => {
    let fail = true;
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        if (fail) throw new Error('db down');
        return items;
      },
      { maxBatch: 10 },
    );
    await expect(gc.submit([1])).rejects.toThrow('db down');
    fail = false;
    await expect(gc.submit([2])).resolves.toEqual([2]);
  });

  it('respects the batch bound and drains', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommitter<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, { maxBatch: 3 });
    const all = Promise.all([gc.submit([1, 2]), gc.submit([3, 4]), gc.submit([5])]);
    await gc.drain();
    await all;
    expect(sizes.every((s) => s <= 3)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
  });
});
