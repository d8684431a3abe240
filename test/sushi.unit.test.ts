import { buildDsr, dsrToTsv, emptyFigures, monthHeading, reportingPeriod, type DsrDatasetInput, type MethodFigures } from '../src/sushi/dsr-report';
import { validateDsr } from './support/sushi-schema';

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
  dataTo: '2026-05-10',
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

  it('flags partial data (3040) and no usage (3030)', () => {
    const cur = reportingPeriod({ beginMonth: '2026-05', endMonth: '2026-06', now: params.now, dataFrom: '2025-01-01' });
    expect(cur.endDate).toBe('2026-05-10');
    expect(cur.exceptions.map((e) => e.code)).toEqual([3040]);
    const early = reportingPeriod({ beginMonth: '2025-01', endMonth: '2025-06', now: params.now, dataFrom: '2025-06-01' });
    expect(early.exceptions[0]).toMatchObject({ code: 3040, message: 'Partial Data Returned' });
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

  it('writes the CoP-RD tabular form', () => {
    const tsv = dsrToTsv(buildDsr(datasets, params));
    const lines = tsv.split('\r\n');
    expect(lines[0]).toBe('Report_Name\tDataset Master Report');
    expect(lines[1]).toBe('Report_ID\tDSR');
    expect(lines[7]).toBe('Reporting_Period\tbegin_date=2026-01-01; end_date=2026-02-28');
    expect(lines[10]).toBe('');
    expect(lines[11].split('\t')).toEqual([
      'Dataset_Title', 'Publisher', 'Publisher_ID', 'Platform', 'DOI', 'Other_ID', 'URI', 'Access_Method', 'Metric_Type', 'Reporting_Period_Total', 'Jan-2026', 'Feb-2026',
    ]);
    expect(lines[12].split('\t')).toEqual([
      'Lake Erie fish', 'Portal One', 'p1', 'usage-gateway', '10.5061/dryad.x1', 'p1:ds-1', '', 'Regular', 'Total_Dataset_Investigations', '6', '5', '1',
    ]);
    expect(monthHeading('2026-12')).toBe('Dec-2026');
  });
});
