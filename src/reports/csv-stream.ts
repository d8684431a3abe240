/**
 * Streaming CSV output of the usage reports, on top of csv-stringify's stream
 * API.
 *
 * Why streaming: Clowder built each report as one string in memory and timed
 * out on large instances. Here rows are pulled from the source only as fast as
 * the client reads (backpressure through `pipeline`), so memory stays flat for
 * millions of rows and the first bytes go out before the last row is read.
 *
 * @packageDocumentation
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';

import { recordCells } from './csv-format';
import { utcDay } from '../util/utc-day';

/** Options of {@link writeCsv}. */
export interface WriteCsvOptions {
  /**
   * Start the output with a UTF-8 byte order mark (EF BB BF). Default `true`:
   * without it Excel opens UTF-8 CSV as Windows-1252 and mangles every
   * accented or non-Latin name. Turn it off for machine consumers that do not
   * strip it (it would end up glued to the first header name).
   */
  bom?: boolean;
}

/**
 * Writes a CSV (header + rows) from an async iterable of records to a Node
 * Writable (e.g. an Express/HTTP response) with backpressure; resolves when
 * done; rejects (and destroys the output) on source error.
 *
 * Format: RFC 4180 — a cell is quoted when it contains a comma, a double
 * quote, CR or LF (and also a semicolon), and embedded double quotes are doubled; CRLF line endings
 * (the last row ends with CRLF too); UTF-8, with a BOM unless
 * `options.bom === false`. The header is the `columns` list itself; each
 * record's cells are taken by column name (see `toCells` in csv-format.ts for
 * how values are printed, and the formula defence every string cell gets;
 * missing/null → blank).
 *
 * The output is ended when the last row is written. On any failure (the
 * source throws, a value cannot be printed, the output errors or is closed by
 * the client) every stream of the pipeline is destroyed: a destroyed HTTP
 * response aborts the connection, so a client never mistakes a truncated
 * report for a complete one. The source iterator's `return()` is called, so a
 * generator's `finally` (e.g. closing a database cursor) runs.
 *
 * @param rows records, e.g. an async generator over a database cursor; a
 *   synchronous iterable works too.
 * @param columns header and cell order.
 * @param out where to write; it is ended (or destroyed) by this call.
 * @returns the number of data rows written (the header not counted).
 */
export async function writeCsv(
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  columns: readonly string[],
  out: NodeJS.WritableStream,
  options: WriteCsvOptions = {},
): Promise<number> {
  let written = 0;
  // Cells are computed here rather than by csv-stringify's `cast` hooks:
  // its defaults print Dates as epoch milliseconds and booleans as '1'/'',
  // and its formula escaping would also hit id and number columns. Handing it
  // arrays of strings leaves it only quoting and line endings to do.
  async function* cellRows(): AsyncGenerator<string[]> {
    for await (const row of rows) {
      const cells = recordCells(row, columns);
      written++;
      yield cells;
    }
  }

  const stringifier = stringify({
    header: true,
    // Only the header uses the names: records are arrays, taken by index.
    columns: [...columns],
    bom: options.bom ?? true,
    delimiter: ',',
    quote: '"',
    // RFC 4180 escapes a quote by doubling it.
    escape: '"',
    record_delimiter: '\r\n',
    // Must be explicit: csv-stringify turns it off as soon as
    // `record_delimiter` is set, and would then leave a cell holding a lone LF
    // or CR unquoted, which Excel and most parsers read as a row break.
    quote_record_delimiter: true,
    // Empty cells stay empty (not `""`), as in Clowder's reports.
    quoted_empty: false,
    // A semicolon is the list separator of many locales: Excel there would
    // split an unquoted `Rennes;=1+1` into a live formula (CSV_QUOTE_NEEDED
    // in src/domain/csv-cell.ts, the page's rule).
    quoted_match: ';',
  });

  // Readable.from pulls from the generator only when the stringifier wants
  // more (its object-mode buffer holds 16 rows), which is what makes the
  // response's backpressure reach the database cursor.
  await pipeline(Readable.from(cellRows()), stringifier, out);
  return written;
}

/**
 * Longest base name kept by {@link csvContentDisposition}; some browsers and
 * file systems choke on names over 255 bytes, and a report needs no more.
 */
const MAX_BASE_NAME = 100;

/**
 * `Content-Disposition` header value for a CSV report download:
 * `attachment; filename="<base>-<YYYY-MM-DD>.csv"`, the date being `now` in
 * UTC (the reports' dates are UTC too).
 *
 * The base name is sanitised to `[A-Za-z0-9._-]`: every run of other
 * characters becomes one `_` (so no quote, backslash, CR/LF or `;` can break
 * out of the header, and no `/` or `..` can form a path); leading dots,
 * underscores and hyphens are dropped (no hidden file, no name that a shell
 * reads as an option); a trailing `.csv` is dropped so it is not doubled; an
 * empty result becomes `report`.
 *
 * @throws RangeError if `now` is an invalid date.
 */
export function csvContentDisposition(fileBaseName: string, now: Date): string {
  let base = fileBaseName
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/\.csv$/i, '')
    .slice(0, MAX_BASE_NAME);
  if (base === '') base = 'report';
  const day = utcDay(now);
  return `attachment; filename="${base}-${day}.csv"`;
}
