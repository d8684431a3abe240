/**
 * Usage time series of one resource, built from its per-day buckets
 * (`usage_daily`), and the UTC-day arithmetic of time windows.
 *
 * Pure module: no I/O, no clock. Days are `YYYY-MM-DD` strings (UTC), months
 * `YYYY-MM`; string order is time order for both.
 */
import type { DayUsage } from '../domain/dashboard-inputs';
import { DAY_MS, utcDay } from '../util/utc-day';

export type SeriesGranularity = 'DAY' | 'MONTH';

/** One point of a series: a day (`YYYY-MM-DD`) or a month (`YYYY-MM`). */
export interface UsagePoint {
  period: string;
  views: number;
  downloads: number;
  apiCalls: number;
}

/** Longest DAY series: 3 years, leap day included. */
export const MAX_DAY_POINTS = 3 * 365 + 1;
/** Longest MONTH series: 10 years. */
export const MAX_MONTH_POINTS = 120;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayToMs(day: string): number {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a YYYY-MM-DD day: "${day}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (utcDay(new Date(ms)) !== day) throw new RangeError(`not a calendar day: "${day}"`);
  return ms;
}

/** `day` plus `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(dayToMs(day) + n * DAY_MS));
}

/** Days from `firstDay` to `lastDay`, both included (0 when `lastDay` is before `firstDay`). */
export function dayCount(firstDay: string, lastDay: string): number {
  return Math.max(0, Math.round((dayToMs(lastDay) - dayToMs(firstDay)) / DAY_MS) + 1);
}

/** Calendar months touched by the days `firstDay`..`lastDay`, both included. */
export function monthCount(firstDay: string, lastDay: string): number {
  dayToMs(firstDay);
  dayToMs(lastDay);
  const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  return Math.max(0, months(lastDay) - months(firstDay) + 1);
}

/** The period a day belongs to. */
export function periodOf(day: string, g: SeriesGranularity): string {
  return g === 'DAY' ? day : day.slice(0, 7);
}

/**
 * Why a series over `firstDay`..`lastDay` cannot be built, or null when it
 * can: the days must be in order and the series at most
 * {@link MAX_DAY_POINTS} days or {@link MAX_MONTH_POINTS} months long.
 */
export function checkSeriesRange(firstDay: string, lastDay: string, g: SeriesGranularity): string | null {
  if (lastDay < firstDay) return `"from" (${firstDay}) is after "to" (${lastDay})`;
  if (g === 'DAY') {
    const n = dayCount(firstDay, lastDay);
    if (n > MAX_DAY_POINTS) {
      return `a DAY series covers at most ${MAX_DAY_POINTS} days (3 years), this range has ${n}; use granularity MONTH or a shorter range`;
    }
  } else {
    const n = monthCount(firstDay, lastDay);
    if (n > MAX_MONTH_POINTS) {
      return `a MONTH series covers at most ${MAX_MONTH_POINTS} months (10 years), this range touches ${n}`;
    }
  }
  return null;
}

/** Every period of the range, in order: each day, or each month touched. */
export function seriesPeriods(firstDay: string, lastDay: string, g: SeriesGranularity): string[] {
  const out: string[] = [];
  if (lastDay < firstDay) return out;
  if (g === 'DAY') {
    const n = dayCount(firstDay, lastDay);
    const start = dayToMs(firstDay);
    for (let i = 0; i < n; i += 1) out.push(utcDay(new Date(start + i * DAY_MS)));
    return out;
  }
  let y = Number(firstDay.slice(0, 4));
  let m = Number(firstDay.slice(5, 7));
  const last = lastDay.slice(0, 7);
  for (;;) {
    const p = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    out.push(p);
    if (p >= last) return out;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

/**
 * The series of `rows` over `firstDay`..`lastDay` (both included): one point
 * per period, in order, periods without activity as zeros. Only days inside
 * the range count, so the first and last MONTH points cover the range's part
 * of their month. Rows for the same day are added up; rows outside the range
 * are ignored.
 */
export function usageSeries(
  rows: readonly DayUsage[],
  firstDay: string,
  lastDay: string,
  g: SeriesGranularity,
): UsagePoint[] {
  const points = seriesPeriods(firstDay, lastDay, g).map((period) => ({ period, views: 0, downloads: 0, apiCalls: 0 }));
  const byPeriod = new Map(points.map((p) => [p.period, p]));
  for (const r of rows) {
    if (r.day < firstDay || r.day > lastDay) continue;
    const p = byPeriod.get(periodOf(r.day, g));
    if (!p) continue;
    p.views += r.views;
    p.downloads += r.downloads;
    p.apiCalls += r.apiCalls;
  }
  return points;
}
