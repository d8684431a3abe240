/**
 * Counts that are right, end to end through HTTP and the embedded database:
 * file use rolls up to datasets everywhere figures are read, CoP rules hold
 * whatever the delivery order, unknown users are counted, eventIds are
 * scoped per sender, trackers and users record only what they may, and a
 * recount from the event log equals what live ingestion produced.
 */
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';
import { usageSnapshot } from './support/usage-snapshot';
import { recountCommand } from '../src/cli';

const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status eventId trafficClass } }`;
const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) {
  trackAccesses(inputs: $inputs) { recorded duplicates rejected results { index status error { code message } } }
}`;
const STATS = `query S($id: ID!) { dataset(id: $id) { stats {
  views downloads apiCalls uniqueInvestigations uniqueRequests totalInvestigations totalRequests volume failedEvents robotEvents doubleClicks
  machine { downloads uniqueRequests } } } }`;

// Two days ago, 10:00 UTC: inside every accepted window whenever the suite runs.
const DAY = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const at = (hms: string) => `${DAY}T${hms}.000Z`;

type Stats = Record<string, number | Record<string, number>>;

describe('counting rules end to end', () => {
  let t: TestGateway;
  let admin: string;
  let tracker: string;
  let tracker2: string;

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    await t.gw.services.catalogWriter.portals([{ _id: 'p2', name: 'Portal Two', url: null }]);
    await t.gw.services.catalogWriter.datasets([
      {
        _id: 'd-other', title: 'Other portal', description: null, portalId: 'p2', ownerId: null, spaceIds: [], collectionIds: [], themeIds: [],
        licence: null, publisher: null, published: true, visibility: 'PUBLIC' as never, recordCount: 1,
      },
    ]);
    admin = await t.keyFor('root', 'ADMIN');
    tracker = await t.keyFor('svc-portal', 'TRACKER');
    tracker2 = await t.keyFor('svc-other', 'TRACKER');
  });
  afterAll(() => t.stop());

  const stats = async (id: string): Promise<Stats> => (await t.gql<{ dataset: { stats: Stats } }>(STATS, { id }, admin)).data!.dataset.stats;
  const send = async (inputs: Record<string, unknown>[], key = tracker) => {
    const res = await t.gql<{ trackAccesses: { recorded: number; results: { status: string; error: { code: string } | null }[] } }>(TRACK_MANY, { inputs }, key);
    expect(res.errors).toBeUndefined();
    return res.data!.trackAccesses;
  };

  it('a file download counts for its file and every dataset it belongs to, in totals, uniques, days, the dashboard and the monthly export', async () => {
    const ua = { userAgent: BROWSER_UA, ipAddress: '81.255.1.1', sessionId: 'sess-roll' };
    const r = await send([
      // f1 ∈ d-pub; f3 ∈ d-pub and d-draft. Three different items within 30 s: three requests.
      { ...ua, resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'roll-1', timestamp: at('10:00:00'), bytes: 1000 },
      { ...ua, resourceType: 'FILE', resourceId: 'f3', action: 'DOWNLOAD', eventId: 'roll-2', timestamp: at('10:00:05'), bytes: 3000 },
      { ...ua, resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD', eventId: 'roll-3', timestamp: at('10:00:10') },
    ]);
    expect(r.recorded).toBe(3);
    expect(await stats('d-pub')).toMatchObject({ downloads: 3, uniqueRequests: 1, uniqueInvestigations: 1, totalInvestigations: 3, totalRequests: 3, volume: 4000 });
    expect(await stats('d-draft')).toMatchObject({ downloads: 1, uniqueRequests: 1, volume: 3000 });
    const file = await t.gql<{ file: { stats: { downloads: number } } }>(`{ file(id: "f3") { stats { downloads } } }`, {}, admin);
    expect(file.data!.file.stats.downloads).toBe(1);

    // The day document, with its country (from the IP: 81.255.1.1 is in France).
    await t.settle();
    const dayDoc = await t.gw.store.usageDaily.findOne({ _id: `DATASET|${DAY}|d-pub` });
    expect(dayDoc).toMatchObject({ downloads: 3, uniqueRequests: 1, countries: { FR: { tr: 3, ur: 1, ti: 3, ui: 1 } } });

    const series = await t.gql<{ dataset: { usage: { total: { downloads: number } } } }>(
      `query { dataset(id: "d-pub") { usage(from: "${DAY}T00:00:00Z", to: "${DAY}T23:59:59Z", granularity: DAY) { total { downloads } } } }`,
      {},
      admin,
    );
    expect(series.errors).toBeUndefined();
    expect(series.data!.dataset.usage.total.downloads).toBe(3);

    const dash = await t.gql<{ dataDashboard: { totals: { downloads: number }; top5: { downloads: { datasetId: string; count: number }[] } } }>(
      `{ dataDashboard(visibility: ALL) { totals { downloads } top5 { downloads { datasetId count } } } }`,
      {},
      admin,
    );
    expect(dash.data!.dataDashboard.totals.downloads).toBeGreaterThanOrEqual(3);
    expect(dash.data!.dataDashboard.top5.downloads[0]).toMatchObject({ datasetId: 'd-pub', count: 3 });

    const monthly = await t.gql<{ monthlyUsageExport: { nodes: { datasetId: string; month: string; downloads: number }[] } }>(
      `{ monthlyUsageExport(portalId: "p1", first: 100) { nodes { datasetId month downloads } } }`,
      {},
      admin,
    );
    expect(monthly.data!.monthlyUsageExport.nodes.find((n) => n.datasetId === 'd-pub' && n.month === DAY.slice(0, 7))?.downloads).toBe(3);
  });

  it('collections and portals report the use of everything under them', async () => {
    const res = await t.gql<{ collection: { stats: { downloads: number }; subtreeStats: { downloads: number } }; portal: { subtreeStats: { downloads: number } } }>(
      `{ collection(id: "c-root") { stats { downloads } subtreeStats { downloads } } portal(id: "p1") { subtreeStats { downloads } } }`,
      {},
      admin,
    );
    // c-root > c-child ∋ d-pub (3 downloads); d-draft is in no collection.
    expect(res.data!.collection).toEqual({ stats: { downloads: 0 }, subtreeStats: { downloads: 3 } });
    expect(res.data!.portal.subtreeStats.downloads).toBe(4);
    // Anonymous: the unpublished dataset's use is not summed in.
    const anon = await t.gql<{ portal: { subtreeStats: { downloads: number } } }>(`{ portal(id: "p1") { subtreeStats { downloads } } }`, {}, null);
    expect(anon.data!.portal.subtreeStats.downloads).toBe(3);
  });

  it('out-of-order delivery: clicks at :35, :00, :29 count as one action, as in order', async () => {
    const who = { userId: 'reader-1', userAgent: BROWSER_UA };
    for (const [s, id] of [['35', 'ooo-3'], ['00', 'ooo-1'], ['29', 'ooo-2']]) {
      const res = await t.gql<{ trackAccess: { status: string } }>(TRACK, { input: { ...who, resourceType: 'DATASET', resourceId: 'd-priv', action: 'VIEW', eventId: id, timestamp: at(`11:01:${s}`) } }, tracker);
      expect(res.data!.trackAccess.status).toBe('RECORDED');
    }
    expect(await stats('d-priv')).toMatchObject({ views: 1, doubleClicks: 2, uniqueInvestigations: 1 });
  });

  it('counts users the portal never registered, under their id', async () => {
    const r = await send([{ resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', userId: 'portal-user-42', eventId: 'unreg-1', timestamp: at('12:00:00'), userAgent: BROWSER_UA }]);
    expect(r.results[0].status).toBe('RECORDED');
    await t.settle();
    expect(await t.gw.store.usageByUser.findOne({ _id: 'portal-user-42|DATASET:d-pub' })).toMatchObject({ views: 1 });
    // Named later, by a catalog push.
    const up = await t.gql(`mutation { upsertUsers(users: [{ id: "portal-user-42", name: "Jeanne" }]) { created } }`, {}, admin);
    expect(up.errors).toBeUndefined();
  });

  it('only 200 and 304 count; robots (COUNTER list) are tallied apart', async () => {
    await send([
      { resourceType: 'DATASET', resourceId: 'd-draft', action: 'VIEW', eventId: 'st-404', httpStatus: 404, userAgent: BROWSER_UA, userId: 'x1', timestamp: at('13:00:00') },
      { resourceType: 'DATASET', resourceId: 'd-draft', action: 'VIEW', eventId: 'st-304', httpStatus: 304, userAgent: BROWSER_UA, userId: 'x2', timestamp: at('13:00:00') },
      { resourceType: 'DATASET', resourceId: 'd-draft', action: 'VIEW', eventId: 'bot-1', userAgent: 'Mozilla/5.0 (compatible; bingbot/2.0)', timestamp: at('13:00:00') },
      { resourceType: 'DATASET', resourceId: 'd-draft', action: 'DOWNLOAD', eventId: 'mach-1', userAgent: 'python-requests/2.31', timestamp: at('13:00:00') },
      // The dashboard counts published datasets only.
      { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'bot-2', userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)', timestamp: at('13:00:00') },
      { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'mach-2', userAgent: 'curl/8.5.0', timestamp: at('13:00:00') },
    ]);
    expect(await stats('d-draft')).toMatchObject({ views: 1, failedEvents: 1, robotEvents: 1, machine: { downloads: 1, uniqueRequests: 1 } });
    const dash = await t.gql<{ dataDashboard: { totals: { robotEvents: number; robotShare: number; machineShare: number } } }>(
      `{ dataDashboard(visibility: ALL) { totals { robotEvents robotShare machineShare } } }`,
      {},
      admin,
    );
    expect(dash.data!.dataDashboard.totals.robotEvents).toBe(1);
    expect(dash.data!.dataDashboard.totals.robotShare).toBeGreaterThan(0);
    expect(dash.data!.dataDashboard.totals.machineShare).toBeGreaterThan(0);
  });

  it('eventIds are per sender: another tracker may use the same id; a retry with other content is a conflict', async () => {
    const input = { resourceType: 'DATASET', resourceId: 'd-pub', action: 'API_CALL', eventId: 'shared-id', timestamp: at('14:00:00'), userAgent: BROWSER_UA, userId: 'api-1' };
    const before = (await stats('d-pub')).apiCalls as number;
    expect((await t.gql<{ trackAccess: { status: string } }>(TRACK, { input }, tracker)).data!.trackAccess.status).toBe('RECORDED');
    // A tracker of another portal cannot suppress it, nor be suppressed by it.
    await t.gw.services.catalogWriter.users([{ _id: 'svc-other', name: 'svc-other', email: null, role: 'TRACKER', automated: false }]);
    expect((await t.gql<{ trackAccess: { status: string } }>(TRACK, { input: { ...input, userId: 'api-2' } }, tracker2)).data!.trackAccess.status).toBe('RECORDED');
    expect((await t.gql<{ trackAccess: { status: string } }>(TRACK, { input }, tracker)).data!.trackAccess.status).toBe('DUPLICATE');
    const conflict = await t.gql(TRACK, { input: { ...input, action: 'DOWNLOAD' } }, tracker);
    expect(conflict.errors?.[0].extensions?.code).toBe('EVENT_ID_CONFLICT');
    expect((await stats('d-pub')).apiCalls).toBe(before + 2);
  });

  it('a tracker scoped to a portal records its private and unpublished resources, and nothing of other portals', async () => {
    const scoped = await t.gql<{ createUser: { id: string } }>(
      `mutation { createUser(input: { id: "svc-p1", name: "P1 tracker", role: TRACKER, portalIds: ["p1"] }) { id } }`,
      {},
      admin,
    );
    expect(scoped.errors).toBeUndefined();
    const { key } = await t.gw.services.auth.issueKey('svc-p1');
    const r = await send(
      [
        { resourceType: 'DATASET', resourceId: 'd-draft', action: 'VIEW', eventId: 'sc-1', timestamp: at('15:00:00'), userAgent: BROWSER_UA },
        { resourceType: 'FILE', resourceId: 'f2', action: 'DOWNLOAD', eventId: 'sc-2', timestamp: at('15:00:00'), userAgent: BROWSER_UA },
        { resourceType: 'DATASET', resourceId: 'd-other', action: 'VIEW', eventId: 'sc-3', timestamp: at('15:00:00'), userAgent: BROWSER_UA },
        { resourceType: 'DATASET', resourceId: 'does-not-exist', action: 'VIEW', eventId: 'sc-4', timestamp: at('15:00:00') },
      ],
      key,
    );
    expect(r.results.map((x) => x.status)).toEqual(['RECORDED', 'RECORDED', 'REJECTED', 'REJECTED']);
    // The same answer for "not yours" and "does not exist".
    expect(r.results[2].error).toEqual(r.results[3].error && { ...r.results[3].error, message: expect.any(String) });
    expect(r.results[2].error!.code).toBe('UNKNOWN_RESOURCE');
  });

  it('a USER key records only its own accesses, on what it may see, and its session ids cannot multiply its uniques', async () => {
    const carol = (await t.gw.services.auth.issueKey('carol')).key;
    const r = await send(
      [
        { resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD', eventId: 'u-1', timestamp: at('16:10:00'), sessionId: 'a', userAgent: BROWSER_UA },
        { resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD', eventId: 'u-2', timestamp: at('16:20:00'), sessionId: 'b', userAgent: BROWSER_UA },
        { resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD', eventId: 'u-3', timestamp: at('16:30:00'), sessionId: 'c', userAgent: BROWSER_UA },
        // Private, not shared with carol: as unknown as a missing dataset.
        { resourceType: 'DATASET', resourceId: 'd-priv', action: 'VIEW', eventId: 'u-4', timestamp: at('16:30:00'), userAgent: BROWSER_UA },
        { resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: 'u-5', userId: 'alice', userAgent: BROWSER_UA },
      ],
      carol,
    );
    expect(r.results.map((x) => x.error?.code ?? x.status)).toEqual(['RECORDED', 'RECORDED', 'RECORDED', 'UNKNOWN_RESOURCE', 'FORBIDDEN']);
    await t.settle();
    const mine = await t.gw.store.usageByUserDaily.findOne({ _id: `DATASET|${DAY}|carol|d-pub` });
    // Three downloads in one hour by one user: one unique request, whatever sessionIds said.
    expect(mine).toMatchObject({ downloads: 3, uniqueRequests: 1 });
  });

  it('recount from the event log equals live ingestion', async () => {
    await t.settle();
    const snap = () => usageSnapshot(t.gw.store);
    const live = await snap();
    expect(live.daily.length).toBeGreaterThan(5);

    // Figures damaged by hand: the recount repairs them from the log.
    await t.gw.store.usageDaily.updateOne({ _id: `DATASET|${DAY}|d-pub` }, { $set: { downloads: 999 } });
    await t.gw.store.usageTotals.deleteOne({ _id: 'DATASET:d-draft' });
    const io = { out: () => undefined, err: (s: string) => void lines.push(s), env: { MONGODB_URI: process.env.TEST_MONGODB_URI!, MONGODB_DB: t.dbName } };
    const lines: string[] = [];
    // The incremental recount corrects day documents; the rebuild re-derives totals too.
    expect(await recountCommand({ rebuild: true }, io)).toBe(0);
    expect(lines.join('')).toMatch(/recount: \d+ events over \d+ days/);
    expect(await snap()).toEqual(live);
    expect(await recountCommand({}, io)).toBe(0);
    expect(await snap()).toEqual(live);
  });

  it('a rebuild keeps the figures of days whose events are past the retention', async () => {
    await t.settle();
    // A day before every stored event: its events were dropped by retention.
    await t.gw.store.usageDaily.insertOne({ _id: 'DATASET|2020-01-01|d-pub', resourceType: 'DATASET' as never, resourceId: 'd-pub', day: '2020-01-01', views: 7 });
    await t.gw.store.usageTotals.updateOne({ _id: 'DATASET:d-pub' }, { $inc: { views: 7 } });
    const before = await t.gw.store.usageTotals.findOne({ _id: 'DATASET:d-pub' });
    await t.gw.services.aggregator.rebuildAll();
    expect(await t.gw.store.usageDaily.findOne({ _id: 'DATASET|2020-01-01|d-pub' })).toMatchObject({ views: 7 });
    const after = await t.gw.store.usageTotals.findOne({ _id: 'DATASET:d-pub' });
    expect(after?.views).toBe(before?.views);
  });
});
