/**
 * What the data dashboard computes from: the shapes `store/dashboard.repository.ts`
 * reads and the pure dashboard modules (`dashboard/dashboard.ts`,
 * `dashboard/popularity-scope.ts`, `dashboard/usage-series.ts`) take. Types only.
 */

/** Regular (human) use of a dataset, all time or inside a window. */
export interface UsageFigures {
  views: number;
  downloads: number;
  apiCalls: number;
  /** Sessions that downloaded (COUNTER unique requests); absent = 0. */
  uniqueRequests?: number;
  /** Sessions that viewed, called or downloaded (COUNTER unique investigations); absent = 0. */
  uniqueInvestigations?: number;
  /** Machine use (views + downloads + API calls by scripts); absent = 0. */
  machine?: number;
  /** Robot events (tallied, never counted); absent = 0. */
  robotEvents?: number;
}

/** A reuse, reduced to what counting needs. */
export interface ReuseLink {
  id: string;
  datasetIds: readonly string[];
}

export interface DatedReuseLink extends ReuseLink {
  createdAt: Date;
}

/** The usage of one resource on one UTC day (a `usage_daily` document, counters only). */
export interface DayUsage {
  day: string;
  views: number;
  downloads: number;
  apiCalls: number;
}
