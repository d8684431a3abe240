/**
 * How reuses count on the dashboard (docs/popularity.md, "Scope"): as a
 * stock cut at the end of the window, each reuse once per dataset it points at.
 */
import type { DatedReuseLink, ReuseLink } from '../domain/dashboard-inputs';
import { utcDay } from '../util/utc-day';

/**
 * Reuses that count in a window ending on `lastDay` (UTC, included): those
 * registered on or before that day. Reuses are a stock, not a flow: a reuse
 * still exists after the day it was registered. `lastDay` null = all reuses.
 */
export function reusesUpTo<T extends DatedReuseLink>(reuses: readonly T[], lastDay: string | null): T[] {
  if (lastDay === null) return [...reuses];
  return reuses.filter((r) => utcDay(r.createdAt) <= lastDay);
}

/**
 * Number of distinct reuses pointing at each of `datasetIds` (a reuse that
 * lists a dataset twice counts once). Every id gets an entry.
 */
export function reuseCounts(datasetIds: Iterable<string>, reuses: readonly ReuseLink[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of datasetIds) counts.set(id, 0);
  for (const r of reuses) {
    for (const id of new Set(r.datasetIds)) {
      const c = counts.get(id);
      if (c !== undefined) counts.set(id, c + 1);
    }
  }
  return counts;
}

/** Distinct reuses pointing at one or more of `datasetIds`. */
export function distinctReuses(datasetIds: ReadonlySet<string>, reuses: readonly ReuseLink[]): number {
  return reuses.filter((r) => r.datasetIds.some((id) => datasetIds.has(id))).length;
}
