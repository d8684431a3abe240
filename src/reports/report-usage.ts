/**
 * Usage counts of the reports: from stored counters (all-time documents and
 * daily buckets) to the compact accumulator a report keeps per active
 * resource, and from that to the counts rows show. Pure.
 *
 * @packageDocumentation
 */
import { ResourceType } from '../domain/resources';
import type { StoredCounts } from '../store/report.repository';

/** Regular (human) usage of one resource, or of one (user, resource) pair, as rows show it. */
export interface UsageCounts extends MachineCounts {
  views: number;
  downloads: number;
  apiCalls: number;
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
}

/** Machine traffic (counted apart) and robot events (never counted), shown beside regular use. */
export interface MachineCounts {
  machineViews: number;
  machineDownloads: number;
  machineApiCalls: number;
  robotEvents: number;
}

export function emptyUsage(): UsageCounts {
  return { views: 0, downloads: 0, apiCalls: 0, lastViewedAt: null, lastDownloadedAt: null, machineViews: 0, machineDownloads: 0, machineApiCalls: 0, robotEvents: 0 };
}

/**
 * The same usage, compact: numbers only, times as epoch milliseconds (NaN =
 * never). A report keeps one of these per active resource until it can
 * sort them, so it avoids two Date objects per row (docs/reports.md,
 * "Memory").
 */
export interface UsageAcc extends MachineCounts {
  views: number;
  downloads: number;
  apiCalls: number;
  lastViewedMs: number;
  lastDownloadedMs: number;
}

/** A stored number, or 0 for an absent or non-finite one. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function ms(v: unknown): number {
  return v instanceof Date ? v.getTime() : NaN;
}

/** An epoch-ms time as a Date; NaN (never, unknown) → null. */
export function dateOf(t: number): Date | null {
  return Number.isNaN(t) ? null : new Date(t);
}

export function newAcc(): UsageAcc {
  return { views: 0, downloads: 0, apiCalls: 0, lastViewedMs: NaN, lastDownloadedMs: NaN, machineViews: 0, machineDownloads: 0, machineApiCalls: 0, robotEvents: 0 };
}

/** Usage of an all-time document (`usage_totals`, `usage_by_user`). */
export function accFromTotals(doc: StoredCounts): UsageAcc {
  return {
    views: num(doc.views),
    downloads: num(doc.downloads),
    apiCalls: num(doc.apiCalls),
    lastViewedMs: ms(doc.lastViewedAt),
    lastDownloadedMs: ms(doc.lastDownloadedAt),
    machineViews: num(doc.machineViews),
    machineDownloads: num(doc.machineDownloads),
    machineApiCalls: num(doc.machineApiCalls),
    robotEvents: num(doc.robotEvents),
  };
}

/** Start of a UTC day `YYYY-MM-DD`, epoch ms. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/**
 * Adds one `usage_daily` bucket to the usage of a resource over a window.
 * Daily buckets carry no times, so the last view / download in a window is
 * known to the day: it is the start (00:00:00.000Z) of the last UTC day in
 * the window with such activity (docs/reports.md).
 */
export function addDaily(into: UsageAcc, doc: StoredCounts & { day: string }): UsageAcc {
  const views = num(doc.views);
  const downloads = num(doc.downloads);
  into.views += views;
  into.downloads += downloads;
  into.apiCalls += num(doc.apiCalls);
  into.machineViews += num(doc.machineViews);
  into.machineDownloads += num(doc.machineDownloads);
  into.machineApiCalls += num(doc.machineApiCalls);
  into.robotEvents += num(doc.robotEvents);
  if (views > 0 || downloads > 0) {
    const d = dayStartMs(doc.day);
    // `!(a >= d)` is also true when a is NaN (never).
    if (views > 0 && !(into.lastViewedMs >= d)) into.lastViewedMs = d;
    if (downloads > 0 && !(into.lastDownloadedMs >= d)) into.lastDownloadedMs = d;
  }
  return into;
}

/** A compact usage as rows show it. */
export function usageOf(a: UsageAcc): UsageCounts {
  return {
    views: a.views,
    downloads: a.downloads,
    apiCalls: a.apiCalls,
    lastViewedAt: dateOf(a.lastViewedMs),
    lastDownloadedAt: dateOf(a.lastDownloadedMs),
    machineViews: a.machineViews,
    machineDownloads: a.machineDownloads,
    machineApiCalls: a.machineApiCalls,
    robotEvents: a.robotEvents,
  };
}

/**
 * Whether a resource has activity worth a report row (Clowder: "views or
 * downloads > 0"; collections have no downloads, so views > 0).
 */
export function isActive(type: ResourceType, u: Pick<UsageCounts, 'views' | 'downloads'>): boolean {
  return type === ResourceType.COLLECTION ? u.views > 0 : u.views > 0 || u.downloads > 0;
}
