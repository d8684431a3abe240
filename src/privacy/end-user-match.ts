/**
 * Which stored events belong to one end user, and what removing them
 * touches: pure functions for the erasure service (erasure.service.ts).
 *
 * A user id is stored in clear (`LoggedEvent.userId`) and matched as it is.
 * A user cookie is stored nowhere: only inside the keys (`sk`, `ck`,
 * src/counting/identity.ts), hashed with the secret of the event's day. An
 * event is the cookie's when a key recomputed from the cookie equals the
 * stored one — possible only while that day's secret exists (or for events
 * stored before keyed hashing, whose keys are unkeyed). Once the secret is
 * destroyed the event can no longer be linked to the cookie by anyone,
 * this gateway included: that is the point of destroying it.
 *
 * @packageDocumentation
 */
import { ResourceType } from '../domain/resources';
import { clickIdentity, clickItem, clickKey, sessionKey, uniqueSession, type DaySecret } from '../counting/identity';
import { utcDay } from '../util/utc-day';
import type { EventTrace, TotalsTarget } from '../store/erasure.repository';

/** The fields a cookie match needs, plus the sender (`scope`, the `_id` up to its first `|`). */
export type CookieCandidate = Pick<EventTrace, '_id' | 't' | 'resourceType' | 'resourceId' | 'action' | 'url' | 'ck' | 'sk'>;

/** The sender of a stored event: its `_id` up to the first `|` (a user id never holds one). */
export function scopeOf(eventKey: string): string {
  return eventKey.slice(0, eventKey.indexOf('|'));
}

/**
 * Whether the event's keys were made from `cookie`: its session key
 * (a cookie session: no session id and no user id were sent) or its
 * double-click key (a cookie identity: no user id) recomputes from it,
 * under the day's secret or, for events stored before keyed hashing,
 * unkeyed. `secretOf` answers null for a day whose secret is destroyed.
 *
 * The double-click key also hashes the URL as it was sent: if the stored
 * URL was shortened since, only the session key can match. REMOVE the
 * unkeyed try with the unkeyed-keys path (docs/legacy-reads.md).
 */
export function madeFromCookie(e: CookieCandidate, cookie: string, secretOf: (day: string) => DaySecret | null): boolean {
  const identity = { userCookie: cookie, timestamp: e.t };
  const click = clickIdentity(identity);
  const session = uniqueSession(identity);
  if (click === null || session === null) return false;
  const scope = scopeOf(e._id);
  const secret = secretOf(utcDay(e.t));
  for (const s of secret === null ? [null] : [secret, null]) {
    if (sessionKey(scope, session, s) === e.sk) return true;
    if (clickKey(scope, click, clickItem(e), s) === e.ck) return true;
  }
  return false;
}

/** The figure targets an event counts for: its resource, a file's datasets, and each per user when it has one (as DayTally counts). */
export function targetsOf(events: readonly Pick<EventTrace, 'resourceType' | 'resourceId' | 'datasetIds' | 'userId'>[]): TotalsTarget[] {
  const seen = new Map<string, TotalsTarget>();
  const add = (t: TotalsTarget): void => {
    const k = JSON.stringify([t.resourceType, t.resourceId, t.userId]);
    if (!seen.has(k)) seen.set(k, t);
  };
  for (const e of events) {
    const base: { resourceType: ResourceType; resourceId: string }[] = [{ resourceType: e.resourceType, resourceId: e.resourceId }];
    if (e.resourceType === ResourceType.FILE) for (const d of e.datasetIds) base.push({ resourceType: ResourceType.DATASET, resourceId: d });
    for (const b of base) {
      add({ ...b, userId: null });
      if (e.userId) add({ ...b, userId: e.userId });
    }
  }
  // Resources first, then per-user figures; each by type and id.
  const order = (t: TotalsTarget): string => `${t.userId === null ? 0 : 1}\u0000${t.userId ?? ''}\u0000${t.resourceType}\u0000${t.resourceId}`;
  return [...seen.values()].sort((a, b) => order(a).localeCompare(order(b)));
}

/** Events per UTC day, oldest first. */
export function eventsPerDay(events: readonly Pick<EventTrace, 't'>[]): { day: string; events: number }[] {
  const n = new Map<string, number>();
  for (const e of events) n.set(utcDay(e.t), (n.get(utcDay(e.t)) ?? 0) + 1);
  return [...n].sort(([a], [b]) => a.localeCompare(b)).map(([day, events]) => ({ day, events }));
}

/** Events per sender, by sender. */
export function eventsPerSender(events: readonly Pick<EventTrace, '_id'>[]): { sender: string; events: number }[] {
  const n = new Map<string, number>();
  for (const e of events) n.set(scopeOf(e._id), (n.get(scopeOf(e._id)) ?? 0) + 1);
  return [...n].sort(([a], [b]) => a.localeCompare(b)).map(([sender, events]) => ({ sender, events }));
}

/** A counter that moved: its name and its value before and after. */
export interface CounterChange {
  counter: string;
  before: number;
  after: number;
}

/** The counters that differ between two sets of figures, in COUNTER_FIELDS order. */
export function changedCounters(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>, fields: readonly string[]): CounterChange[] {
  return fields.filter((f) => (before[f] ?? 0) !== (after[f] ?? 0)).map((f) => ({ counter: f, before: before[f] ?? 0, after: after[f] ?? 0 }));
}
