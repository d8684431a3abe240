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
  /** Bytes delivered by counted regular requests (COUNTER "volume"). */
  'volume',
  /** Bytes delivered by counted machine requests. */
  'machineVolume',
  /** Events whose HTTP status was neither 200 nor 304: tallied, never counted (CoP-RD §10). */
  'failedEvents',
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

/**
 * COUNTER metrics of one country (ISO 3166-1 alpha-2, or `ZZ` unknown),
 * regular (`ti ui tr ur`) and machine (`mti mui mtr mur`): total and unique
 * investigations and requests. Stored on dataset day documents as
 * `countries: { FR: {...}, ... }` (and summed on totals documents);
 * absent fields are 0.
 */
export interface CountryCounts {
  ti: number;
  ui: number;
  tr: number;
  ur: number;
  mti: number;
  mui: number;
  mtr: number;
  mur: number;
  /** API calls (part of `ti`/`mti`); absent on days counted before they were kept. */
  a?: number;
  ma?: number;
  /** Bytes of counted requests (COUNTER volume); absent as `a`. */
  b?: number;
  mb?: number;
}

export const COUNTRY_FIELDS = ['ti', 'ui', 'tr', 'ur', 'mti', 'mui', 'mtr', 'mur'] as const;

/**
 * COUNTER's own figures from our counter fields. Investigations include
 * requests (CoP-RD §3.3.3): a download is both.
 */
export function counterMetrics(c: Counters): {
  totalInvestigations: number;
  uniqueInvestigations: number;
  totalRequests: number;
  uniqueRequests: number;
  machineTotalInvestigations: number;
  machineUniqueInvestigations: number;
  machineTotalRequests: number;
  machineUniqueRequests: number;
} {
  return {
    totalInvestigations: c.views + c.downloads + c.apiCalls,
    uniqueInvestigations: c.uniqueInvestigations,
    totalRequests: c.downloads,
    uniqueRequests: c.uniqueRequests,
    machineTotalInvestigations: c.machineViews + c.machineDownloads + c.machineApiCalls,
    machineUniqueInvestigations: c.machineUniqueInvestigations,
    machineTotalRequests: c.machineDownloads,
    machineUniqueRequests: c.machineUniqueRequests,
  };
}

/**
 * Sums stored counter documents (absent fields are 0) and keeps the latest
 * last-seen times: subtree figures of a collection or a portal. Unique
 * counts are summed per dataset, as COUNTER reports them (a session that
 * used two datasets counts for each).
 */
export function sumUsage(docs: readonly (object | null | undefined)[]): Counters & {
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
  lastApiCallAt: Date | null;
} {
  const sum = { ...zeroCounters(), lastViewedAt: null as Date | null, lastDownloadedAt: null as Date | null, lastApiCallAt: null as Date | null };
  for (const doc of docs) {
    if (!doc) continue;
    const d = doc as Record<string, unknown>;
    const c = countersOf(d);
    for (const f of COUNTER_FIELDS) sum[f] += c[f];
    for (const k of ['lastViewedAt', 'lastDownloadedAt', 'lastApiCallAt'] as const) {
      const v = d[k];
      if (v instanceof Date && (!sum[k] || sum[k]! < v)) sum[k] = v;
    }
  }
  return sum;
}
