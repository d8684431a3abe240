/**
 * A UTC day larger than what one array spread can hold: before, a restart
 * left the aggregator reading the whole day's events back at once and
 * `out.push(...events)` overflowed the stack past ~125,000 of them — every
 * pass, `recount --since` and `recount --rebuild` failed with `RangeError:
 * Maximum call stack size exceeded`, and new events were never counted.
 *
 * The events go through the real ingestion service (validation, group
 * commit, the event log on the embedded database) of a process whose
 * aggregator never runs; then a gateway starts on that database with
 * nothing in memory, as after a restart. The 1,000,000-event day is the
 * benchmark's (`npm run bench`, scale section): this is the same path at a
 * size a test run can afford.
 */
import pino from 'pino';
import { loadConfig } from '../src/config';
import { connectStore } from '../src/store/store';
import { createServices } from '../src/services';
import type { Caller } from '../src/domain/caller';
import type { TrackEventInput } from '../src/domain/tracking';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

const EVENTS = Number(process.env.LARGE_DAY_EVENTS ?? 140_000);
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const DAY_START = Date.parse(`${DAY}T00:00:00Z`);
const SEEDER: Caller = { kind: 'user', userId: 'large-day-seed', role: 'ADMIN', automated: false, spaceIds: [] };
const STATS = `query S($id: ID!) { dataset(id: $id) { stats { views downloads uniqueInvestigations } } }`;
const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status } }`;

/** Event i: a view of d-pub by its own visitor (a cookie each), spread over the day. */
function event(i: number): TrackEventInput {
  return {
    resourceType: 'DATASET',
    resourceId: 'd-pub',
    action: 'VIEW',
    eventId: `big-${i}`,
    userCookie: `visitor-${i}`,
    userAgent: BROWSER_UA,
    timestamp: new Date(DAY_START + Math.floor((i / EVENTS) * 86_000_000)),
  } as unknown as TrackEventInput;
}

jest.setTimeout(900_000);

describe(`a day of ${EVENTS.toLocaleString('en')} events`, () => {
  let t: TestGateway;
  let admin: string;

  beforeAll(async () => {
    // The catalog through a first gateway, then the events through a bare
    // ingestion service (no aggregator running): they are stored, queued
    // and in no process's memory.
    const setup = await startTestGateway();
    await loadSmallCatalog(setup);
    await setup.gw.stop(); // not setup.stop(): that drops the database
    const store = await connectStore({ uri: process.env.TEST_MONGODB_URI!, dbName: setup.dbName, maxPoolSize: 4 });
    const services = createServices(store, loadConfig({ MONGODB_URI: 'mongodb://unused', DEMO_DATA: 'false', MAX_EVENTS_PER_REQUEST: '5000' }), pino({ level: 'silent' }));
    for (let i = 0; i < EVENTS; i += 5000) {
      const out = await services.ingest.track(Array.from({ length: Math.min(5000, EVENTS - i) }, (_, j) => event(i + j)), SEEDER);
      expect(out.filter((o) => o.status !== 'RECORDED').slice(0, 1)).toEqual([]);
    }
    await store.client.close();
    t = await startTestGateway({ dbName: setup.dbName });
    admin = await t.keyFor('large-day-admin', 'ADMIN');
  });
  afterAll(() => t?.stop());

  const stats = async () =>
    (await t.gql<{ dataset: { stats: { views: number; uniqueInvestigations: number } } }>(STATS, { id: 'd-pub' }, admin)).data!.dataset.stats;

  it('is aggregated after a restart, and a new event is counted', async () => {
    expect(await stats()).toMatchObject({ views: EVENTS, uniqueInvestigations: EVENTS });
    const tracker = await t.keyFor('large-day-tracker', 'TRACKER');
    const r = await t.gql(TRACK, { input: { ...event(EVENTS), timestamp: new Date(DAY_START + 86_300_000).toISOString() } }, tracker);
    expect(r.errors).toBeUndefined();
    expect(await stats()).toMatchObject({ views: EVENTS + 1 });
  });

  it('recount --since and recount --rebuild finish with the same figures', async () => {
    const recount = await t.gw.services.aggregator.recount({ sinceDay: DAY });
    expect(recount.events).toBe(EVENTS + 1);
    expect(await stats()).toMatchObject({ views: EVENTS + 1, uniqueInvestigations: EVENTS + 1 });
    const rebuild = await t.gw.services.aggregator.rebuildAll();
    expect(rebuild.events).toBe(EVENTS + 1);
    expect(await stats()).toMatchObject({ views: EVENTS + 1, uniqueInvestigations: EVENTS + 1 });
  });
});
