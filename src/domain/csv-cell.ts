/**
 * The one CSV cell-cleaning rule (OWASP "CSV Injection"), shared by the
 * server's reports (src/reports/csv-format.ts, the SUSHI TSV) and the
 * dashboard page's chart downloads (web/src/csv.ts, bundled by esbuild).
 *
 * Pure and free of Node or DOM imports on purpose: the browser bundle
 * imports this very file, so a payload the reports neutralise can never pass
 * through the page's CSV (or the other way round).
 *
 * @packageDocumentation
 */

/**
 * Characters removed from every text cell: C0 controls other than TAB, LF
 * and CR (which are ordinary whitespace in a quoted cell and are handled as
 * formula triggers when they lead), DEL, C1 controls, and the bidirectional
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). BEL or
 * ESC can drive a terminal that `cat`s the file; NUL truncates cells in
 * some readers; a right-to-left override (U+202E) makes a cell read
 * differently from what it holds ("Trojan Source"). None belongs in a
 * dataset title, and stripping them loses nothing a reader could see.
 */
const UNSAFE_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** {@link UNSAFE_CHARS}, global, for `replace` (a global regexp's `test` is stateful). */
const UNSAFE_CHARS_ALL = new RegExp(UNSAFE_CHARS.source, 'g');

/**
 * First characters that make a spreadsheet (Excel, LibreOffice, Google Sheets,
 * Numbers) treat a cell as a formula or a DDE command: `=`, `+`, `-`, `@`,
 * tab, carriage return, line feed; `%`, `;` and `|` (DDE and separator
 * tricks: `%0A-1+1`, `;=cmd`, `|cmd`). The full-width forms (U+FF1D, U+FF0B,
 * U+FF0D, U+FF20) are added because Apple Numbers normalises them to the
 * ASCII ones (csv-stringify's own `escape_formulas` list does the same).
 */
const FORMULA_TRIGGERS: ReadonlySet<string> = new Set([
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '\n',
  '%',
  ';',
  '|',
  '\uFF1D',
  '\uFF0B',
  '\uFF0D',
  '\uFF20',
]);

/**
 * A leading run a reader may trim, skip or split on before it looks for a
 * formula: whitespace (a spreadsheet trims ` =1+1` and evaluates it),
 * zero-width and direction marks (U+200B–U+200F, U+2060–U+206F, U+061C,
 * U+180E, U+FEFF), Unicode spaces (U+00A0, U+2028–U+202F, U+205F, U+3000),
 * and the separators `,` and `;` (a file opened with the other list
 * separator splits there).
 */
const LEAD = /^[\s,;\u00A0\u061C\u180E\u200B-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]+/;

/**
 * A formula starting inside a cell, right after a semicolon or a line break
 * (optionally after spaces, tabs or invisible characters): `Rennes;=1+1`,
 * `a\n@SUM(A1)`. A spreadsheet that reads the file with `;` as the
 * separator (Excel in French, German and many other locales, on a
 * double-click) honours quotes only at the start of a field, so it splits
 * there, even inside a quoted cell, and the piece after it is a cell of its
 * own (a line of its own after a line break). `%` and `;` are left out: a
 * second `;` is an empty cell, and `%0A` only matters at the start of a
 * value a tool URL-decodes.
 */
const INNER_FORMULA = /([;\r\n])(?=[\t \u00A0\u061C\u180E\u200B-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]*[=+\-@|\uFF1D\uFF0B\uFF0D\uFF20])/;
/** {@link INNER_FORMULA}, global, for `replace`. */
const INNER_FORMULA_ALL = new RegExp(INNER_FORMULA.source, 'g');

/** Any character that {@link UNSAFE_CHARS} or {@link INNER_FORMULA} looks for (all C0 controls, DEL, C1, bidi, `;`). */
const NEEDS_SCAN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069;]/;

/**
 * A plain decimal number, optionally signed, with an optional exponent:
 * `-5`, `+3.25`, `-1e6`. Such a cell cannot carry a formula (a spreadsheet
 * reads it as a number), so it is left unchanged even in a text column; `-2+3`
 * or `-A1` do not match and are neutralised.
 */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Removes the characters no text cell keeps (see {@link UNSAFE_CHARS}):
 * controls other than TAB/LF/CR, DEL, C1 controls, bidi embeddings,
 * overrides and isolates. Everything else, accents and scripts included, is
 * kept as it is.
 */
export function stripUnsafeChars(value: string): string {
  return UNSAFE_CHARS.test(value) ? value.replace(UNSAFE_CHARS_ALL, '') : value;
}

/** Whether `v` (already stripped) would start a formula in a spreadsheet. */
function startsFormula(v: string): boolean {
  if (FORMULA_TRIGGERS.has(v.charAt(0))) return true;
  const lead = LEAD.exec(v);
  if (!lead) return false;
  const rest = v.slice(lead[0].length);
  return rest.length > 0 && FORMULA_TRIGGERS.has(rest.charAt(0));
}

/**
 * Formula-injection defence for one text cell (OWASP CSV Injection), the one
 * rule of every CSV the gateway and its page produce:
 *
 * - {@link stripUnsafeChars} first (controls, DEL, C1, bidi overrides);
 * - then a value that starts a formula is prefixed with a single quote `'`,
 *   so that spreadsheets display it as text. It starts a formula when its
 *   first character is a trigger (`=`, `+`, `-`, `@`, tab, CR, LF, `%`, `;`,
 *   `|`, or a full-width `=`, `+`, `-`, `@`), or when a trigger follows a
 *   leading run of whitespace, invisible characters or separators
 *   (` =1+1`, `\u00A0@SUM(A1)`, `,=1+1`). DDE payloads (`=cmd|' /C calc'!A0`,
 *   `|cmd`, `@SUM(1+1)*cmd|…`) all start with such a trigger;
 * - and a quote is inserted after a semicolon or line break inside the value
 *   that a formula follows (`Rennes;'=1+1`, see {@link INNER_FORMULA}):
 *   read with `;` as the separator, that piece would be a cell of its own.
 *
 * Plain numbers such as `-5` are returned unchanged, and so are values
 * starting with an ASCII letter or digit (ids of the shared id alphabet,
 * ISO dates), so machine-read columns still join. Cells that are numbers
 * (not text) never come here: callers print them as they are. The quote is
 * visible to CSV readers that are not spreadsheets; that is the accepted
 * cost of the OWASP recommendation.
 */
export function neutralizeFormula(value: string): string {
  let v = value;
  let inner = value;
  // One scan decides whether the slower rules below can apply at all (most
  // cells hold no control character, semicolon or line break).
  if (NEEDS_SCAN.test(value)) {
    v = stripUnsafeChars(value);
    inner = INNER_FORMULA.test(v) ? v.replace(INNER_FORMULA_ALL, "$1'") : v;
  }
  if (v.length === 0) return v;
  // Fast path (most cells: ids, names, dates): an ASCII letter or digit first.
  const c = v.charCodeAt(0);
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return inner;
  // The start is judged on the value as given (` ;=1+1` starts a formula).
  if (!startsFormula(v) || PLAIN_NUMBER.test(v)) return inner;
  return `'${inner}`;
}

/**
 * Whether a cell must be quoted in a comma-separated file: it holds a comma,
 * a double quote, CR or LF (RFC 4180), or a semicolon. The semicolon is the
 * list separator of French, German and many other locales: Excel opening
 * the file there splits an unquoted `Rennes;=1+1` into `Rennes` and a live
 * `=1+1`; quoted, the cell stays whole whichever separator is used.
 */
export const CSV_QUOTE_NEEDED = /[",;\r\n]/;
