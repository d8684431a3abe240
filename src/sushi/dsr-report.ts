/**
 * COUNTER Code of Practice for Research Data: the Dataset Report (`DSR`,
 * release `rd1`) as SUSHI JSON, from per-dataset monthly metrics. Pure: the
 * figures are read by src/store/sushi.repository.ts; dsr-tsv.ts writes the
 * same report as the CoP-RD tabular report.
 *
 * The JSON follows the published schema DataCite validates reports with
 * (data/counter/sushi_usage_schema.json, lower case with hyphens, as
 * counter-processor sends them); exception codes and messages are those of
 * CoP-RD Appendix B, Table B.1.
 */
import { lastDayOfMonth } from '../dates/date-input';
import { HUB_COUNTRY_CODES } from './hub-country-codes';
import { utcDay } from '../util/utc-day';

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
  /** First UTC day with stored events (null: none stored). */
  dataFrom: string | null;
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

/** CoP-RD Appendix B, Table B.1: the messages of the codes the DSR uses ("must exactly match"). */
export const EXCEPTION_MESSAGES = {
  3030: 'No Usage Available for Requested Dates',
  3031: 'Usage Not Ready for Requested Dates',
  3040: 'Partial Data Returned',
} as const;

/**
 * The reporting period and the exceptions of a request (CoP-RD Appendix B,
 * Table B.1). The months asked are clamped to the months that can hold
 * usage, from the month of the first stored day to the current month, so
 * that a request for `0001-01`..`9999-12` reads and lists only those:
 *
 * - 3030 "No Usage Available for Requested Dates": months before the first
 *   stored day (or nothing stored at all) are left out;
 * - 3031 "Usage Not Ready for Requested Dates": months after the current
 *   month are left out, named in `data` as the CoP asks;
 * - 3040 "Partial Data Returned": the last month kept is the current
 *   (unfinished) month, whose `end-date` is then today (CoP-RD: an end date
 *   inside the month marks a partial month); in the full profile also when
 *   the first month kept starts before the first stored day. The hub
 *   profile, like counter-processor, uses 3040 only for a month not over:
 *   a closed month goes to the hub without exceptions.
 *
 * {@link buildDsr} adds 3030 when no dataset has use in what is left.
 */
export function reportingPeriod(p: Pick<DsrParams, 'beginMonth' | 'endMonth' | 'now' | 'dataFrom' | 'profile'>): ReportingPeriod {
  const today = utcDay(p.now);
  const currentMonth = today.slice(0, 7);
  const asked = `request was for ${p.beginMonth}-01 to ${lastDayOfMonth(p.endMonth)}`;
  const exceptions: DsrException[] = [];
  const firstMonth = p.dataFrom === null ? null : p.dataFrom.slice(0, 7);
  let begin = p.beginMonth;
  let end = p.endMonth;
  if (end > currentMonth) {
    const notReady = begin > currentMonth ? begin : nextMonth(currentMonth);
    end = currentMonth;
    exceptions.push({
      code: 3031,
      severity: 'warning',
      message: EXCEPTION_MESSAGES[3031],
      data: `${asked}; usage is only available to ${today}: months after ${currentMonth} are left out (${notReady} to ${p.endMonth} not processed)`,
    });
  }
  if (firstMonth === null) {
    exceptions.push({ code: 3030, severity: 'warning', message: EXCEPTION_MESSAGES[3030], data: `${asked}; no usage is stored yet` });
  } else if (begin < firstMonth) {
    begin = firstMonth;
    exceptions.push({
      code: 3030,
      severity: 'warning',
      message: EXCEPTION_MESSAGES[3030],
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
  if (p.profile !== 'hub' && p.dataFrom! > beginDate) reasons.push(`stored usage starts on ${p.dataFrom}`);
  if (reasons.length) {
    exceptions.push({ code: 3040, severity: 'warning', message: EXCEPTION_MESSAGES[3040], data: `${asked}; ${reasons.join('; ')}` });
  }
  return { beginDate, endDate, months: { begin, end }, exceptions };
}

function nextMonth(month: string): string {
  const y = +month.slice(0, 4);
  const m = +month.slice(5, 7);
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${month.slice(0, 5)}${String(m + 1).padStart(2, '0')}`;
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
        ? { 'dataset-dates': [{ type: 'pub-date', value: utcDay(d.publicationDate) }], yop: d.publicationDate.toISOString().slice(0, 4) }
        : {}),
      ...(d.landingPageUrl ? { uri: d.landingPageUrl } : {}),
      platform: p.platform,
      'data-type': 'dataset',
      performance,
    });
  }
  let exceptions = [...period.exceptions];
  if (!reportDatasets.length) {
    if (!exceptions.some((e) => e.code === 3030)) exceptions.push({ code: 3030, severity: 'error', message: EXCEPTION_MESSAGES[3030] });
    // Table B.1 gives 3030 the severity Error: nothing of the request is returned.
    exceptions = exceptions.map((e) => (e.code === 3030 ? { ...e, severity: 'error' } : e));
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
