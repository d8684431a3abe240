/**
 * Pure cell formatting for the CSV usage reports: dates, id and name lists,
 * formula-injection defence, and turning a record into ordered cells.
 *
 * Quoting is *not* done here: it belongs to the CSV writer (csv-stringify, see
 * `csv-stream.ts`), which quotes any cell containing a comma, a double quote,
 * a semicolon, CR or LF. Doing it here as well would double-quote.
 *
 * @packageDocumentation
 */

import { neutralizeFormula } from '../domain/csv-cell';

/** A value a report row may hold in a cell. */
export type CellValue = string | number | bigint | boolean | Date | null | undefined;

/**
 * Formats a date as Clowder does, `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC (which is
 * exactly `Date.prototype.toISOString()` for years 0–9999).
 *
 * @returns '' for null/undefined and also for an invalid date (`new Date(NaN)`):
 *   one corrupt timestamp must not abort a million-row report half-way
 *   through, and a blank is what the report shows for "never" anyway.
 */
export function csvDate(d: Date | null | undefined): string {
  if (d === null || d === undefined || Number.isNaN(d.getTime())) return '';
  return d.toISOString();
}

/** Separator of {@link idList}. */
export const ID_LIST_SEPARATOR = ',';

/**
 * Joins parent ids into one cell, comma-separated (`a,b,c`); the CSV writer
 * then quotes the cell because it contains commas.
 *
 * Clowder separates with `", "`; we drop the space so that
 * `cell.split(',')` gives the ids back with no trimming. Ids (ObjectIds,
 * UUIDs, slugs) never contain commas, so the list is unambiguous. Order is
 * kept and duplicates are not removed, so that the list stays aligned
 * index-by-index with the matching {@link nameList}.
 */
export function idList(ids: readonly string[]): string {
  return ids.join(ID_LIST_SEPARATOR);
}

/** Separator of {@link nameList}: space, vertical bar, space. */
export const NAME_LIST_SEPARATOR = ' | ';

/**
 * Joins parent names into one cell, separated by `' | '`
 * (`Climate, 2020 | Données d'été`).
 *
 * Not a comma: names often contain commas, and `a, b, c` could not be told
 * apart from one name `a, b` followed by `c`. A name that itself contains
 * `' | '` stays ambiguous; that is rare, and the `parent_*` id column is the
 * exact reference (names are for people reading the sheet). Names are given in
 * the same order as the ids of the matching {@link idList}.
 */
export function nameList(names: readonly string[]): string {
  return names.join(NAME_LIST_SEPARATOR);
}

/**
 * Decimal text of a number, never exponent notation for integers (String(1e21)
 * is `1e+21`, which a spreadsheet may then round). Non-finite numbers give ''
 * rather than `NaN`/`Infinity`, which would be read back as text in a numeric
 * column.
 */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return BigInt(n).toString();
  // String() prints -0 as "0" and uses the shortest round-trip form otherwise.
  return String(n);
}

/**
 * Converts one value to the text of its cell:
 * string → itself; number → decimal (non-finite → ''); bigint → decimal;
 * boolean → `true`/`false`; Date → {@link csvDate}; null/undefined → ''.
 * An object with its own `toString` (e.g. a MongoDB `ObjectId`) → its
 * `toString()`.
 *
 * @throws TypeError for arrays and plain objects: printing `a,b` or
 *   `[object Object]` silently would hide a row-builder bug; lists must go
 *   through {@link idList} / {@link nameList}, which pick the separator.
 */
export function cellText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberText(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return '';
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) return csvDate(value);
      if (!Array.isArray(value) && value.toString !== Object.prototype.toString) {
        return String(value);
      }
      throw new TypeError(
        `CSV cell must be a scalar or a Date, got ${Array.isArray(value) ? 'an array (use idList/nameList)' : 'an object'}`,
      );
    default:
      throw new TypeError(`CSV cell must be a scalar or a Date, got a ${typeof value}`);
  }
}

/**
 * Turns a record into its cells, in the order of `columns`. A column missing
 * from the record, or null/undefined, gives ''; numbers give decimal strings;
 * Dates give {@link csvDate}. Keys of the record that are not columns are
 * ignored (so one row object can feed several reports).
 *
 * Every string value goes through `neutralizeFormula`, the formula-injection
 * rule of src/domain/csv-cell.ts (also bundled into the dashboard page's
 * CSV downloads), ids and lists included: an id, a parent-id list or a user
 * id is as attacker-controlled as a name. Numbers, booleans and Dates are
 * produced by the gateway and printed as they are.
 */
export function toCells(row: Readonly<Record<string, CellValue>>, columns: readonly string[]): string[] {
  return recordCells(row, columns);
}

/**
 * {@link toCells} for records whose value types are not known at compile time
 * (the streaming writer accepts `Record<string, unknown>`); values are checked
 * at run time by {@link cellText}.
 *
 * @internal shared with csv-stream.ts
 */
export function recordCells(row: Readonly<Record<string, unknown>>, columns: readonly string[]): string[] {
  const cells = new Array<string>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as string;
    // hasOwn: a column named like an Object.prototype member (`constructor`,
    // `toString`) must read as missing, not as a function.
    const value = Object.hasOwn(row, column) ? row[column] : undefined;
    const text = cellText(value);
    cells[i] = typeof value === 'string' ? neutralizeFormula(text) : text;
  }
  return cells;
}
