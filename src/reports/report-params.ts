/**
 * Parameters of the usage reports: activity windows (with the one date
 * parser, src/dates/date-input.ts) and report scopes. Pure. Who may ask:
 * src/auth/report-access.ts; GraphQL paging: src/graphql/connection.ts.
 */
import { parseDateInput, parseInstantWindow, utcMonth, windowDays } from '../dates/date-input';
import { utcDay } from '../util/utc-day';

/** An activity window in whole UTC days, both bounds inclusive; null = unbounded. */
export interface ReportWindow {
  fromDay: string | null;
  toDay: string | null;
}

export const ALL_TIME: ReportWindow = Object.freeze({ fromDay: null, toDay: null });

/**
 * Parses a `since`/`until` value with the one date parser
 * (src/dates/date-input.ts: a month, a day or a date-time with a zone).
 * Usage is bucketed by UTC day, so the result is the UTC day
 * (`YYYY-MM-DD`) the value starts on. Empty/absent → null.
 *
 * @throws GatewayError BAD_USER_INPUT for anything else.
 */
export function parseDayParam(name: string, raw: unknown): string | null {
  const span = parseDateInput(name, raw);
  return span ? utcDay(span.start) : null;
}

/** `since`/`until` → whole UTC days, both inclusive (`until=2026-03` is to March 31); since after until is an error. */
export function parseWindow(since: unknown, until: unknown): ReportWindow {
  return windowDays(parseInstantWindow(since, until));
}

/**
 * A month parameter (`from`/`to` of the monthly export) with the one date
 * parser: `YYYY-MM`, or a day or date-time, reduced to its UTC month (`to`:
 * the month the span ends in). Empty/absent → null.
 */
export function parseMonthParam(name: string, raw: unknown, edge: 'start' | 'end' = 'start'): string | null {
  const span = parseDateInput(name, raw);
  if (!span) return null;
  return utcMonth(edge === 'start' ? span.start : new Date(span.end.getTime() - 1));
}

/**
 * Narrowing of a report: `portalId` keeps the portal's datasets, the files
 * of its datasets and the collections holding them; `userId` and
 * `resourceId` (by-user reports) keep one user's or one resource's rows.
 */
export interface ReportScope {
  portalId?: string | null;
  userId?: string | null;
  resourceId?: string | null;
  /**
   * Resource reports over all time: rows in storage order, streamed as they
   * are read (`?order=none`), instead of sorted by downloads and views,
   * which needs every row before the first. Windows are always sorted.
   */
  unordered?: boolean;
}
