/**
 * The one date parser of every input (query parameters, GraphQL arguments,
 * CLI options): a month `YYYY-MM`, a day `YYYY-MM-DD`, or an ISO 8601
 * date-time with a zone (`2026-03-01T12:00:00Z`, `…+02:00`). Everything is
 * UTC: a month or a day is the UTC month or day, a date-time is one instant.
 *
 * Each value is a half-open span `[start, end)`: a month spans the month, a
 * day the day, an instant one millisecond. So `since` takes `start` and
 * `until` takes `end` whatever form they came in, and `until=2026-03` means
 * "to the end of March".
 *
 * Pure: no I/O. Errors are GatewayError BAD_USER_INPUT naming the parameter.
 */
import { ErrorCode } from '../errors/error-codes';
import { GatewayError, badUserInput } from '../errors/gateway-error';
import { DAY_MS, utcDay } from '../util/utc-day';

export type DateInputKind = 'month' | 'day' | 'instant';

export interface DateSpan {
  kind: DateInputKind;
  /** First instant of the span. */
  start: Date;
  /** First instant after the span (exclusive). */
  end: Date;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Human-readable rule, for error messages and docs. */
export const DATE_INPUT_RULE = 'a month YYYY-MM, a date YYYY-MM-DD or an ISO 8601 date-time with a zone (YYYY-MM-DDTHH:mm:ssZ), UTC';

function notADate(name: string, raw: unknown): GatewayError {
  return badUserInput(`${name} must be ${DATE_INPUT_RULE}; got ${JSON.stringify(raw)?.slice(0, 80)}`);
}

/**
 * `Date.UTC` read as written: `Date.UTC` maps years 0–99 to 1900–1999, so
 * the year is set again with `setUTCFullYear` (year 50 stays 50, and is then
 * simply outside any stored data). Months and days may overflow as in
 * `Date.UTC` (month 12 is January of the next year, day 0 the last day of
 * the month before).
 */
export function utcDate(y: number, monthIndex: number, d = 1, h = 0, mi = 0, s = 0, ms = 0): Date {
  const t = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  t.setUTCFullYear(y, monthIndex, d);
  return t;
}

function calendar(y: number, m: number, d: number): boolean {
  const t = utcDate(y, m - 1, d);
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Parses one date input; empty or absent → null. */
export function parseDateInput(name: string, raw: unknown): DateSpan | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') throw notADate(name, raw);
  const v = raw.trim();
  let m = MONTH.exec(v);
  if (m) {
    const y = +m[1];
    const mo = +m[2];
    if (mo < 1 || mo > 12 || y < 1) throw notADate(name, raw);
    return { kind: 'month', start: utcDate(y, mo - 1, 1), end: utcDate(y, mo, 1) };
  }
  m = DAY.exec(v);
  if (m) {
    if (!calendar(+m[1], +m[2], +m[3])) throw notADate(name, raw);
    const start = utcDate(+m[1], +m[2] - 1, +m[3]);
    return { kind: 'day', start, end: new Date(start.getTime() + DAY_MS) };
  }
  m = DATE_TIME.exec(v);
  if (!m) throw notADate(name, raw);
  const [, y, mo, d, hh, mi, ss = '0', frac = '', zone] = m;
  if (!calendar(+y, +mo, +d) || +hh > 23 || +mi > 59 || +ss > 59) throw notADate(name, raw);
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = +digits.slice(2, 4);
    if (oh > 23 || om > 59) throw notADate(name, raw);
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = utcDate(+y, +mo - 1, +d, +hh, +mi, +ss, Math.floor(Number(`0.${frac || '0'}`) * 1000)).getTime() - offsetMin * 60_000;
  return { kind: 'instant', start: new Date(ms), end: new Date(ms + 1) };
}

/** A time window `[from, to)`; null bounds are open. */
export interface InstantWindow {
  from: Date | null;
  to: Date | null;
}

/** `since`/`until` (both inclusive spans) → `[since.start, until.end)`; since after until is an error. */
export function parseInstantWindow(since: unknown, until: unknown, names: [string, string] = ['since', 'until']): InstantWindow {
  const a = parseDateInput(names[0], since);
  const b = parseDateInput(names[1], until);
  const from = a ? a.start : null;
  const to = b ? b.end : null;
  if (from && to && from.getTime() >= to.getTime()) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `${names[0]} (${String(since)}) is after ${names[1]} (${String(until)})`);
  }
  return { from, to };
}

/** UTC month `YYYY-MM` of an instant. */
export function utcMonth(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** The UTC days a window touches, as inclusive `YYYY-MM-DD` bounds (daily buckets). */
export function windowDays(w: InstantWindow): { fromDay: string | null; toDay: string | null } {
  return {
    fromDay: w.from ? utcDay(w.from) : null,
    toDay: w.to ? utcDay(new Date(w.to.getTime() - 1)) : null,
  };
}

/** Months from `from` to `to` inclusive (0 when `to` is before `from`), without listing them. */
export function monthSpan(from: string, to: string): number {
  const index = (m: string) => +m.slice(0, 4) * 12 + +m.slice(5, 7) - 1;
  return Math.max(0, index(to) - index(from) + 1);
}

/** Months `from`..`to` inclusive (`YYYY-MM`). Callers bound the span first ({@link monthSpan}): 0001-01..9999-12 is 120,000 months. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = +from.slice(0, 4);
  let m = +from.slice(5, 7);
  const end = to;
  for (;;) {
    const cur = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (cur > end) break;
    out.push(cur);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** Last day `YYYY-MM-DD` of a month `YYYY-MM`. */
export function lastDayOfMonth(month: string): string {
  const y = +month.slice(0, 4);
  const m = +month.slice(5, 7);
  return utcDay(utcDate(y, m, 0));
}

/**
 * A date-time cell that LibreOffice Calc and Excel open as a date without an
 * import dialog: `YYYY-MM-DD HH:MM:SS`, UTC (ISO 8601 with a space, no
 * zone, no milliseconds; `…T…Z` with milliseconds stays text in both).
 * Null or invalid → ''.
 */
export function spreadsheetDateTime(d: Date | null | undefined): string {
  if (!d || Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * A month cell: the month's first day, `YYYY-MM-01`. Why: Calc and Excel
 * open `YYYY-MM` as text; a day opens as a date (a pivot then groups by
 * month). A `YYYY-MM-DD` day is kept as it is; anything else → ''.
 */
export function spreadsheetMonth(month: string): string {
  if (/^\d{4}-\d{2}$/.test(month)) return `${month}-01`;
  return /^\d{4}-\d{2}-\d{2}$/.test(month) ? month : '';
}
