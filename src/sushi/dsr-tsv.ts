/**
 * The DSR as a CoP-RD tabular report (tab-separated, UTF-8, CRLF), from the
 * SUSHI JSON buildDsr made. Pure.
 *
 * Layout, from the Code of Practice for Research Data 1.0.1
 * (github.com/Project-Counter/coprd, source/07-reports.rst and
 * source/06-specifications/02-formats-for-reports.rst):
 * - Table 7.2: ten header rows, `Report_Name` … `Created_By` (the R5 rows
 *   `Institution_Name` and `Institution_ID` "are not used"), then row 11
 *   blank;
 * - Table 7.3: the body columns in its order, `Dataset_Title` …
 *   `Reporting_Period_Total`, then one `mmm-yyyy` column per month. There
 *   is no `Platform` column in the research-data report.
 */
import { monthsBetween } from '../dates/date-input';
import { neutralizeFormula } from '../domain/csv-cell';
import { DSR_REPORT_ID, METRIC_TYPES, metricLabel, type DsrException, type MetricType } from './dsr-report';

/** Table 7.2, column A, in order (row 11 is blank). */
export const TSV_HEADER_LABELS = [
  'Report_Name',
  'Report_ID',
  'Release',
  'Metric_Types',
  'Report_Filters',
  'Report_Attributes',
  'Exceptions',
  'Reporting_Period',
  'Created',
  'Created_By',
] as const;

/** Table 7.3, in order, before the month columns. */
export const TSV_COLUMNS = [
  'Dataset_Title',
  'Publisher',
  'Publisher_ID',
  'Creators',
  'Publication_Date',
  'Dataset_Version',
  'DOI',
  'Other_ID',
  'URI',
  'YOP',
  'Access_Method',
  'Metric_Type',
  'Reporting_Period_Total',
] as const;

/**
 * Filters that go elsewhere in the tabular header: the dates are the
 * `Reporting_Period` row (Table 6.2: Report_Filters are the filters "on the
 * reported usage"), so the row does not repeat them.
 */
const PERIOD_FILTERS = new Set(['begin-date', 'end-date']);

const MONTH_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-03` → `Mar-2026` (the CoP's `mmm-yyyy` column heading). */
export function monthHeading(month: string): string {
  return `${MONTH_ABBR[+month.slice(5, 7) - 1]}-${month.slice(0, 4)}`;
}

/**
 * Control characters (C0 with tab, CR and LF, DEL, C1) and the Unicode
 * line and paragraph separators: any of them in a TSV value could start a
 * new cell or a new line (a `dataset_id` holding CRLF wrote its own header
 * line, `=HYPERLINK(…)`).
 */
const CONTROL_RUN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A TSV cell, header value or row: control characters become one space; text that could start a formula gets the CSV reports' `'` (neutralizeFormula). */
export function tsvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  return neutralizeFormula(v.replace(CONTROL_RUN, ' '));
}

interface TsvDataset {
  'dataset-id': { type: string; value: string }[];
  'dataset-title': string;
  publisher: string;
  'publisher-id': { value: string }[];
  'dataset-contributors'?: { value: string }[];
  'dataset-dates'?: { type: string; value: string }[];
  yop?: string;
  uri?: string;
  performance: { period: { 'begin-date': string }; instance: { 'access-method': string; 'metric-type': MetricType; count: number }[] }[];
}

/** Table 7.3's descriptive cells of one dataset, in column order, up to `URI`/`YOP`. */
function describe(d: TsvDataset): string[] {
  const doi = d['dataset-id'].find((i) => i.type === 'doi')?.value ?? '';
  const other = d['dataset-id'].find((i) => i.type === 'proprietary')?.value ?? '';
  return [
    d['dataset-title'],
    d.publisher,
    d['publisher-id'][0]?.value ?? '',
    (d['dataset-contributors'] ?? []).map((c) => c.value).join('; '),
    d['dataset-dates']?.find((x) => x.type === 'pub-date')?.value ?? '',
    // The gateway counts a dataset over all its versions and keeps none: blank (CoP: unknown values are left blank).
    '',
    doi,
    other,
    d.uri ?? '',
    // CoP-RD Table 6.7: "If the year of publication is not known, use a value of 0001".
    d.yop ?? '0001',
  ].map(tsvCell);
}

/**
 * The report as a CoP-RD tabular report: Table 7.2 header rows, a blank
 * row, Table 7.3 columns, one row per dataset × access method × metric
 * type with use. Lines end with CRLF; UTF-8.
 */
export function dsrToTsv(report: Record<string, unknown>): string {
  const h = report['report-header'] as Record<string, unknown>;
  const period = h['reporting-period'] as { 'begin-date': string; 'end-date': string };
  const filters = (h['report-filters'] as { name: string; value: string }[])
    .filter((f) => !PERIOD_FILTERS.has(f.name))
    .map((f) => `${f.name}=${f.value}`)
    .join('; ');
  const exceptions = (h.exceptions as DsrException[]).map((e) => `${e.code}: ${e.message}${e.data ? ` (${e.data})` : ''}`).join('; ');
  const datasets = report['report-datasets'] as TsvDataset[];
  // With rows, the period is clamped to the stored months (reportingPeriod);
  // without, it may echo a request of any length, and no month has a cell.
  const months = datasets.length ? monthsBetween(period['begin-date'].slice(0, 7), period['end-date'].slice(0, 7)) : [];
  // Every header value goes through tsvCell: filters echo the request's portal and dataset_id.
  const values = [
    'Dataset Master Report',
    DSR_REPORT_ID,
    'RD1',
    METRIC_TYPES.map(metricLabel).join('; '),
    filters,
    '',
    exceptions,
    `begin_date=${period['begin-date']}; end_date=${period['end-date']}`,
    String(h.created).slice(0, 10),
    String(h['created-by']),
  ];
  const lines: string[][] = TSV_HEADER_LABELS.map((label, i) => [label, tsvCell(values[i])]);
  lines.push([], [...TSV_COLUMNS, ...months.map(monthHeading)]);
  for (const d of datasets) {
    const cells = new Map<string, Map<string, number>>();
    for (const perf of d.performance) {
      const month = perf.period['begin-date'].slice(0, 7);
      for (const i of perf.instance) {
        const key = `${i['access-method']}|${i['metric-type']}`;
        if (!cells.has(key)) cells.set(key, new Map());
        cells.get(key)!.set(month, i.count);
      }
    }
    const described = describe(d);
    for (const method of ['regular', 'machine']) {
      for (const metric of METRIC_TYPES) {
        const byMonth = cells.get(`${method}|${metric}`);
        if (!byMonth) continue;
        let total = 0;
        for (const c of byMonth.values()) total += c;
        lines.push([
          ...described,
          method === 'regular' ? 'Regular' : 'Machine',
          metricLabel(metric),
          String(total),
          ...months.map((m) => String(byMonth.get(m) ?? 0)),
        ]);
      }
    }
  }
  return lines.map((l) => l.join('\t')).join('\r\n') + '\r\n';
}
