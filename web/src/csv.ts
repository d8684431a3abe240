import { CSV_QUOTE_NEEDED, neutralizeFormula } from '../../src/domain/csv-cell';

/**
 * RFC 4180 CSV, built in the browser from the data a chart shows. Text cells
 * (the header included) go through the server reports' own formula and
 * control-character rule (src/domain/csv-cell.ts); numbers are printed as
 * they are, so a negative figure stays a number.
 *
 * DOM-free on purpose (the download itself is in download.ts), so that the
 * unit tests run this very function under Node.
 */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number): string => {
    const s = typeof v === 'string' ? neutralizeFormula(v) : Number.isFinite(v) ? String(v) : '';
    return CSV_QUOTE_NEEDED.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
