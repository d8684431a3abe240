/**
 * COUNTER Code of Practice for Research Data: the Dataset Report (`DSR`,
 * release `rd1`) as SUSHI JSON and as TSV, from per-dataset monthly
 * metrics. Pure: the figures are read by src/store/sushi.repository.ts.
 *
 * The JSON follows the published schema DataCite validates reports with
 * (data/counter/sushi_usage_schema.json, lower case with hyphens, as
 * counter-processor sends them); the TSV follows the CoP-RD tables
 * (`Report_Name`, `Metric_Type`, `Total_Dataset_Investigations`, …).
 */
import { lastDayOfMonth, monthsBetween } from '../dates/date-input';
import { neutralizeFormula } from '../reports/csv-format';
import { HUB_COUNTRY_CODES } from './hub-country-codes';

export const DSR_REPORT_ID = 'DSR';
export const DSR_RELEASE = 'rd1';
export const DSR_REPORT_NAME = 'dataset report';

export type AccessMethod = 'regular' | 'machine';

/** The four CoP-RD metric types, in the order reports list them. */
export const METRIC_TYPES = [
  'total-dataset-investigations',
  'unique-dataset-investigations',
  'total-dataset-requests',
  'unique-dataset-requests',
] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/** `total-dataset-investigations` → `Total_Dataset_Investigations` (CoP-RD tables, TSV). */
export function metricLabel(m: MetricType): string {
  return m
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('_');
}

/** One dataset's COUNTER figures for one month and one access method. */
export interface MethodFigures {
  'total-dataset-investigations': number;
  'unique-dataset-investigations': number;
  'total-dataset-requests': number;
  'unique-dataset-requests': number;
  /** Bytes delivered by the counted requests. */
  volume: number;
  /** Per country (ISO 3166-1 alpha-2): the same four metrics. */
  countries: Record<string, Record<MetricType, number>>;
}

export interface DsrDatasetInput {
  id: string;
  title: string;
  doi: string | null;
  portalId: string;
  portalName: string;
  /** The dataset's own publisher (catalog `publisher`); null: the portal publishes it. */
  publisher?: string | null;
  /** The publisher's id (publisherIdOf); null: the portal's id as `client-id`. */
  publisherId?: string | null;
  /** Creators' names (`dataset-contributors`). */
  contributors?: readonly string[];
  /** First publication: `dataset-dates` pub-date and `yop`. */
  publicationDate?: Date | null;
  /** Landing page: `uri`. */
  landingPageUrl?: string | null;
  /** By month `YYYY-MM`. Months without use may be absent. */
  months: ReadonlyMap<string, Record<AccessMethod, MethodFigures>>;
}

export interface DsrException {
  code: number;
  severity: 'warning' | 'error';
  message: string;
  'help-url'?: string;
  data?: string;
}

export interface DsrParams {
  beginMonth: string;
  endMonth: string;
  /** Filters as requested, echoed in the header (`begin-date`, `end-date`, `portal`, `dataset_id`). */
  filters: { name: string; value: string }[];
  platform: string;
  createdBy: string;
  now: Date;
  /** First and last UTC day with stored events (null: none stored). */
  dataFrom: string | null;
  dataTo: string | null;
  /**
   * `full` (default): the CoP-RD report for any client, with `volume` and
   * several months. `hub`: what DataCite's usage hub (datacite/sashimi)
   * accepts: lower-case `country-counts` keys, no `volume` (not among the
   * hub's permitted keys). The one-month rule is the caller's.
   */
  profile?: DsrProfile;
}

export type DsrProfile = 'full' | 'hub';

export function emptyFigures(): MethodFigures {
  return {
    'total-dataset-investigations': 0,
    'unique-dataset-investigations': 0,
    'total-dataset-requests': 0,
    'unique-dataset-requests': 0,
    volume: 0,
    countries: {},
  };
}

/** The months a report covers once clamped to the stored data; null when none of the asked months can hold usage. */
export interface ReportingPeriod {
  /** `reporting-period` of the header: the clamped period, or the request's when nothing is left of it. */
  beginDate: string;
  endDate: string;
  months: { begin: string; end: string } | null;
  exceptions: DsrException[];
}

/**
 * The reporting period and the exceptions of a request (COUNTER R5 §3.3.9
 * codes). The months asked are clamped to the months that can hold usage,
 * from the month of the first stored day to the current month, so that a
 * request for `0001-01`..`9999-12` reads and lists only those:
 *
 * - 3030 "No Usage Available for Requested Dates": months before the first
 *   stored day (or nothing stored at all) are left out;
 * - 3031 "Usage Not Ready for Requested Dates": months after the current
 *   month are left out;
 * - 3040 "Partial Data Returned": the first month kept starts before the
 *   first stored day, or the last is the current (unfinished) month, whose
 *   `end-date` is then today (CoP-RD: an end date inside the month marks a
 *   partial month).
 *
 * {@link buildDsr} adds 3030 when no dataset has use in what is left.
 */
export function reportingPeriod(p: Pick<DsrParams, 'beginMonth' | 'endMonth' | 'now' | 'dataFrom'>): ReportingPeriod {
  const today = p.now.toISOString().slice(0, 10);
  const currentMonth = today.slice(0, 7);
  const asked = `request was for ${p.beginMonth}-01 to ${lastDayOfMonth(p.endMonth)}`;
  const exceptions: DsrException[] = [];
  const firstMonth = p.dataFrom === null ? null : p.dataFrom.slice(0, 7);
  let begin = p.beginMonth;
  let end = p.endMonth;
  if (end > currentMonth) {
    end = currentMonth;
    exceptions.push({
      code: 3031,
      severity: 'warning',
      message: 'Usage Not Ready for Requested Dates',
      data: `${asked}; usage is only available to ${today}: months after ${currentMonth} are left out`,
    });
  }
  if (firstMonth === null) {
    exceptions.push({ code: 3030, severity: 'warning', message: 'No Usage Available for Requested Dates', data: `${asked}; no usage is stored yet` });
  } else if (begin < firstMonth) {
    begin = firstMonth;
    exceptions.push({
      code: 3030,
      severity: 'warning',
      message: 'No Usage Available for Requested Dates',
      data: `${asked}; stored usage starts on ${p.dataFrom}: months before ${firstMonth} are left out`,
    });
  }
  if (firstMonth === null || begin > end) {
    // Nothing of the request can hold usage: the header echoes the request.
    const beginDate = `${p.beginMonth}-01`;
    let endDate = lastDayOfMonth(p.endMonth);
    if (endDate > today) endDate = today < beginDate ? beginDate : today;
    return { beginDate, endDate, months: null, exceptions };
  }
  const beginDate = `${begin}-01`;
  let endDate = lastDayOfMonth(end);
  const reasons: string[] = [];
  if (endDate >= today) {
    reasons.push(`usage is only available to ${today} (the current month is not complete)`);
    endDate = today;
  }
  if (p.dataFrom! > beginDate) reasons.push(`stored usage starts on ${p.dataFrom}`);
  if (reasons.length) {
    exceptions.push({ code: 3040, severity: 'warning', message: 'Partial Data Returned', data: `${asked}; ${reasons.join('; ')}` });
  }
  return { beginDate, endDate, months: { begin, end }, exceptions };
}

/**
 * A catalog publisher id as COUNTER `publisher-id` (the schema's types are
 * isni, orcid, grid, urn, client-id): `grid.…` is a GRID id, 16 digits (or
 * 15 and X, spaces allowed) an ISNI, anything else (a ROR URL, a URN) urn.
 */
export function publisherIdOf(id: string): { type: 'grid' | 'isni' | 'urn'; value: string } {
  if (/^grid\.\S+$/i.test(id)) return { type: 'grid', value: id };
  if (/^\d{15}[\dX]$/i.test(id.replace(/[\s-]/g, ''))) return { type: 'isni', value: id.replace(/[\s-]/g, '').toUpperCase() };
  return { type: 'urn', value: id };
}

function datasetIds(d: DsrDatasetInput): { type: 'doi' | 'proprietary'; value: string }[] {
  const ids: { type: 'doi' | 'proprietary'; value: string }[] = [];
  if (d.doi) ids.push({ type: 'doi', value: d.doi });
  // The proprietary id is namespaced by portal: two portals may reuse an id.
  ids.push({ type: 'proprietary', value: `${d.portalId}:${d.id}` });
  return ids;
}

/** The SUSHI JSON of a DSR. Datasets in the given order; zero counts are left out (schema: "if count is zero, the instance element should be excluded"). */
export function buildDsr(datasets: readonly DsrDatasetInput[], p: DsrParams): Record<string, unknown> {
  const period = reportingPeriod(p);
  const hub = p.profile === 'hub';
  const reportDatasets: Record<string, unknown>[] = [];
  for (const d of period.months ? datasets : []) {
    const performance: Record<string, unknown>[] = [];
    // The dataset's own months (at most the stored ones), not every month of the period.
    const months = [...d.months.keys()].filter((m) => m >= period.months!.begin && m <= period.months!.end).sort();
    for (const month of months) {
      const figures = d.months.get(month)!;
      const instance: Record<string, unknown>[] = [];
      for (const method of ['regular', 'machine'] as const) {
        const f = figures[method];
        for (const metric of METRIC_TYPES) {
          const count = f[metric];
          if (!(count > 0)) continue;
          const countryCounts: Record<string, number> = {};
          for (const [cc, byMetric] of Object.entries(f.countries)) {
            // The hub permits only its lower-case code list as keys (sashimi COUNTRY_CODES).
            const key = hub ? cc.toLowerCase() : cc;
            if (hub && !HUB_COUNTRY_CODES.has(key)) continue;
            if (byMetric[metric] > 0) countryCounts[key] = byMetric[metric];
          }
          const inst: Record<string, unknown> = { 'access-method': method, 'metric-type': metric, count };
          if (Object.keys(countryCounts).length) inst['country-counts'] = countryCounts;
          // COUNTER volume (bytes) rides on the request total it belongs to.
          if (!hub && metric === 'total-dataset-requests' && f.volume > 0) inst.volume = f.volume;
          instance.push(inst);
        }
      }
      if (!instance.length) continue;
      const begin = `${month}-01`;
      const end = month === period.months!.end ? period.endDate : lastDayOfMonth(month);
      performance.push({ period: { 'begin-date': begin, 'end-date': end }, instance });
    }
    if (!performance.length) continue;
    reportDatasets.push({
      'dataset-id': datasetIds(d),
      'dataset-title': d.title,
      publisher: d.publisher || d.portalName,
      'publisher-id': [d.publisherId ? publisherIdOf(d.publisherId) : { type: 'client-id', value: d.portalId }],
      ...(d.contributors?.length ? { 'dataset-contributors': d.contributors.map((value) => ({ type: 'name', value })) } : {}),
      ...(d.publicationDate
        ? { 'dataset-dates': [{ type: 'pub-date', value: d.publicationDate.toISOString().slice(0, 10) }], yop: d.publicationDate.toISOString().slice(0, 4) }
        : {}),
      ...(d.landingPageUrl ? { uri: d.landingPageUrl } : {}),
      platform: p.platform,
      'data-type': 'dataset',
      performance,
    });
  }
  const exceptions = [...period.exceptions];
  if (!reportDatasets.length && !exceptions.some((e) => e.code === 3030)) {
    exceptions.push({ code: 3030, severity: 'warning', message: 'No Usage Available for Requested Dates' });
  }
  return {
    'report-header': {
      'report-name': DSR_REPORT_NAME,
      'report-id': DSR_REPORT_ID,
      release: DSR_RELEASE,
      created: p.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'created-by': p.createdBy,
      'reporting-period': { 'begin-date': period.beginDate, 'end-date': period.endDate },
      'report-filters': p.filters,
      'report-attributes': [],
      exceptions,
    },
    'report-datasets': reportDatasets,
  };
}

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

/**
 * The same report as a CoP-RD tabular report (Table 7.2 header rows, a
 * blank row, Table 7.3 columns, one row per dataset × access method ×
 * metric type with use), from the JSON {@link buildDsr} made. Lines end
 * with CRLF; UTF-8.
 */
export function dsrToTsv(report: Record<string, unknown>): string {
  const h = report['report-header'] as Record<string, unknown>;
  const period = h['reporting-period'] as { 'begin-date': string; 'end-date': string };
  const filters = (h['report-filters'] as { name: string; value: string }[]).map((f) => `${f.name}=${f.value}`).join('; ');
  const exceptions = (h.exceptions as DsrException[]).map((e) => `${e.code}: ${e.message}${e.data ? ` (${e.data})` : ''}`).join('; ');
  const datasets = report['report-datasets'] as Record<string, unknown>[];
  // With rows, the period is clamped to the stored months (reportingPeriod);
  // without, it may echo a request of any length, and no month has a cell.
  const months = datasets.length ? monthsBetween(period['begin-date'].slice(0, 7), period['end-date'].slice(0, 7)) : [];
  // Every header value goes through tsvCell: filters echo the request's portal and dataset_id.
  const lines: string[][] = [
    ['Report_Name', 'Dataset Master Report'],
    ['Report_ID', DSR_REPORT_ID],
    ['Release', 'RD1'],
    ['Metric_Types', METRIC_TYPES.map(metricLabel).join('; ')],
    ['Report_Filters', tsvCell(filters)],
    ['Report_Attributes', ''],
    ['Exceptions', tsvCell(exceptions)],
    ['Reporting_Period', tsvCell(`begin_date=${period['begin-date']}; end_date=${period['end-date']}`)],
    ['Created', tsvCell(String(h.created).slice(0, 10))],
    ['Created_By', tsvCell(String(h['created-by']))],
    [],
    [
      'Dataset_Title',
      'Publisher',
      'Publisher_ID',
      'Platform',
      'DOI',
      'Other_ID',
      'URI',
      'Access_Method',
      'Metric_Type',
      'Reporting_Period_Total',
      ...months.map(monthHeading),
    ],
  ];
  for (const d of datasets) {
    const ids = d['dataset-id'] as { type: string; value: string }[];
    const doi = ids.find((i) => i.type === 'doi')?.value ?? '';
    const other = ids.find((i) => i.type === 'proprietary')?.value ?? '';
    const publisherId = (d['publisher-id'] as { value: string }[])[0]?.value ?? '';
    const cells = new Map<string, Map<string, number>>();
    for (const perf of d.performance as { period: { 'begin-date': string }; instance: { 'access-method': string; 'metric-type': MetricType; count: number }[] }[]) {
      const month = perf.period['begin-date'].slice(0, 7);
      for (const i of perf.instance) {
        const key = `${i['access-method']}|${i['metric-type']}`;
        if (!cells.has(key)) cells.set(key, new Map());
        cells.get(key)!.set(month, i.count);
      }
    }
    for (const method of ['regular', 'machine']) {
      for (const metric of METRIC_TYPES) {
        const byMonth = cells.get(`${method}|${metric}`);
        if (!byMonth) continue;
        let total = 0;
        for (const c of byMonth.values()) total += c;
        lines.push([
          tsvCell(String(d['dataset-title'])),
          tsvCell(String(d.publisher)),
          tsvCell(publisherId),
          tsvCell(String(d.platform)),
          tsvCell(doi),
          tsvCell(other),
          tsvCell(typeof d.uri === 'string' ? d.uri : ''),
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
