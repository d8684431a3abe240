/**
 * The counters kept for every resource (totals), every (user, resource) pair
 * and every (resource, day). One list, so the write path, the readers and the
 * reports cannot disagree on a name.
 *
 * Regular = human use; machine = scripts, harvesters and accounts flagged
 * automated. Robots are never counted in usage, only tallied in
 * `robotEvents` (COUNTER excludes them; we keep the tally so the share of bot
 * traffic can be shown).
 */
export const COUNTER_FIELDS = [
  'views',
  'downloads',
  'apiCalls',
  'machineViews',
  'machineDownloads',
  'machineApiCalls',
  /** COUNTER unique investigations (VIEW, API_CALL or DOWNLOAD) per session. */
  'uniqueInvestigations',
  /** COUNTER unique requests (DOWNLOAD) per session. */
  'uniqueRequests',
  'machineUniqueInvestigations',
  'machineUniqueRequests',
  /** Events from robots: tallied, never counted as use. */
  'robotEvents',
  /** Repeats within the 30-second double-click window: tallied, not counted. */
  'doubleClicks',
] as const;

export type CounterField = (typeof COUNTER_FIELDS)[number];

export type Counters = Record<CounterField, number>;

export function zeroCounters(): Counters {
  const c = {} as Counters;
  for (const f of COUNTER_FIELDS) c[f] = 0;
  return c;
}

/** Reads counters from a stored document, treating absent fields as 0. */
export function countersOf(doc: Partial<Record<string, unknown>> | null | undefined): Counters {
  const c = zeroCounters();
  if (!doc) return c;
  for (const f of COUNTER_FIELDS) {
    const v = doc[f];
    if (typeof v === 'number') c[f] = v;
  }
  return c;
}
