/**
 * Parameters and paging of the usage reports: activity windows (with the
 * one date parser, src/dates/date-input.ts), report scopes, who may ask,
 * keyset cursors and GraphQL pages over a sorted row source. Pure.
 */
import { setImmediate } from 'node:timers/promises';
import type { Caller } from '../domain/caller';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { parseDateInput, parseInstantWindow, utcDay, utcMonth, windowDays } from '../dates/date-input';
import type { ConnectionShape } from '../graphql/connection';
import { pageSize } from '../graphql/connection';
import { compareKeys, type SortKey } from './report-rows';

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/** An activity window in whole UTC days, both bounds inclusive; null = unbounded. */
export interface ReportWindow {
  fromDay: string | null;
  toDay: string | null;
}

export const ALL_TIME: ReportWindow = Object.freeze({ fromDay: null, toDay: null });

export function badInput(message: string): GatewayError {
  return new GatewayError(ErrorCode.BAD_USER_INPUT, message);
}

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

/** Reports are for ADMIN and USER callers: anonymous → UNAUTHENTICATED, TRACKER → FORBIDDEN. */
export function assertCanReport(caller: Caller): asserts caller is Extract<Caller, { kind: 'user' }> {
  if (caller.kind !== 'user') throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'an API key is required');
  if (caller.role !== 'ADMIN' && caller.role !== 'USER') {
    throw new GatewayError(ErrorCode.FORBIDDEN, 'usage reports need the role ADMIN or USER');
  }
}

// ---------------------------------------------------------------------------
// Paging (GraphQL) over a sorted row source
// ---------------------------------------------------------------------------

const CURSOR_PREFIX = 'rk:';

/** Keyset cursor: the sort key of the last row seen. */
export function encodeReportCursor(key: SortKey): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeReportCursor(cursor: string | null | undefined): SortKey | null {
  if (cursor === null || cursor === undefined) return null;
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (raw.startsWith(CURSOR_PREFIX)) {
    try {
      const key: unknown = JSON.parse(raw.slice(CURSOR_PREFIX.length));
      if (Array.isArray(key) && key.length > 0 && key.length <= 8 && key.every((k) => typeof k === 'string' || typeof k === 'number')) {
        return key as SortKey;
      }
    } catch {
      /* falls through */
    }
  }
  throw badInput('invalid cursor');
}

/** Rows counted between two yields of the event loop in {@link pageRows}. */
const YIELD_EVERY_ROWS = 2000;

/**
 * One page of a sorted row source: the rows whose key comes after `after`,
 * at most `first` of them. The source is read to the end to count
 * `totalCount`; only the page is kept.
 */
export async function pageRows<R>(
  rows: AsyncIterable<R>,
  keyOf: (r: R) => SortKey,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<ConnectionShape<R>> {
  const n = pageSize(first);
  const afterKey = decodeReportCursor(after);
  const nodes: R[] = [];
  let totalCount = 0;
  let hasNextPage = false;
  for await (const r of rows) {
    totalCount++;
    // A source of rows already in memory would otherwise hold the event loop to its end.
    if (totalCount % YIELD_EVERY_ROWS === 0) await setImmediate();
    if (afterKey !== null && compareKeys(keyOf(r), afterKey) <= 0) continue;
    if (nodes.length < n) nodes.push(r);
    else hasNextPage = true;
  }
  const edges = nodes.map((node) => ({ cursor: encodeReportCursor(keyOf(node)), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}
