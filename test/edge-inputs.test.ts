import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

/**
 * Issue 17, item 7: `user(id)` of a portal user never registered, one date
 * family (`YYYY-MM-DD` wherever a date or date-time is taken), and
 * collections that are only viewed.
 */
const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status eventId } }`;
const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) {
  trackAccesses(inputs: $inputs) { recorded rejected results { status error { code message } } }
}`;
const USER = `query U($id: ID!) { user(id: $id) { id name stats { views downloads datasets } } }`;

describe('edge inputs (embedded database)', () => {
  let t: TestGateway;
  let admin: string;
  let tracker: string;
  // Recent days, inside the accepted age window whenever the suite runs.
  const dayOf = (ago: number): string => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  const d3 = dayOf(3);
  const d2 = dayOf(2);

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
    tracker = await t.keyFor('svc-portal', 'TRACKER');
  });
  afterAll(() => t.stop());

  describe('user(id)', () => {
    it('answers for a portal user id that was never registered, with its stats, and the name once registered', async () => {
      const sent = await t.gql(
        TRACK,
        { input: { resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: 'anon-1', userId: 'portal-u9', timestamp: `${d3}T09:00:00Z`, userAgent: BROWSER_UA } },
        tracker,
      );
      expect(sent.errors).toBeUndefined();
      const before = await t.gql<{ user: unknown }>(USER, { id: 'portal-u9' }, admin);
      expect(before.errors).toBeUndefined();
      expect(before.data!.user).toEqual({ id: 'portal-u9', name: null, stats: { views: 1, downloads: 0, datasets: 1 } });

      await t.gw.services.catalogWriter.users([{ _id: 'portal-u9', name: 'Nine', email: null, role: 'USER', automated: false }]);
      const after = await t.gql<{ user: { name: string | null } }>(USER, { id: 'portal-u9' }, admin);
      expect(after.data!.user).toEqual({ id: 'portal-u9', name: 'Nine', stats: { views: 1, downloads: 0, datasets: 1 } });
    });

    it('is null for an id with neither an account nor events, and still FORBIDDEN to other users', async () => {
      const none = await t.gql<{ user: unknown }>(USER, { id: 'nobody-here' }, admin);
      expect(none.errors).toBeUndefined();
      expect(none.data!.user).toBeNull();
      const bob = await t.keyFor('bob', 'USER');
      const other = await t.gql(USER, { id: 'portal-u9' }, bob);
      expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('YYYY-MM-DD wherever a date-time is taken', () => {
    it('trackAccess takes a day as timestamp: 00:00 UTC of that day', async () => {
      const res = await t.gql<{ trackAccess: { status: string } }>(
        TRACK,
        { input: { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'day-ts', userId: 'carol', timestamp: d2, userAgent: BROWSER_UA } },
        tracker,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.trackAccess.status).toBe('RECORDED');
      const stats = await t.gql<{ file: { stats: { downloads: number; lastDownloadedAt: string } } }>(
        `query { file(id: "f1") { stats { downloads lastDownloadedAt } } }`,
        {},
        admin,
      );
      expect(stats.data!.file.stats).toEqual({ downloads: 1, lastDownloadedAt: `${d2}T00:00:00.000Z` });
    });

    it('usage and dataDashboard take days, as variables and as literals, and agree with date-times', async () => {
      const SERIES = `query S($from: DateTime!, $to: DateTime!) { dataset(id: "d-pub") { usage(from: $from, to: $to) { firstDay lastDay total { views downloads } } } }`;
      const byDay = await t.gql<{ dataset: { usage: unknown } }>(SERIES, { from: d3, to: d2 }, admin);
      expect(byDay.errors).toBeUndefined();
      const byInstant = await t.gql<{ dataset: { usage: unknown } }>(SERIES, { from: `${d3}T00:00:00Z`, to: `${d2}T23:59:59Z` }, admin);
      expect(byDay.data!.dataset.usage).toEqual(byInstant.data!.dataset.usage);
      expect(byDay.data!.dataset.usage).toEqual({ firstDay: d3, lastDay: d2, total: { views: 1, downloads: 1 } });

      const literal = await t.gql<{ dataDashboard: { firstDay: string; lastDay: string } }>(
        `query { dataDashboard(from: "${d3}", to: "${d2}") { firstDay lastDay } }`,
        {},
        admin,
      );
      expect(literal.errors).toBeUndefined();
      expect(literal.data!.dataDashboard).toEqual({ firstDay: d3, lastDay: d2 });
    });

    it('refuses an impossible day and a month with a clear message', async () => {
      const SERIES = `query S($from: DateTime!, $to: DateTime!) { dataset(id: "d-pub") { usage(from: $from, to: $to) { firstDay } } }`;
      const bad = await t.gql(SERIES, { from: '2026-02-30', to: d2 }, admin);
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0].message).toMatch(/2026-02-30/);
      const month = await t.gql(SERIES, { from: '2026-02', to: d2 }, admin);
      expect(month.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('HTTP report parameters take the same day form', async () => {
      const res = await fetch(`${t.baseUrl}/api/reports/metrics/datasets?since=${d3}&until=${d2}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(200);
      const csv = await res.text();
      expect(csv.split('\n')[0]).toMatch(/^type,id,/);
      expect(csv).toMatch(/\nDATASET,d-pub,/i);
    });
  });

  describe('collections are only viewed', () => {
    it.each(['DOWNLOAD', 'API_CALL'])('a COLLECTION %s is refused with BAD_USER_INPUT and nothing is stored', async (action) => {
      const before = await t.eventCount();
      const res = await t.gql(
        TRACK,
        { input: { resourceType: 'COLLECTION', resourceId: 'c-root', action, eventId: `col-${action}`, userAgent: BROWSER_UA } },
        tracker,
      );
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/collections are only viewed/);
      expect(await t.eventCount()).toBe(before);
    });

    it('in a batch, only the collection download is rejected; a collection view is recorded', async () => {
      const res = await t.gql<{ trackAccesses: { recorded: number; rejected: number; results: { status: string; error: { code: string } | null }[] } }>(
        TRACK_MANY,
        {
          inputs: [
            { resourceType: 'COLLECTION', resourceId: 'c-root', action: 'VIEW', eventId: 'col-v', userAgent: BROWSER_UA },
            { resourceType: 'COLLECTION', resourceId: 'c-root', action: 'DOWNLOAD', eventId: 'col-d', userAgent: BROWSER_UA },
          ],
        },
        tracker,
      );
      expect(res.data!.trackAccesses).toMatchObject({ recorded: 1, rejected: 1 });
      expect(res.data!.trackAccesses.results.map((r) => [r.status, r.error?.code ?? null])).toEqual([
        ['RECORDED', null],
        ['REJECTED', 'BAD_USER_INPUT'],
      ]);
      const c = await t.gql<{ collection: { stats: { views: number; downloads: number; apiCalls: number } } }>(
        `query { collection(id: "c-root") { stats { views downloads apiCalls } } }`,
        {},
        admin,
      );
      expect(c.data!.collection.stats).toEqual({ views: 1, downloads: 0, apiCalls: 0 });
    });
  });
});
