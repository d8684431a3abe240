/**
 * One rule set for every process: two gateway instances and the CLI on one
 * database. Before, each process compiled the agent lists it started with:
 * after `recount` under new patterns, a new event through an instance still
 * holding the old lists made it count that day again under them (views
 * 3 → 0 by the recount, back to 3 by one event). Now the rule set is
 * versioned in the database and every aggregator follows it.
 */
import { connect } from '../src/cli';
import type { CliIo } from '../src/cli-run';
import { captureIo, testDbEnv, type CapturedIo } from './support/cli-io';
import { refreshRulesCommand, type RefreshRulesOptions } from '../src/cli-rules';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

const TRACK = `mutation T($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded } }`;
const STATS = `query S($id: ID!) { dataset(id: $id) { stats { views uniqueInvestigations robotEvents } } }`;
/** Regular under the shipped lists; a robot once the operator adds its name. */
const HARVESTER = 'Mozilla/5.0 (X11; Linux x86_64) QuillReader/2.0';
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** The command as `usage-gateway refresh-rules` runs it (runCli needs require(esm), which Jest on Node 20 lacks: test/cli.test.ts runs the process). */
const refreshRules = (o: RefreshRulesOptions, io: CliIo) => refreshRulesCommand(o, io, connect);

const cliIo = (dbName: string, env: Record<string, string> = {}): CapturedIo => captureIo({ ...testDbEnv(dbName), ...env });

describe('the counting rules are one versioned rule set for every process', () => {
  let a: TestGateway;
  let b: TestGateway;
  let trackerA: string;
  let trackerB: string;
  let admin: string;
  let n = 0;

  beforeAll(async () => {
    a = await startTestGateway();
    b = await startTestGateway({ dbName: a.dbName });
    await loadSmallCatalog(a);
    trackerA = await a.keyFor('rules-tracker', 'TRACKER');
    trackerB = await a.keyFor('rules-tracker-b', 'TRACKER');
    admin = await a.keyFor('rules-admin', 'ADMIN');
  });
  afterAll(async () => {
    await b.gw.stop();
    await a.stop();
  });

  /** `count` views of d-pub by distinct visitors on DAY, through `t`. */
  async function send(t: TestGateway, key: string, agent: string, count: number): Promise<void> {
    const inputs = Array.from({ length: count }, () => {
      n++;
      return {
        resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: `rules-${n}`, userCookie: `visitor-${n}`,
        userAgent: agent, timestamp: `${DAY}T10:${String(n % 60).padStart(2, '0')}:00Z`,
      };
    });
    const r = await t.gql<{ trackAccesses: { recorded: number } }>(TRACK, { inputs }, key);
    expect(r.errors).toBeUndefined();
    expect(r.data!.trackAccesses.recorded).toBe(count);
  }

  async function stats(): Promise<{ views: number; uniqueInvestigations: number; robotEvents: number }> {
    await b.settle();
    return (await a.gql<{ dataset: { stats: { views: number; uniqueInvestigations: number; robotEvents: number } } }>(STATS, { id: 'd-pub' }, admin)).data!.dataset.stats;
  }

  it('a recount under new patterns is not undone by instances that started with the old ones', async () => {
    await send(a, trackerA, HARVESTER, 3);
    await send(b, trackerB, BROWSER_UA, 2);
    expect(await stats()).toMatchObject({ views: 5, robotEvents: 0 });
    expect(a.gw.services.rules.version).toBe(1);

    // The operator's one command, with the new pattern in its environment.
    const io = cliIo(a.dbName, { ROBOT_PATTERNS: 'QuillReader' });
    expect(await refreshRules({}, io)).toBe(0);
    expect(io.stderr).toMatch(/version 2 published/);
    expect(await stats()).toMatchObject({ views: 2, robotEvents: 3 });

    // Both instances keep accepting events of that day; neither counts it
    // under the old lists again.
    await send(a, trackerA, HARVESTER, 2);
    await send(b, trackerB, HARVESTER, 2);
    await send(a, trackerA, BROWSER_UA, 1);
    await send(b, trackerB, BROWSER_UA, 1);
    const live = await stats();
    expect(live).toMatchObject({ views: 4, uniqueInvestigations: 4, robotEvents: 7 });
    // Whichever instance aggregates next follows version 2 first.
    await a.gw.services.aggregator.recount({ sinceDay: DAY });
    expect(a.gw.services.rules.version).toBe(2);
    expect(await stats()).toEqual(live);

    // The same as a rebuild of every figure under the rules in force.
    await b.gw.services.aggregator.rebuildAll();
    expect(await stats()).toEqual(live);
  });

  it('publishing the rules in force again is no new version and no recount', async () => {
    const io = cliIo(a.dbName, { ROBOT_PATTERNS: 'QuillReader' });
    expect(await refreshRules({}, io)).toBe(0);
    expect(io.stderr).toMatch(/version 2\) are these already; nothing to recount/);
  });

  it('a process started with other patterns counts with the database\'s rules', async () => {
    const c = await startTestGateway({ dbName: a.dbName });
    try {
      expect(c.gw.services.rules.version).toBe(2);
      expect(c.gw.services.rules.classify(HARVESTER)).toBe('robot');
    } finally {
      await c.gw.stop();
    }
  });

  it('refuses a malformed --since', async () => {
    const io = cliIo(a.dbName);
    expect(await refreshRules({ since: 'yesterday' }, io)).toBe(1);
    expect(io.stderr).toMatch(/--since takes a day/);
  });
});
