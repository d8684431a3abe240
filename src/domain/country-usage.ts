/**
 * Per-country COUNTER figures: sums of stored `countries` maps and the
 * rows GraphQL and the reports show. Pure: no I/O.
 *
 * Stored maps are keyed by ISO 3166-1 alpha-2 codes, upper case, with `ZZ`
 * for "unknown" (no country sent, none found for the IP); shown, `ZZ`
 * becomes null (GraphQL) or `unknown` (CSV), never a country.
 */
import { COUNTRY_FIELDS, type CountryCounts } from './counters';

/** The stored code of visitors without a country. */
export const UNKNOWN_COUNTRY = 'ZZ';

export type CountryMap = Record<string, CountryCounts>;

/** One access method's COUNTER metrics in one country. */
export interface CountryMetrics {
  views: number;
  downloads: number;
  apiCalls: number;
  totalInvestigations: number;
  uniqueInvestigations: number;
  totalRequests: number;
  uniqueRequests: number;
  /** Bytes of counted requests. */
  volume: number;
}

/** Regular and machine COUNTER metrics of one country, as GraphQL shows them. */
export interface CountryUsageRow extends CountryMetrics {
  /** ISO 3166-1 alpha-2; null = unknown. */
  country: string | null;
  machine: CountryMetrics;
}

/** Per-country fields beyond COUNTER's four metrics (optional: older days lack them). */
export const EXTRA_FIELDS = ['a', 'ma', 'b', 'mb'] as const;

function zero(): CountryCounts {
  return { ti: 0, ui: 0, tr: 0, ur: 0, mti: 0, mui: 0, mtr: 0, mur: 0 };
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * Adds a stored `countries` value (absent fields 0; anything not an object
 * ignored) into `into`. Why defensive: the value comes from the database.
 */
export function addCountries(into: CountryMap, stored: unknown): CountryMap {
  if (!stored || typeof stored !== 'object') return into;
  for (const [cc, counts] of Object.entries(stored as Record<string, unknown>)) {
    if (!counts || typeof counts !== 'object') continue;
    const c = (into[cc] ??= zero());
    const src = counts as Record<string, unknown>;
    for (const f of COUNTRY_FIELDS) c[f] += num(src[f]);
    for (const f of EXTRA_FIELDS) if (src[f] !== undefined) c[f] = (c[f] ?? 0) + num(src[f]);
  }
  return into;
}

/**
 * The rows of a country map: countries with any use, by regular total
 * investigations desc, then code; unknown last.
 *
 * Stored per country: total/unique investigations and requests, API calls
 * (`a`) and bytes (`b`), each regular and `m`achine. A download is the only
 * request, so `downloads` = total requests and `views` = investigations −
 * requests − API calls. Days counted before API calls and bytes were kept
 * per country show their API calls as views and no volume (docs/counting.md).
 */
export function countryRows(map: CountryMap): CountryUsageRow[] {
  const rows: CountryUsageRow[] = [];
  for (const [cc, c] of Object.entries(map)) {
    if (COUNTRY_FIELDS.every((f) => c[f] === 0)) continue;
    rows.push({
      country: cc === UNKNOWN_COUNTRY ? null : cc,
      views: Math.max(0, c.ti - c.tr - (c.a ?? 0)),
      downloads: c.tr,
      apiCalls: c.a ?? 0,
      volume: c.b ?? 0,
      totalInvestigations: c.ti,
      uniqueInvestigations: c.ui,
      totalRequests: c.tr,
      uniqueRequests: c.ur,
      machine: {
        views: Math.max(0, c.mti - c.mtr - (c.ma ?? 0)),
        downloads: c.mtr,
        apiCalls: c.ma ?? 0,
        totalInvestigations: c.mti,
        uniqueInvestigations: c.mui,
        totalRequests: c.mtr,
        uniqueRequests: c.mur,
        volume: c.mb ?? 0,
      },
    });
  }
  return rows.sort((a, b) => {
    if ((a.country === null) !== (b.country === null)) return a.country === null ? 1 : -1;
    if (a.totalInvestigations !== b.totalInvestigations) return b.totalInvestigations - a.totalInvestigations;
    return (a.country ?? '') < (b.country ?? '') ? -1 : (a.country ?? '') > (b.country ?? '') ? 1 : 0;
  });
}
