/** The weights of the heavy fields (src/graphql/cost.ts; figures in docs/security.md, "Heavy fields"). */
import 'reflect-metadata';
import { parse, type GraphQLSchema } from 'graphql';
import { COST, operationCost } from '../src/graphql/cost';
import { buildGatewaySchema } from '../src/graphql/schema';
import * as pageQueries from '../web/src/queries';

const LIMIT = 100_000; // MAX_QUERY_COST's default
const aliased = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;
const day = (i: number) => `2025-01-${String(i + 1).padStart(2, '0')}`;

describe('cost model: heavy fields', () => {
  let schema: GraphQLSchema;
  const cost = (q: string, variables?: Record<string, unknown>) => operationCost(schema, parse(q), variables);
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it('weighs each usageTable alias at COST.usageTable: 2 fit under the default limit, 3 do not', () => {
    const table = (n: number) => cost(aliased(n, (i) => `usageTable(first: 1, filter: { since: "${day(i)}" }) { totalCount }`));
    expect(table(1)).toBeGreaterThanOrEqual(COST.usageTable);
    expect(table(1)).toBeLessThan(COST.usageTable + 10);
    expect(table(2)).toBeLessThanOrEqual(LIMIT);
    expect(table(3)).toBeGreaterThan(LIMIT);
    expect(table(30)).toBeGreaterThan(1_000_000);
    // A page still multiplies its selection on top of the read.
    expect(cost('{ usageTable(first: 500) { nodes { date count } } }')).toBe(COST.usageTable + 1 + 500 * 1);
  });

  it('weighs each report alias at COST.report: 3 fit, 4 do not', () => {
    for (const field of ['usageReport(first: 1) { totalCount }', 'usageByUserReport(type: FILE, first: 1) { totalCount }', 'monthlyUsageExport(first: 1) { totalCount }']) {
      expect(cost(aliased(3, () => field))).toBeLessThanOrEqual(LIMIT);
      expect(cost(aliased(4, () => field))).toBeGreaterThan(LIMIT);
    }
  });

  it('prices a dashboard window once per request: 3 distinct windows fit, 4 do not; one window serves many dashboards', () => {
    const dash = (n: number, from: (i: number) => string) => cost(aliased(n, (i) => `dataDashboard(from: "${from(i)}T00:00:00Z") { totals { views } }`));
    expect(dash(1, day)).toBe(COST.usageWindow + COST.dashboard + 1 + 1); // the field, then `totals`
    expect(dash(3, day)).toBeLessThanOrEqual(LIMIT);
    expect(dash(4, day)).toBeGreaterThan(LIMIT);
    expect(dash(9, day)).toBeGreaterThan(LIMIT);
    // Same window (e.g. one per portal): read once, built per alias.
    expect(dash(9, () => '2025-01-01')).toBe(COST.usageWindow + 9 * (COST.dashboard + 1 + 1));
  });

  it('a popularity score shares its window with a dashboard of the same window', () => {
    const both = cost(`{ dataDashboard(from: "2025-01-01T00:00:00Z") { totals { views } } dataset(id: "d") { popularity(from: "2025-01-01T00:00:00Z") { score } } }`);
    expect(both).toBeLessThan(2 * COST.usageWindow);
    const windows = (n: number) => cost(`{ dataset(id: "d") { ${Array.from({ length: n }, (_, i) => `p${i}: popularity(from: "${day(i)}T00:00:00Z") { score }`).join(' ')} } }`);
    expect(windows(3)).toBeLessThanOrEqual(LIMIT);
    expect(windows(4)).toBeGreaterThan(LIMIT);
  });

  it("keeps the dashboard page's own queries under the default limit", () => {
    const vars = { v: 'ALL', p: null, from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-12-31T00:00:00Z'), id: 'd', scope: 'PORTAL', g: 'DAY' };
    const queries = Object.entries(pageQueries).filter(([, v]) => typeof v === 'string' && /^\s*(query|\{)/.test(v)) as [string, string][];
    expect(queries.length).toBeGreaterThan(5);
    for (const [name, q] of queries) expect([name, cost(q, vars)]).toEqual([name, expect.any(Number)]);
    for (const [name, q] of queries) expect([name, cost(q, vars) <= LIMIT]).toEqual([name, true]);
  });
});
