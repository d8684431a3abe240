import { type CounterField, type Counters, zeroCounters } from '../domain/counters';
import { AccessAction, type ResourceType, resourceKey } from '../domain/resources';

/** The fields of a stored decided event that counting reads. */
export interface CountableEvent {
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  userId: string | null;
  timestamp: Date;
  trafficClass: 'robot' | 'machine' | 'regular';
  counted: boolean;
  uniqueInvestigation: boolean;
  uniqueRequest: boolean;
}

export type LastSeenField = 'lastViewedAt' | 'lastDownloadedAt' | 'lastApiCallAt';

/** Merged increments for one counter document. */
export interface CounterUpdate {
  _id: string;
  /** Identifying fields written when the document is created. */
  identity: Record<string, string>;
  inc: Counters;
  max: Partial<Record<LastSeenField, Date>>;
}

export interface CounterDeltas {
  totals: CounterUpdate[];
  byUser: CounterUpdate[];
  daily: CounterUpdate[];
  /** Per user, resource and day: what by-user reports over a window read. */
  userDaily: CounterUpdate[];
}

const REGULAR: Record<AccessAction, CounterField> = {
  [AccessAction.VIEW]: 'views',
  [AccessAction.DOWNLOAD]: 'downloads',
  [AccessAction.API_CALL]: 'apiCalls',
};
const MACHINE: Record<AccessAction, CounterField> = {
  [AccessAction.VIEW]: 'machineViews',
  [AccessAction.DOWNLOAD]: 'machineDownloads',
  [AccessAction.API_CALL]: 'machineApiCalls',
};
const LAST_SEEN: Record<AccessAction, LastSeenField> = {
  [AccessAction.VIEW]: 'lastViewedAt',
  [AccessAction.DOWNLOAD]: 'lastDownloadedAt',
  [AccessAction.API_CALL]: 'lastApiCallAt',
};

/** UTC day of a timestamp, `YYYY-MM-DD`. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** What one event adds to a counter document. */
export function eventIncrements(e: CountableEvent): Partial<Counters> {
  if (e.trafficClass === 'robot') return { robotEvents: 1 };
  if (!e.counted) return { doubleClicks: 1 };
  if (e.trafficClass === 'machine') {
    return {
      [MACHINE[e.action]]: 1,
      ...(e.uniqueInvestigation ? { machineUniqueInvestigations: 1 } : {}),
      ...(e.uniqueRequest ? { machineUniqueRequests: 1 } : {}),
    };
  }
  return {
    [REGULAR[e.action]]: 1,
    ...(e.uniqueInvestigation ? { uniqueInvestigations: 1 } : {}),
    ...(e.uniqueRequest ? { uniqueRequests: 1 } : {}),
  };
}

/**
 * Merges a batch of decided events into one update per counter document:
 * resource totals, per-user totals (regular human traffic only: automated
 * and robot traffic never appears in per-user statistics), per-day buckets
 * and per-user per-day buckets. Pure; the order of events does not matter.
 */
export function counterDeltas(events: readonly CountableEvent[]): CounterDeltas {
  const totals = new Map<string, CounterUpdate>();
  const byUser = new Map<string, CounterUpdate>();
  const daily = new Map<string, CounterUpdate>();
  const userDaily = new Map<string, CounterUpdate>();

  const add = (
    into: Map<string, CounterUpdate>,
    id: string,
    identity: Record<string, string>,
    inc: Partial<Counters>,
    e: CountableEvent,
  ): void => {
    let u = into.get(id);
    if (!u) {
      u = { _id: id, identity, inc: zeroCounters(), max: {} };
      into.set(id, u);
    }
    for (const [k, v] of Object.entries(inc) as [CounterField, number][]) u.inc[k] += v;
    // Last-seen times are human times, like the totals beside them: a
    // harvester's nightly run must not look like a person's visit.
    if (e.counted && e.trafficClass === 'regular') {
      const f = LAST_SEEN[e.action];
      const cur = u.max[f];
      if (!cur || cur.getTime() < e.timestamp.getTime()) u.max[f] = e.timestamp;
    }
  };

  for (const e of events) {
    const rk = resourceKey(e.resourceType, e.resourceId);
    const identity = { resourceType: e.resourceType, resourceId: e.resourceId };
    const inc = eventIncrements(e);
    add(totals, rk, identity, inc, e);
    const day = utcDay(e.timestamp);
    add(daily, `${rk}|${day}`, { ...identity, day }, inc, e);
    if (e.userId && e.trafficClass === 'regular' && e.counted) {
      add(byUser, `${e.userId}|${rk}`, { ...identity, userId: e.userId }, inc, e);
      add(userDaily, `${e.userId}|${rk}|${day}`, { ...identity, userId: e.userId, day }, inc, e);
    }
  }
  return {
    totals: [...totals.values()],
    byUser: [...byUser.values()],
    daily: [...daily.values()],
    userDaily: [...userDaily.values()],
  };
}
