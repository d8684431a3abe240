/**
 * The event log's storage format, on the real database: what a stored
 * event keeps, that documents written by earlier versions (every field
 * stored, one queue entry per day) are still aggregated, and that the
 * aggregator takes the flushes its own instance stored from memory
 * instead of reading them back.
 */
import type { CommandStartedEvent, Document } from 'mongodb';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status } }`;
const VIEWS = `query S($id: ID!) { dataset(id: $id) { stats { views } } }`;
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('event log storage', () => {
  let t: TestGateway;
  let admin: string;
  const commands: CommandStartedEvent[] = [];

  beforeAll(async () => {
    t = await startTestGateway({ monitorCommands: true });
    await loadSmallCatalog(t);
    admin = await t.keyFor('log-admin', 'ADMIN');
    t.gw.store.client.on('commandStarted', (e) => commands.push(e));
  });
  afterAll(() => t.stop());

  const views = async (id: string) => ((await t.gql<{ dataset: { stats: { views: number } } }>(VIEWS, { id }, admin)).data!.dataset.stats.views);

  it('stores an event without the fields its _id and time already hold, and reads it back whole', async () => {
    const r = await t.gql(TRACK, { input: { eventId: 'fmt-1', resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', userAgent: BROWSER_UA, sessionId: 's-fmt', timestamp: `${DAY}T08:00:00.000Z` } }, admin);
    expect(r.errors).toBeUndefined();
    const doc = (await t.gw.store.eventLog.findOne({ _id: 'log-admin|fmt-1' } as Document))!;
    expect(doc).toBeTruthy();
    for (const derived of ['scope', 'eventId', 'day']) expect(doc).not.toHaveProperty(derived);
    const [e] = await t.gw.services.eventLog.events(['log-admin|fmt-1']);
    expect(e).toMatchObject({ _id: 'log-admin|fmt-1', scope: 'log-admin', eventId: 'fmt-1', day: DAY, resourceId: 'd-pub', userId: null, datasetIds: [] });
    // One queue entry per flush, naming its days.
    await t.settle();
    expect(await t.gw.store.eventLog.countDocuments({ _id: { $gte: '~q|', $lt: '~q}' } } as Document)).toBe(0);
  });

  it('aggregates documents written by earlier versions: full events and per-day queue entries', async () => {
    const before = await views('d-pub');
    const t0 = new Date(`${DAY}T09:00:00.000Z`);
    await t.gw.store.eventLog.insertMany([
      { _id: '~q|legacyflush|' + DAY, day: DAY, index: `~i|${DAY}|legacyflush`, at: new Date() },
      { _id: `~i|${DAY}|legacyflush`, day: DAY, keys: ['log-admin|old|1'] },
      {
        _id: 'log-admin|old|1', scope: 'log-admin', eventId: 'old|1', t: t0, day: DAY, h: 'x', portalId: 'p1', resourceType: 'DATASET', resourceId: 'd-pub',
        action: 'VIEW', datasetIds: [], userId: null, automated: false, trafficClass: 'regular', httpStatus: null, bytes: null, country: null,
        userAgent: BROWSER_UA, url: null, ck: 'legacy-ck', sk: 'legacy-sk', receivedAt: t0,
      },
    ] as never[]);
    t.gw.services.aggregator.notify();
    await t.settle();
    expect(await views('d-pub')).toBe(before + 1);
    const [e] = await t.gw.services.eventLog.events(['log-admin|old|1']);
    expect(e).toMatchObject({ scope: 'log-admin', eventId: 'old|1', day: DAY });
  });

  it('the aggregator takes the events its own flushes stored from memory, not from the database', async () => {
    await t.settle();
    const before = await views('d-pub');
    commands.length = 0;
    const r = await t.gql(TRACK, { input: { eventId: 'mem-1', resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', userAgent: BROWSER_UA, sessionId: 's-mem', timestamp: `${DAY}T10:00:00.000Z` } }, admin);
    expect(r.errors).toBeUndefined();
    await t.settle();
    expect(await views('d-pub')).toBe(before + 1);
    // Reads of the log by key ($in of event keys or of index ids) would be
    // the aggregator reading back what this instance just inserted.
    const keyed = commands.filter((c) => c.commandName === 'find' && c.command.find === 'event_log' && c.command.filter?._id?.$in);
    expect(keyed).toEqual([]);
  });

  it('a second instance (no memory of the flush) reads the events from the log and counts the same', async () => {
    await t.settle();
    const before = await views('d-pub');
    // Stored by a second instance whose aggregator is stopped: the first
    // instance's aggregator never saw the flush.
    const other = await startTestGateway({ dbName: t.dbName });
    try {
      await other.gw.services.aggregator.stop();
      await other.gw.services.catalogWriter.users([{ _id: 'log-admin2', name: 'A2', email: null, role: 'ADMIN', automated: false }]);
      const { key } = await other.gw.services.auth.issueKey('log-admin2');
      const r = await other.gql(TRACK, { input: { eventId: 'other-1', resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', userAgent: BROWSER_UA, sessionId: 's-other', timestamp: `${DAY}T11:00:00.000Z` } }, key);
      expect(r.errors).toBeUndefined();
    } finally {
      await other.gw.stop();
    }
    t.gw.services.aggregator.notify();
    await t.settle();
    expect(await views('d-pub')).toBe(before + 1);
  });
});
