/**
 * Which tallied days an aggregator keeps in memory between passes. Pure.
 */

/**
 * Drops from `days` (least recently aggregated first: Map order) the days
 * beyond a budget of `maxEvents` events, but never the two latest days.
 * Why: around midnight (and for late events) passes alternate between
 * yesterday and today — an event in a day's first 30 s is indexed under
 * the day before too — and on a portal whose day outgrows the budget,
 * evicting one for the other made every such pass read a whole day back
 * from the log.
 */
export function evictDays(days: Map<string, { tally: { size: number } }>, maxEvents: number): void {
  let total = 0;
  for (const d of days.values()) total += d.tally.size;
  if (total <= maxEvents) return;
  const latest = new Set([...days.keys()].sort().slice(-2));
  for (const [day, cached] of [...days]) {
    if (total <= maxEvents) break;
    if (latest.has(day)) continue;
    total -= cached.tally.size;
    days.delete(day);
  }
}

/** The same counters, all 0 (a target the day's events no longer support). */
export function zeroed<T extends Record<string, number>>(c: T): T {
  const out = { ...c };
  for (const k of Object.keys(out)) (out as Record<string, number>)[k] = 0;
  return out;
}
