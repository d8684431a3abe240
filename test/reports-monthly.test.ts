import type { TestGateway } from './support/test-gateway';
import { NAMES, fetchCsv, withUsageReportGateway, type ReportKeys } from './support/report-fixtures';
import { MONTHLY_P1, monthly } from './support/report-expected';
import { MONTHLY_EXPORT_COLUMNS } from '../src/reports/report-columns';

/**
 * The monthly usage export (data.gouv.fr's columns), as CSV and through
 * GraphQL: one row per dataset per month, portals and month ranges, and
 * what a USER may export.
 * Catalog and history: test/support/report-fixtures.ts; expected rows, by
 * hand: test/support/report-expected.ts.
 */

const MONTHLY = `query X($portalId: ID, $from: String, $to: String, $first: Int, $after: String) {
  monthlyUsageExport(portalId: $portalId, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { datasetId datasetTitle month views downloads apiCalls }
  }
}`;

describe('usage reports', () => {
  let t: TestGateway;
  let k: ReportKeys;
  withUsageReportGateway((g) => ({ t, k } = g));

  describe('monthly export', () => {
    it('one row per dataset per month of a portal, by dataset id then month', async () => {
      const r = await fetchCsv(t, '/api/reports/monthly?portal=p1', k.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-disposition')).toMatch(/filename="MonthlyUsage-p1-/);
      expect(r.rows![0]).toEqual([...MONTHLY_EXPORT_COLUMNS]);
      expect(r.records).toEqual(MONTHLY_P1);
    });

    it('all portals for an admin, and a month range', async () => {
      const all = await fetchCsv(t, '/api/reports/monthly', k.admin);
      expect(all.records).toEqual([
        monthly('d-draft', NAMES.dDraft, '2025-02-01', '1', '0', '0'),
        monthly('d-draft', NAMES.dDraft, '2025-03-01', '1', '0', '0'),
        ...MONTHLY_P1,
      ]);
      const feb = await fetchCsv(t, '/api/reports/monthly?portal=p1&from=2025-02&to=2025-02', k.admin);
      expect(feb.records).toEqual(MONTHLY_P1.filter((x) => x.month === '2025-02-01'));
      const bad = await fetchCsv(t, '/api/reports/monthly?portal=p1&from=2025-2', k.admin);
      expect(bad.status).toBe(400);
      const unknown = await fetchCsv(t, '/api/reports/monthly?portal=nope', k.admin);
      expect(unknown.status).toBe(404);
      expect(unknown.json!.error!.code).toBe('NOT_FOUND');
    });

    it('a USER must name a portal and gets only datasets they may see', async () => {
      const r = await fetchCsv(t, '/api/reports/monthly', k.carol);
      expect(r.status).toBe(400);
      expect(r.json!.error!.message).toMatch(/portal is required/);
      const carol = await fetchCsv(t, '/api/reports/monthly?portal=p1', k.carol);
      expect(carol.records).toEqual(MONTHLY_P1.filter((x) => x.dataset_id === 'd-pub'));
    });

    it('the same rows through GraphQL', async () => {
      const res = await t.gql<{ monthlyUsageExport: { totalCount: number; nodes: Record<string, unknown>[] } }>(MONTHLY, { portalId: 'p1', first: 3 }, k.admin);
      expect(res.errors).toBeUndefined();
      expect(res.data!.monthlyUsageExport.totalCount).toBe(4);
      expect(res.data!.monthlyUsageExport.nodes).toEqual([
        { datasetId: 'd-priv', datasetTitle: NAMES.dPriv, month: '2025-01', views: 1, downloads: 1, apiCalls: 0 },
        { datasetId: 'd-priv', datasetTitle: NAMES.dPriv, month: '2025-02', views: 1, downloads: 2, apiCalls: 0 },
        { datasetId: 'd-pub', datasetTitle: NAMES.dPub, month: '2025-01', views: 3, downloads: 3, apiCalls: 0 },
      ]);
      const noPortal = await t.gql(MONTHLY, {}, k.bob);
      expect(noPortal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
