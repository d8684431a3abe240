import { buildDsr, emptyFigures, publisherIdOf, reportingPeriod, type DsrDatasetInput, type MethodFigures } from '../src/sushi/dsr-report';
import { dsrToTsv, monthHeading } from '../src/sushi/dsr-tsv';
import { validateDsr } from './support/sushi-schema';
import { checkReport } from './support/datacite-hub';

function figures(p: Partial<MethodFigures>): MethodFigures {
  return { ...emptyFigures(), ...p };
}

const datasets: DsrDatasetInput[] = [
  {
    id: 'ds-1',
    title: 'Lake Erie fish',
    doi: '10.5061/dryad.x1',
    portalId: 'p1',
    portalName: 'Portal One',
    months: new Map([
      [
        '2026-01',
        {
          regular: figures({
            'total-dataset-investigations': 5,
            'unique-dataset-investigations': 3,
            'total-dataset-requests': 2,
            'unique-dataset-requests': 1,
            volume: 2048,
            countries: { FR: { 'total-dataset-investigations': 5, 'unique-dataset-investigations': 3, 'total-dataset-requests': 2, 'unique-dataset-requests': 1 } },
          }),
          machine: figures({ 'total-dataset-investigations': 7, 'unique-dataset-investigations': 1 }),
        },
      ],
      ['2026-02', { regular: figures({ 'total-dataset-investigations': 1, 'unique-dataset-investigations': 1 }), machine: emptyFigures() }],
    ]),
  },
  { id: 'ds-2', title: '=cmd', doi: null, portalId: 'p1', portalName: 'Portal One', months: new Map() },
];

const params = {
  beginMonth: '2026-01',
  endMonth: '2026-02',
  filters: [
    { name: 'begin-date', value: '2026-01' },
    { name: 'end-date', value: '2026-02' },
  ],
  platform: 'usage-gateway',
  createdBy: 'usage-gateway',
  now: new Date('2026-05-10T12:00:00.123Z'),
  dataFrom: '2025-06-01',
};

describe('COUNTER DSR (rd1)', () => {
  it('builds a report the published schema accepts', () => {
    const r = buildDsr(datasets, params);
    expect(validateDsr(r)).toEqual([]);
    const header = r['report-header'] as Record<string, unknown>;
    expect(header).toMatchObject({ 'report-id': 'DSR', release: 'rd1', created: '2026-05-10T12:00:00Z', exceptions: [] });
    expect(header['reporting-period']).toEqual({ 'begin-date': '2026-01-01', 'end-date': '2026-02-28' });
    const ds = r['report-datasets'] as Record<string, unknown>[];
    // Datasets without use are left out; zero counts too.
    expect(ds).toHaveLength(1);
    expect(ds[0]['dataset-id']).toEqual([
      { type: 'doi', value: '10.5061/dryad.x1' },
      { type: 'proprietary', value: 'p1:ds-1' },
    ]);
    const jan = (ds[0].performance as { instance: Record<string, unknown>[] }[])[0].instance;
    expect(jan).toContainEqual({ 'access-method': 'regular', 'metric-type': 'total-dataset-requests', count: 2, 'country-counts': { FR: 2 }, volume: 2048 });
    expect(jan).toContainEqual({ 'access-method': 'machine', 'metric-type': 'total-dataset-investigations', count: 7 });
    expect(jan).toHaveLength(6);
  });

  it('hub profile: lower-case countries from the hub list only, no volume, the dataset publisher when it has one', () => {
    const withXk: DsrDatasetInput = {
      ...datasets[0],
      publisher: 'Lake Institute',
      months: new Map([
        [
          '2026-01',
          {
            regular: figures({
              'total-dataset-requests': 3,
              volume: 10,
              countries: {
                FR: { 'total-dataset-investigations': 0, 'unique-dataset-investigations': 0, 'total-dataset-requests': 2, 'unique-dataset-requests': 0 },
                XK: { 'total-dataset-investigations': 0, 'unique-dataset-investigations': 0, 'total-dataset-requests': 1, 'unique-dataset-requests': 0 },
              },
            }),
            machine: emptyFigures(),
          },
        ],
      ]),
    };
    const one = { ...params, endMonth: '2026-01' };
    const hub = buildDsr([withXk], { ...one, profile: 'hub' });
    expect(validateDsr(hub)).toEqual([]);
    const ds = (hub['report-datasets'] as Record<string, unknown>[])[0];
    expect(ds.publisher).toBe('Lake Institute');
    // XK (Kosovo) is not in the hub's ISO list: the hub would refuse the key.
    expect((ds.performance as { instance: unknown[] }[])[0].instance).toEqual([
      { 'access-method': 'regular', 'metric-type': 'total-dataset-requests', count: 3, 'country-counts': { fr: 2 } },
    ]);
    const full = buildDsr([withXk], one);
    expect((full['report-datasets'] as { performance: { instance: unknown[] }[] }[])[0].performance[0].instance).toEqual([
      { 'access-method': 'regular', 'metric-type': 'total-dataset-requests', count: 3, 'country-counts': { FR: 2, XK: 1 }, volume: 10 },
    ]);
  });

  it('takes publisher id, contributors, publication date and landing page from the catalog', () => {
    const meta: DsrDatasetInput = {
      ...datasets[0],
      publisherId: 'grid.466587.e',
      contributors: ['Ada Lovelace', 'Alan Turing'],
      publicationDate: new Date('2019-04-02T00:00:00Z'),
      landingPageUrl: 'https://data.example.org/ds-1',
    };
    const r = buildDsr([meta], params);
    expect(validateDsr(r)).toEqual([]);
    expect((r['report-datasets'] as Record<string, unknown>[])[0]).toMatchObject({
      'publisher-id': [{ type: 'grid', value: 'grid.466587.e' }],
      'dataset-contributors': [
        { type: 'name', value: 'Ada Lovelace' },
        { type: 'name', value: 'Alan Turing' },
      ],
      'dataset-dates': [{ type: 'pub-date', value: '2019-04-02' }],
      yop: '2019',
      uri: 'https://data.example.org/ds-1',
    });
    // Publisher_ID, Creators, Publication_Date, Dataset_Version (none kept), DOI, Other_ID, URI, YOP.
    expect(dsrToTsv(r).split('\r\n')[12].split('\t').slice(2, 10)).toEqual([
      'grid.466587.e', 'Ada Lovelace; Alan Turing', '2019-04-02', '', '10.5061/dryad.x1', 'p1:ds-1', 'https://data.example.org/ds-1', '2019',
    ]);
    expect(publisherIdOf('0000 0001 2146 438X')).toEqual({ type: 'isni', value: '000000012146438X' });
    expect(publisherIdOf('https://ror.org/00x6h5n95')).toEqual({ type: 'urn', value: 'https://ror.org/00x6h5n95' });
    // Without them: the portal as client-id, and none of the optional elements.
    const plain = (buildDsr(datasets, params)['report-datasets'] as Record<string, unknown>[])[0];
    expect(plain['publisher-id']).toEqual([{ type: 'client-id', value: 'p1' }]);
    expect(Object.keys(plain).filter((k) => ['dataset-contributors', 'dataset-dates', 'yop', 'uri'].includes(k))).toEqual([]);
  });

  it('flags partial data (3040), months not ready (3031) and no usage (3030)', () => {
    const cur = reportingPeriod({ beginMonth: '2026-05', endMonth: '2026-05', now: params.now, dataFrom: '2025-01-01' });
    expect(cur.endDate).toBe('2026-05-10');
    expect(cur.exceptions.map((e) => e.code)).toEqual([3040]);
    // Past the current month: clamped to it, 3031 for the months left out.
    const next = reportingPeriod({ beginMonth: '2026-05', endMonth: '2026-06', now: params.now, dataFrom: '2025-01-01' });
    expect(next).toMatchObject({ beginDate: '2026-05-01', endDate: '2026-05-10', months: { begin: '2026-05', end: '2026-05' } });
    expect(next.exceptions.map((e) => [e.code, e.message])).toEqual([
      [3031, 'Usage Not Ready for Requested Dates'],
      [3040, 'Partial Data Returned'],
    ]);
    // Before the first month with data: clamped to it, 3030 for the months left out.
    const early = reportingPeriod({ beginMonth: '2025-01', endMonth: '2025-07', now: params.now, dataFrom: '2025-06-01' });
    expect(early).toMatchObject({ beginDate: '2025-06-01', endDate: '2025-07-31', months: { begin: '2025-06', end: '2025-07' } });
    expect(early.exceptions).toEqual([expect.objectContaining({ code: 3030, message: 'No Usage Available for Requested Dates', data: expect.stringMatching(/starts on 2025-06-01/) })]);
    // Data starting inside the first month kept: partial.
    const mid = reportingPeriod({ beginMonth: '2025-06', endMonth: '2025-07', now: params.now, dataFrom: '2025-06-10' });
    expect(mid.exceptions).toEqual([expect.objectContaining({ code: 3040, data: expect.stringMatching(/stored usage starts on 2025-06-10/) })]);
    const empty = buildDsr([], { ...params, beginMonth: '2026-03', endMonth: '2026-03' });
    expect((empty['report-header'] as { exceptions: { code: number }[] }).exceptions.map((e) => e.code)).toEqual([3030]);
    expect(validateDsr(empty)).toEqual([]);
  });

  it('catches a report the schema refuses (the validator is real)', () => {
    const r = buildDsr(datasets, params);
    const ds = (r['report-datasets'] as Record<string, unknown>[])[0];
    (ds.performance as { instance: Record<string, unknown>[] }[])[0].instance[0]['metric-type'] = 'Total_Dataset_Investigations';
    delete ds['publisher-id'];
    expect(validateDsr(r).length).toBeGreaterThanOrEqual(2);
  });

  it('writes the CoP-RD tabular form: Table 7.2 header rows, a blank row, Table 7.3 columns in order', () => {
    const lines = dsrToTsv(buildDsr(datasets, { ...params, filters: [...params.filters, { name: 'portal', value: 'p1' }] })).split('\r\n');
    // Table 7.2, column A and the fixed values of column B; no Institution_Name/Institution_ID rows (CoP-RD 6.2: "not used").
    expect(lines.slice(0, 11).map((l) => l.split('\t'))).toEqual([
      ['Report_Name', 'Dataset Master Report'],
      ['Report_ID', 'DSR'],
      ['Release', 'RD1'],
      ['Metric_Types', 'Total_Dataset_Investigations; Unique_Dataset_Investigations; Total_Dataset_Requests; Unique_Dataset_Requests'],
      // The dates are the Reporting_Period row, not filters.
      ['Report_Filters', 'portal=p1'],
      ['Report_Attributes', ''],
      ['Exceptions', ''],
      ['Reporting_Period', 'begin_date=2026-01-01; end_date=2026-02-28'],
      ['Created', '2026-05-10'],
      ['Created_By', 'usage-gateway'],
      [''],
    ]);
    // Table 7.3, column by column (there is no Platform column), then mmm-yyyy per month.
    const table73 = [
      'Dataset_Title', 'Publisher', 'Publisher_ID', 'Creators', 'Publication_Date', 'Dataset_Version', 'DOI', 'Other_ID', 'URI', 'YOP',
      'Access_Method', 'Metric_Type', 'Reporting_Period_Total',
    ];
    const heading = lines[11].split('\t');
    table73.forEach((column, i) => expect([i, heading[i]]).toEqual([i, column]));
    expect(heading.slice(table73.length)).toEqual(['Jan-2026', 'Feb-2026']);
    const row = Object.fromEntries(heading.map((h, i) => [h, lines[12].split('\t')[i]]));
    expect(row).toEqual({
      Dataset_Title: 'Lake Erie fish',
      Publisher: 'Portal One',
      Publisher_ID: 'p1',
      Creators: '',
      Publication_Date: '',
      Dataset_Version: '',
      DOI: '10.5061/dryad.x1',
      Other_ID: 'p1:ds-1',
      URI: '',
      // Unknown year of publication: 0001 (CoP-RD Table 6.7).
      YOP: '0001',
      Access_Method: 'Regular',
      Metric_Type: 'Total_Dataset_Investigations',
      Reporting_Period_Total: '6',
      'Jan-2026': '5',
      'Feb-2026': '1',
    });
    // Every row has the heading's cell count; regular rows first, then machine.
    const body = lines.slice(12, -1).map((l) => l.split('\t'));
    expect(body.every((r) => r.length === heading.length)).toBe(true);
    expect(body.map((r) => `${r[10]} ${r[11]}`)).toEqual([
      'Regular Total_Dataset_Investigations', 'Regular Unique_Dataset_Investigations', 'Regular Total_Dataset_Requests', 'Regular Unique_Dataset_Requests',
      'Machine Total_Dataset_Investigations', 'Machine Unique_Dataset_Investigations',
    ]);
    expect(lines.at(-1)).toBe('');
    expect(monthHeading('2026-12')).toBe('Dec-2026');
  });

  it('exceptions: the CoP texts; a closed month sent to the hub carries none; 3030 is an error when nothing is returned', () => {
    const messages = { 3030: 'No Usage Available for Requested Dates', 3031: 'Usage Not Ready for Requested Dates', 3040: 'Partial Data Returned' };
    // Stored data starts on 2025-06-10: June is partial in the full report, but the hub profile (counter-processor's
    // convention) keeps 3040 for a month that is not over.
    const june = { ...params, beginMonth: '2025-06', endMonth: '2025-06', dataFrom: '2025-06-10' };
    const ds = [{ ...datasets[0], months: new Map([['2025-06', datasets[0].months.get('2026-01')!]]) }];
    const full = buildDsr(ds, june)['report-header'] as { exceptions: { code: 3040; message: string }[] };
    expect(full.exceptions.map((e) => [e.code, e.message])).toEqual([[3040, messages[3040]]]);
    const hub = buildDsr(ds, { ...june, profile: 'hub' });
    expect((hub['report-header'] as { exceptions: unknown[] }).exceptions).toEqual([]);
    // The current month is still partial for the hub.
    const current = buildDsr(ds, { ...params, beginMonth: '2026-05', endMonth: '2026-05', profile: 'hub', dataFrom: '2025-06-10' });
    expect((current['report-header'] as { exceptions: { code: number }[] }).exceptions.map((e) => e.code)).toEqual([3040, 3030]);
    // What the hub checks (test/support/datacite-hub.ts, from sashimi) takes both a closed month and a month not over.
    const may = { ...ds[0], months: new Map([['2026-05', datasets[0].months.get('2026-01')!]]) };
    const open = buildDsr([may], { ...params, beginMonth: '2026-05', endMonth: '2026-05', profile: 'hub', dataFrom: '2025-06-10' });
    expect((open['report-header'] as { exceptions: { code: number }[] }).exceptions.map((e) => e.code)).toEqual([3040]);
    expect(() => checkReport(hub, true)).not.toThrow();
    expect(() => checkReport(open, true)).not.toThrow();
    // 3031 names the months not processed.
    const later = reportingPeriod({ ...params, beginMonth: '2026-04', endMonth: '2026-08' });
    expect(later.exceptions[0]).toMatchObject({ code: 3031, message: messages[3031], data: expect.stringContaining('2026-06 to 2026-08 not processed') });
    // Nothing returned: 3030 with Table B.1's severity, Error; with data returned it stays a warning.
    const none = buildDsr([], { ...params, beginMonth: '2026-03', endMonth: '2026-03' })['report-header'] as { exceptions: { code: number; severity: string; message: string }[] };
    expect(none.exceptions).toEqual([{ code: 3030, severity: 'error', message: messages[3030] }]);
    const early = buildDsr(datasets, { ...params, beginMonth: '2025-01', dataFrom: '2025-06-01' })['report-header'] as { exceptions: { code: number; severity: string }[] };
    expect(early.exceptions).toEqual([expect.objectContaining({ code: 3030, severity: 'warning', message: messages[3030] })]);
  });

  it('clamps 0001-01..9999-12 to the stored months: no month-by-month walk from year 1', () => {
    const p = { ...params, beginMonth: '0001-01', endMonth: '9999-12', dataFrom: '2025-06-01' };
    const period = reportingPeriod(p);
    expect(period).toMatchObject({ beginDate: '2025-06-01', endDate: '2026-05-10', months: { begin: '2025-06', end: '2026-05' } });
    expect(period.exceptions.map((e) => e.code)).toEqual([3031, 3030, 3040]);
    const r = buildDsr(datasets, p);
    expect(validateDsr(r)).toEqual([]);
    const tsv = dsrToTsv(r).split('\r\n');
    // The 13 columns of Table 7.3, then Jun-2025..May-2026: 12 month columns.
    expect(tsv[11].split('\t')).toHaveLength(13 + 12);
    expect(tsv[11].split('\t')[13]).toBe('Jun-2025');
  });

  it('answers a request wholly outside the stored months with its exception and no month columns', () => {
    const before = buildDsr(datasets, { ...params, beginMonth: '0001-01', endMonth: '2024-12' });
    const header = before['report-header'] as { exceptions: { code: number }[]; 'reporting-period': unknown };
    expect(header.exceptions.map((e) => e.code)).toEqual([3030]);
    expect(header['reporting-period']).toEqual({ 'begin-date': '0001-01-01', 'end-date': '2024-12-31' });
    expect(before['report-datasets']).toEqual([]);
    expect(validateDsr(before)).toEqual([]);
    const after = buildDsr(datasets, { ...params, beginMonth: '2027-01', endMonth: '9999-12' });
    expect((after['report-header'] as { exceptions: { code: number }[] }).exceptions.map((e) => e.code)).toEqual([3031, 3030]);
    const tsv = dsrToTsv(after);
    expect(tsv.length).toBeLessThan(2000);
    expect(tsv.split('\r\n')[11].split('\t')).toHaveLength(13);
    const none = reportingPeriod({ ...params, dataFrom: null });
    expect(none.months).toBeNull();
    expect(none.exceptions.map((e) => e.data)).toEqual([expect.stringMatching(/no usage is stored yet/)]);
  });

  it('cleans every TSV header value: CR/LF/tab cannot write a line or a cell of their own', () => {
    const hostile = 'ds-1\r\n=HYPERLINK("http://x.test","click")\t=1+1\u2028@SUM(1)';
    const r = buildDsr(datasets, {
      ...params,
      filters: [...params.filters, { name: 'dataset-id', value: hostile }],
    });
    const lines: string[] = dsrToTsv(r).split('\r\n');
    expect(lines[4].startsWith('Report_Filters\t')).toBe(true);
    expect(lines[4].split('\t')).toHaveLength(2);
    expect(lines[5]).toBe('Report_Attributes\t');
    expect(lines.filter((l) => /^\s*[=+@-]/.test(l) || l.split('\t').some((c) => /^[=+@]/.test(c)))).toEqual([]);
    // A value that itself starts like a formula gets the CSV reports' quote.
    const lead = buildDsr(datasets, { ...params, filters: [{ name: '=x', value: '1' }] });
    expect(dsrToTsv(lead).split('\r\n')[4]).toBe("Report_Filters\t'=x=1");
  });
});
