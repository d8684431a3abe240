import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status eventId trafficClass } }`;
const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) {
  trackAccesses(inputs: $inputs) { recorded duplicates rejected results { index status eventId error { code message } } }
}`;
const STATS = `query S($id: ID!) { dataset(id: $id) { stats { views downloads apiCalls lastDownloadedAt lastViewedAt } } }`;

describe('trackAccess', () => {
  let t: TestGateway;
  let admin: string;
  let tracker: string;

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
    tracker = await t.keyFor('svc-portal', 'TRACKER');
  });
  afterAll(() => t.stop());

  const stats = async (id: string) =>
    ((await t.gql<{ dataset: { stats: Record<string, unknown> } }>(STATS, { id }, admin)).data!.dataset.stats);

  it('raises totals, per-user totals and the per-day bucket, once per eventId', async () => {
    // A fixed hour of a recent day: inside the accepted age window whenever the suite runs.
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const ts = `${day}T10:00:00.000Z`;
    const input = { resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD', eventId: 'e-1', userId: 'bob', timestamp: ts, userAgent: BROWSER_UA };
    const first = await t.gql<{ trackAccess: { status: string } }>(TRACK, { input }, tracker);
    expect(first.errors).toBeUndefined();
    expect(first.data!.trackAccess.status).toBe('RECORDED');
    expect(await stats('d-pub')).toMatchObject({ downloads: 1, views: 0, lastDownloadedAt: ts });

    const retry = await t.gql<{ trackAccess: { status: string } }>(TRACK, { input }, tracker);
    expect(retry.data!.trackAccess.status).toBe('DUPLICATE');
    expect(await stats('d-pub')).toMatchObject({ downloads: 1 });

    const store = t.gw.store;
    const perUser = await store.usageByUser.findOne({ _id: 'bob|DATASET:d-pub' });
    expect(perUser).toMatchObject({ userId: 'bob', resourceType: 'DATASET', resourceId: 'd-pub', downloads: 1 });
    const bucket = await store.usageDaily.findOne({ _id: `DATASET|${day}|d-pub` });
    expect(bucket).toMatchObject({ day, downloads: 1 });
  });

  it('rejects an unknown resource with a stable code and writes nothing', async () => {
    const before = await t.eventCount();
    const res = await t.gql(TRACK, { input: { resourceType: 'FILE', resourceId: 'nope', action: 'VIEW', eventId: 'bad-1' } }, tracker);
    expect(res.errors?.[0].extensions?.code).toBe('UNKNOWN_RESOURCE');
    expect(await t.eventCount()).toBe(before);
    expect(await t.gw.store.usageTotals.findOne({ _id: 'FILE:nope' })).toBeNull();
  });

  it.each([
    ['far future', { timestamp: '2099-01-01T00:00:00Z' }, 'INVALID_TIMESTAMP'],
    ['absurdly old', { timestamp: '1999-01-01T00:00:00Z' }, 'INVALID_TIMESTAMP'],
    ['bad event id', { eventId: 'has space' }, 'INVALID_EVENT_ID'],
    ['user id that could forge a storage key', { userId: 'kc|DATASET:ka' }, 'BAD_USER_INPUT'],
  ])('rejects %s', async (_name, patch, code) => {
    const before = await stats('d-pub');
    const res = await t.gql(TRACK, { input: { resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: `x-${code}-${_name.length}`, ...patch } }, tracker);
    expect(res.errors?.[0].extensions?.code).toBe(code);
    expect(await stats('d-pub')).toEqual(before);
  });

  it('rejects an unknown action or type at validation, with nothing written', async () => {
    const before = await t.eventCount();
    const res = await t.gql(TRACK, { input: { resourceType: 'DATASET', resourceId: 'd-pub', action: 'LIKE' } }, tracker);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const res2 = await t.gql(TRACK, { input: { resourceType: 'SPACE', resourceId: 's1', action: 'VIEW' } }, tracker);
    expect(res2.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await t.eventCount()).toBe(before);
  });

  it('reports each outcome of a batch and keeps the valid events', async () => {
    const res = await t.gql<{ trackAccesses: { recorded: number; duplicates: number; rejected: number; results: { index: number; status: string; error: { code: string } | null }[] } }>(
      TRACK_MANY,
      {
        inputs: [
          { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'b-1', userAgent: BROWSER_UA },
          { resourceType: 'FILE', resourceId: 'missing', action: 'DOWNLOAD', eventId: 'b-2' },
          { resourceType: 'COLLECTION', resourceId: 'c-root', action: 'VIEW', eventId: 'b-3', userAgent: BROWSER_UA },
          { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'b-1' },
          { resourceType: 'DATASET', resourceId: 'd-pub', action: 'API_CALL', eventId: 'e-1' },
        ],
      },
      tracker,
    );
    expect(res.errors).toBeUndefined();
    const p = res.data!.trackAccesses;
    expect(p.results.map((r) => r.status)).toEqual(['RECORDED', 'REJECTED', 'RECORDED', 'REJECTED', 'REJECTED']);
    expect(p.results[1].error!.code).toBe('UNKNOWN_RESOURCE');
    expect(p.results[3].error!.code).toBe('DUPLICATE_IN_REQUEST');
    // e-1 was a DOWNLOAD: the same id with other content is a conflict, not a duplicate.
    expect(p.results[4].error!.code).toBe('EVENT_ID_CONFLICT');
    expect(p).toMatchObject({ recorded: 2, duplicates: 0, rejected: 3 });
    const file = await t.gql<{ file: { stats: { downloads: number } } }>(`{ file(id: "f1") { stats { downloads } } }`, {}, admin);
    expect(file.data!.file.stats.downloads).toBe(1);
    const col = await t.gql<{ collection: { stats: { views: number } } }>(`{ collection(id: "c-root") { stats { views } } }`, {}, admin);
    expect(col.data!.collection.stats.views).toBe(1);
  });

  it('needs an API key; anonymous callers cannot record', async () => {
    const res = await t.gql(TRACK, { input: { resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW' } }, null);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('caps the events of one request', async () => {
    const inputs = Array.from({ length: 1001 }, (_, i) => ({ resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: `cap-${i}` }));
    const res = await t.gql(TRACK_MANY, { inputs }, tracker);
    expect(res.errors?.[0].extensions?.code).toBe('TOO_MANY_EVENTS');
  });
});
