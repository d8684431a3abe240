import type { TestGateway } from './support/test-gateway';
import { NAMES, fetchCsv, withUsageReportGateway, type ReportKeys } from './support/report-fixtures';
import { COLLECTIONS_BY_USER, DATASETS_BY_USER, FILES_BY_USER } from './support/report-expected';
import { BY_USER_REPORT_COLUMNS } from '../src/reports/report-columns';

/**
 * The by-user usage reports, as CSV and through GraphQL: one row per
 * (user, resource), human traffic of signed-in users only, a USER's own rows,
 * and activity windows from per-user daily buckets.
 * Catalog and history: test/support/report-fixtures.ts; expected rows, by
 * hand: test/support/report-expected.ts.
 */

const BY_USER = `query B($type: ResourceType!, $first: Int, $after: String) {
  usageByUserReport(type: $type, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { type id name user { id name } views downloads apiCalls lastViewedAt lastDownloadedAt }
  }
}`;

describe('usage reports', () => {
  let t: TestGateway;
  let k: ReportKeys;
  withUsageReportGateway((g) => ({ t, k } = g));

  describe('by-user reports', () => {
    it('one row per (user, resource): human traffic of signed-in users only', async () => {
      const f = await fetchCsv(t, '/api/reports/metrics/files_by_user', k.admin);
      expect(f.rows![0]).toEqual([...BY_USER_REPORT_COLUMNS]);
      // f1 was also downloaded twice by machines (ext, carol's automated key): not here.
      expect(f.records).toEqual(FILES_BY_USER);
      const d = await fetchCsv(t, '/api/reports/metrics/datasets_by_user', k.admin);
      expect(d.records).toEqual(DATASETS_BY_USER);
      const c = await fetchCsv(t, '/api/reports/metrics/collections_by_user', k.admin);
      expect(c.records).toEqual(COLLECTIONS_BY_USER);
    });

    it('machine downloads are in the totals machine counter, not in downloads nor per-user rows', async () => {
      const res = await t.gql<{ file: { stats: { downloads: number; machine: { downloads: number } } } }>(
        '{ file(id: "f1") { stats { downloads machine { downloads } } } }',
        {},
        k.admin,
      );
      expect(res.data!.file.stats).toEqual({ downloads: 2, machine: { downloads: 2 } });
      const carol = await fetchCsv(t, '/api/reports/metrics/files_by_user', k.carol);
      expect(carol.records).toEqual([]);
    });

    it('gives a USER only their own rows', async () => {
      const bob = await fetchCsv(t, '/api/reports/metrics/files_by_user', k.bob);
      expect(bob.records).toEqual(FILES_BY_USER.filter((r) => r.user_id === 'bob'));
      const alice = await fetchCsv(t, '/api/reports/metrics/datasets_by_user', k.alice);
      expect(alice.records).toEqual(DATASETS_BY_USER.filter((r) => r.user_id === 'alice'));
    });

    it('since/until count only the activity of the window, from per-user daily buckets', async () => {
      const late = await fetchCsv(t, '/api/reports/metrics/collections_by_user?since=2025-03-01', k.admin);
      expect(late.records!.map((r) => [r.id, r.user_id, r.views, r.last_viewed])).toEqual([['c-child', 'carol', '1', '2025-03-02 00:00:00']]);
      const early = await fetchCsv(t, '/api/reports/metrics/collections_by_user?until=2025-01-31', k.admin);
      expect(early.records!.map((r) => [r.id, r.user_id, r.views, r.last_viewed])).toEqual([
        ['c-child', 'alice', '1', '2025-01-16 00:00:00'],
        ['c-root', 'bob', '1', '2025-01-15 00:00:00'],
      ]);
      // A USER still sees only their own rows inside a window.
      const bob = await fetchCsv(t, '/api/reports/metrics/collections_by_user?until=2025-01-31', k.bob);
      expect(bob.records!.map((r) => [r.id, r.user_id])).toEqual([['c-root', 'bob']]);
      const bad = await fetchCsv(t, '/api/reports/metrics/files_by_user?since=2025-03-01&until=2025-02-01', k.admin);
      expect(bad.status).toBe(400);
      const gql = await t.gql<{ usageByUserReport: { nodes: { id: string; user: { id: string } }[] } }>(
        'query Q($since: String) { usageByUserReport(type: COLLECTION, since: $since) { nodes { id user { id } } } }',
        { since: '2025-03-01' },
        k.admin,
      );
      expect(gql.data!.usageByUserReport.nodes.map((n) => `${n.id}/${n.user.id}`)).toEqual(['c-child/carol']);
    });

    it('the same rows through GraphQL', async () => {
      const res = await t.gql<{ usageByUserReport: { totalCount: number; nodes: Record<string, unknown>[] } }>(BY_USER, { type: 'COLLECTION' }, k.admin);
      expect(res.errors).toBeUndefined();
      expect(res.data!.usageByUserReport.totalCount).toBe(3);
      expect(res.data!.usageByUserReport.nodes).toEqual([
        { type: 'COLLECTION', id: 'c-child', name: NAMES.cChild, user: { id: 'alice', name: NAMES.alice }, views: 1, downloads: null, apiCalls: 0, lastViewedAt: '2025-01-16T10:00:00.000Z', lastDownloadedAt: null },
        { type: 'COLLECTION', id: 'c-child', name: NAMES.cChild, user: { id: 'carol', name: NAMES.carol }, views: 1, downloads: null, apiCalls: 0, lastViewedAt: '2025-03-02T10:00:00.000Z', lastDownloadedAt: null },
        { type: 'COLLECTION', id: 'c-root', name: NAMES.cRoot, user: { id: 'bob', name: NAMES.bob }, views: 1, downloads: null, apiCalls: 0, lastViewedAt: '2025-01-15T10:00:00.000Z', lastDownloadedAt: null },
      ]);
      const ds = await t.gql<{ usageByUserReport: { nodes: { id: string; user: { id: string }; apiCalls: number }[] } }>(BY_USER, { type: 'DATASET' }, k.admin);
      expect(ds.data!.usageByUserReport.nodes.map((n) => `${n.id}/${n.user.id}/${n.apiCalls}`)).toEqual([
        'd-priv/bob/0',
        'd-pub/alice/0',
        'd-priv/alice/0',
        'd-pub/bob/0',
        'd-pub/carol/1',
        'd-draft/alice/0',
      ]);
    });
  });
});
