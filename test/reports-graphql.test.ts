import type { TestGateway } from './support/test-gateway';
import { NAMES, withUsageReportGateway, type ReportKeys } from './support/report-fixtures';
import { FILES_ADMIN, F_AT } from './support/report-expected';

/**
 * The GraphQL usageReport: the rows of the CSV report, typed and
 * unescaped, paged with first/after in report order, with the CSV's
 * windows and BAD_USER_INPUT for bad ones.
 * Catalog and history: test/support/report-fixtures.ts; expected rows, by
 * hand: test/support/report-expected.ts.
 */

const FILE_ROW_FIELDS = `type id name owner { id name } views downloads apiCalls lastViewedAt lastDownloadedAt sizeKb createdAt location status
  parentDatasets { id name } parentCollections { id name } parentSpaces { id name }`;
const USAGE_REPORT = `query R($type: ResourceType, $since: String, $until: String, $first: Int, $after: String) {
  usageReport(type: $type, since: $since, until: $until, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor } nodes { ${FILE_ROW_FIELDS} }
  }
}`;

describe('usage reports', () => {
  let t: TestGateway;
  let k: ReportKeys;
  withUsageReportGateway((g) => ({ t, k } = g));

  describe('GraphQL usageReport', () => {
    it('returns the rows of the CSV, typed and unescaped', async () => {
      const res = await t.gql<{ usageReport: { totalCount: number; nodes: Record<string, unknown>[] } }>(USAGE_REPORT, { type: 'FILE' }, k.admin);
      expect(res.errors).toBeUndefined();
      const nodes = res.data!.usageReport.nodes;
      expect(nodes.map((n) => n.id)).toEqual(FILES_ADMIN.map((r) => r.id));
      expect(nodes[2]).toEqual({
        type: 'FILE',
        id: 'f3',
        name: NAMES.f3,
        owner: null,
        views: 0,
        downloads: 1,
        apiCalls: 0,
        lastViewedAt: null,
        lastDownloadedAt: '2025-01-20T09:00:10.000Z',
        sizeKb: 0,
        createdAt: F_AT,
        location: '',
        status: 'PROCESSED',
        parentDatasets: [
          { id: 'd-pub', name: NAMES.dPub },
          { id: 'd-priv', name: NAMES.dPriv },
        ],
        parentCollections: [
          { id: 'c-child', name: NAMES.cChild },
          { id: 'c-root', name: NAMES.cRoot },
        ],
        parentSpaces: [
          { id: 's2', name: NAMES.s2 },
          { id: 's1', name: NAMES.s1 },
        ],
      });
      expect(nodes[1]).toMatchObject({ name: NAMES.f2, owner: { id: 'alice', name: NAMES.alice } });
    });

    it('pages with first/after in report order', async () => {
      const p1 = await t.gql<{ usageReport: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { id: string }[] } }>(
        USAGE_REPORT,
        { first: 4 },
        k.admin,
      );
      expect(p1.data!.usageReport.nodes.map((n) => n.id)).toEqual(['c-child', 'c-root', 'd-pub', 'd-priv']);
      expect(p1.data!.usageReport.totalCount).toBe(9);
      expect(p1.data!.usageReport.pageInfo.hasNextPage).toBe(true);
      const p2 = await t.gql<{ usageReport: { pageInfo: { hasNextPage: boolean }; nodes: { id: string }[] } }>(
        USAGE_REPORT,
        { first: 4, after: p1.data!.usageReport.pageInfo.endCursor },
        k.admin,
      );
      expect(p2.data!.usageReport.nodes.map((n) => n.id)).toEqual(['d-draft', 'f1', 'f2', 'f3']);
      expect(p2.data!.usageReport.pageInfo.hasNextPage).toBe(true);
    });

    it('applies windows like the CSV, and rejects bad ones with BAD_USER_INPUT', async () => {
      const res = await t.gql<{ usageReport: { nodes: { id: string; views: number; downloads: number; lastViewedAt: string }[] } }>(
        USAGE_REPORT,
        { type: 'FILE', since: '2025-02-01', until: '2025-02-28' },
        k.admin,
      );
      expect(res.data!.usageReport.nodes.map((n) => [n.id, n.views, n.downloads, n.lastViewedAt])).toEqual([
        ['f2', 1, 1, '2025-02-03T00:00:00.000Z'],
        ['f4', 1, 0, '2025-02-04T00:00:00.000Z'],
      ]);
      const bad = await t.gql(USAGE_REPORT, { type: 'FILE', since: 'last week' }, k.admin);
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const badCursor = await t.gql(USAGE_REPORT, { type: 'FILE', after: 'nonsense' }, k.admin);
      expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
