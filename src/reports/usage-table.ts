/**
 * The BI-ready long usage table: one row per (date, resource, [user],
 * metric, access method) with a count — the shape Power BI, Tableau,
 * Superset and pandas pivot best. Pure: rows from daily documents, the
 * sort key, CSV records. Names are shared by CSV (snake_case) and GraphQL
 * (camelCase) field for field (docs/reports.md, "Names").
 */
import { ResourceType } from '../domain/resources';
import { UNKNOWN_COUNTRY, countryRows } from '../domain/country-usage';
import type { CountryCounts } from '../domain/counters';
import { spreadsheetMonth } from '../dates/date-input';
import { TYPE_ORDER, rowOrder, type SortKey } from './report-order';

export type Granularity = 'DAY' | 'MONTH';
export type AccessMethodName = 'regular' | 'machine';

/** Metrics of the table, in row order; `csv` is the value in the CSV `metric` column. */
export const USAGE_METRICS = [
  { metric: 'VIEWS', csv: 'views', regular: 'views', machine: 'machineViews' },
  { metric: 'DOWNLOADS', csv: 'downloads', regular: 'downloads', machine: 'machineDownloads' },
  { metric: 'API_CALLS', csv: 'api_calls', regular: 'apiCalls', machine: 'machineApiCalls' },
  { metric: 'UNIQUE_INVESTIGATIONS', csv: 'unique_investigations', regular: 'uniqueInvestigations', machine: 'machineUniqueInvestigations' },
  { metric: 'UNIQUE_REQUESTS', csv: 'unique_requests', regular: 'uniqueRequests', machine: 'machineUniqueRequests' },
  { metric: 'VOLUME_BYTES', csv: 'volume_bytes', regular: 'volume', machine: 'machineVolume' },
] as const;

export type UsageMetric = (typeof USAGE_METRICS)[number]['metric'];

export const USAGE_TABLE_COLUMNS = Object.freeze([
  'date',
  'portal',
  'resource_type',
  'resource_id',
  'title',
  'parent_datasets',
  'user_id',
  'country',
  'metric',
  'access_method',
  'count',
] as const);

export interface UsageTableRow {
  /** `YYYY-MM-DD` (DAY) or `YYYY-MM` (MONTH), UTC. */
  date: string;
  portalId: string | null;
  resourceType: ResourceType;
  resourceId: string;
  title: string | null;
  /** Files: the parent datasets the caller may see. */
  parentDatasetIds: string[];
  /** Set when the table is per user (regular human use of signed-in users). */
  userId: string | null;
  /** By-country tables: ISO 3166-1 alpha-2 or {@link UNKNOWN_LABEL}; null otherwise (all countries). */
  country: string | null;
  metric: UsageMetric;
  accessMethod: AccessMethodName;
  count: number;
}

/**
 * Order of the table: type (as the merged report: collections, datasets,
 * files), date, user, resource, country, metric, access method.
 */
export const USAGE_TABLE_ORDER = rowOrder<UsageTableRow>([
  (r) => TYPE_ORDER[r.resourceType],
  (r) => r.date,
  (r) => r.userId ?? '',
  (r) => r.resourceId,
  // Unknown after every country.
  (r) => (r.country === null ? '' : r.country === UNKNOWN_LABEL ? '~' : r.country),
  (r) => USAGE_METRICS.findIndex((m) => m.metric === r.metric),
  (r) => (r.accessMethod === 'regular' ? 0 : 1),
]);

export function usageTableKey(r: UsageTableRow): SortKey {
  return USAGE_TABLE_ORDER.key(r);
}

/** Sums of counter fields of one (date bucket, resource, user). */
export type FieldSums = Record<string, number>;

export function addFields(into: FieldSums, doc: Record<string, unknown>): void {
  for (const m of USAGE_METRICS) {
    for (const f of [m.regular, m.machine]) {
      const v = doc[f];
      if (typeof v === 'number' && v !== 0) into[f] = (into[f] ?? 0) + v;
    }
  }
}

/** What a by-country row says for visitors without a country (CSV and GraphQL alike). */
export const UNKNOWN_LABEL = 'unknown';

/** The label of a stored country code (`ZZ` → {@link UNKNOWN_LABEL}). */
export function countryLabel(code: string): string {
  return code === UNKNOWN_COUNTRY ? UNKNOWN_LABEL : code;
}

/**
 * The counter fields of one stored country entry, under the names of the
 * day documents' counters, so {@link addFields} sums them like a day's.
 */
export function countryFieldsOf(code: string, counts: CountryCounts): Record<string, number> {
  const [r] = countryRows({ [code]: counts });
  if (!r) return {};
  return {
    views: r.views,
    downloads: r.downloads,
    apiCalls: r.apiCalls,
    uniqueInvestigations: r.uniqueInvestigations,
    uniqueRequests: r.uniqueRequests,
    volume: r.volume,
    machineViews: r.machine.views,
    machineDownloads: r.machine.downloads,
    machineApiCalls: r.machine.apiCalls,
    machineUniqueInvestigations: r.machine.uniqueInvestigations,
    machineUniqueRequests: r.machine.uniqueRequests,
    machineVolume: r.machine.volume,
  };
}

/** The rows of one (date, resource, user) with non-zero counts. */
export function rowsOf(
  base: Omit<UsageTableRow, 'metric' | 'accessMethod' | 'count'>,
  sums: FieldSums,
  metrics: ReadonlySet<UsageMetric> | null,
): UsageTableRow[] {
  const out: UsageTableRow[] = [];
  for (const m of USAGE_METRICS) {
    if (metrics && !metrics.has(m.metric)) continue;
    const r = sums[m.regular] ?? 0;
    if (r > 0) out.push({ ...base, metric: m.metric, accessMethod: 'regular', count: r });
    const x = sums[m.machine] ?? 0;
    if (x > 0) out.push({ ...base, metric: m.metric, accessMethod: 'machine', count: x });
  }
  return out;
}

/**
 * The CSV (and JSON export) record of a row: days `YYYY-MM-DD`, months as
 * their first day `YYYY-MM-01` — both open as dates in spreadsheets,
 * `YYYY-MM` would be text.
 */
export function usageTableRecord(r: UsageTableRow): Record<string, unknown> {
  return {
    date: spreadsheetMonth(r.date),
    portal: r.portalId,
    resource_type: r.resourceType,
    resource_id: r.resourceId,
    title: r.title,
    parent_datasets: r.parentDatasetIds.join(','),
    user_id: r.userId,
    country: r.country,
    metric: USAGE_METRICS.find((m) => m.metric === r.metric)!.csv,
    access_method: r.accessMethod,
    count: r.count,
  };
}
