/**
 * Country counts on totals documents (`usage_totals`): a resource's
 * all-time `countries`, moved by the difference of its day figures like
 * every other total, so a dataset's, a file's or a collection page's
 * country figures are one point read.
 */
import { Long, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { COUNTRY_FIELDS, type CountryCounts } from '../domain/counters';
import { EXTRA_FIELDS } from '../domain/country-usage';

/** A `countries` map with every count as int64 (see `wideCounters`, day-figures.ts). */
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

/**
 * The paths to `$unset` so a stored `countries` map holds no zero: a
 * country whose counts are all 0 goes whole, a 0 count alone, an empty map
 * entirely. Why: `$inc` leaves zeros where counts were moved back (a click
 * turned double click, a recount, an erasure), and a rebuild writes none —
 * the two must store the same, and an erased visitor's country must not
 * stay behind as a row of zeros.
 */
export function zeroCountryPaths(countries: unknown): string[] {
  if (!countries || typeof countries !== 'object') return [];
  const out: string[] = [];
  let kept = 0;
  for (const [cc, counts] of Object.entries(countries as Record<string, unknown>)) {
    const entries = counts && typeof counts === 'object' ? Object.entries(counts as Record<string, unknown>) : [];
    const zeros = entries.filter(([, v]) => Number(v) === 0).map(([k]) => k);
    if (zeros.length === entries.length) out.push(`countries.${cc}`);
    else {
      kept++;
      for (const k of zeros) out.push(`countries.${cc}.${k}`);
    }
  }
  return kept === 0 && out.length ? ['countries'] : out;
}

/** Drops the zeros {@link zeroCountryPaths} finds on the totals documents `ids` of `col`. */
export async function dropZeroCountries(col: Collection<Document>, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const docs = await col.find({ _id: { $in: [...ids] } } as Document, { projection: { countries: 1 } }).toArray();
  const ops: AnyBulkWriteOperation<Document>[] = [];
  for (const d of docs) {
    const paths = zeroCountryPaths(d.countries);
    if (paths.length) ops.push({ updateOne: { filter: { _id: d._id } as Document, update: { $unset: Object.fromEntries(paths.map((p) => [p, ''])) } } });
  }
  if (ops.length) await col.bulkWrite(ops, { ordered: false });
}
