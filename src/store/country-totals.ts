/**
 * Country counts on totals documents (`usage_totals`): a resource's
 * all-time `countries`, moved by the difference of its day figures like
 * every other total, so a dataset's, a file's or a collection page's
 * country figures are one point read.
 */
import { Long, type Document } from 'mongodb';
import { COUNTRY_FIELDS, type CountryCounts } from '../domain/counters';
import { EXTRA_FIELDS } from '../domain/country-usage';

/** A `countries` map with every count as int64 (see `wideCounters`, usage-write.repository.ts). */
export function wideCountries(countries: Record<string, Record<string, number>>): Document {
  const out: Document = {};
  for (const [cc, counts] of Object.entries(countries)) {
    const c: Document = {};
    for (const [k, v] of Object.entries(counts)) if (typeof v === 'number') c[k] = Long.fromNumber(v);
    out[cc] = c;
  }
  return out;
}

const COUNTRY_KEYS: readonly string[] = [...COUNTRY_FIELDS, ...EXTRA_FIELDS];

/** How each country count moves from `before` to `after`, by path `CC.field` (zero moves left out). */
export function countryMoves(before: Record<string, CountryCounts> | null, after: Record<string, CountryCounts> | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cc of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) {
    const b = before?.[cc] as Record<string, number | undefined> | undefined;
    const a = after?.[cc] as Record<string, number | undefined> | undefined;
    for (const k of COUNTRY_KEYS) {
      const d = (a?.[k] ?? 0) - (b?.[k] ?? 0);
      if (d !== 0) out[`${cc}.${k}`] = d;
    }
  }
  return out;
}
