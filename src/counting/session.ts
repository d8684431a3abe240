/**
 * COUNTER session and double-click rules, as pure functions.
 *
 * Privacy: no identifier is kept in clear. The portal session id, the user
 * id and the IP + user agent pair are hashed with SHA-256 (node:crypto is
 * deterministic, so these functions stay pure), so the keys can be stored
 * for deduplication without storing an IP address, an e-mail-like user id
 * or a live portal session token.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

/** The identity fields of an event that the session rules look at. */
export interface SessionEventInput {
  /** The portal's session id: the preferred COUNTER session. */
  sessionId?: string | null;
  userId?: string | null;
  /** Client IP, hashed together with the user agent. */
  ipAddress?: string | null;
  userAgent?: string | null;
  /**
   * Used only when the event carries no identity at all (none of the four
   * fields above): each such event is then its own clicker and session.
   */
  eventId?: string | null;
  /** When the access happened. */
  timestamp: Date;
}

/** Two events of the same clicker, resource and action this close (inclusive) are a double click. */
export const DOUBLE_CLICK_WINDOW_MS = 30_000;

/** Clicker key of events that carry no identity and no event id either. */
export const ANONYMOUS_CLICKER = 'anon';

function present(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/**
 * The same client address can reach us as `::ffff:1.2.3.4` (IPv4 on a
 * dual-stack socket) or `1.2.3.4`, and IPv6 in either letter case; one
 * person must not become two visitors because of that.
 */
function normalizeIp(ip: string): string {
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped?.[1] ?? lower;
}

/** Kind prefix + hash. The kind is hashed too, so kinds never collide. */
function hashed(kind: string, parts: readonly (string | null)[]): string {
  // JSON keeps the encoding injective: no separator can be forged by a value.
  const digest = createHash('sha256').update(JSON.stringify([kind, ...parts])).digest('base64url');
  return `${kind}:${digest}`;
}

function checkDate(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`${what} is not a valid Date`);
  return t;
}

/**
 * Identity of the "clicker" for the double-click filter, and the first part
 * of the session key: the portal's session id if given, else the user id,
 * else the IP + user agent pair (either may be missing), else the event id;
 * blank strings count as missing. Returns `kind:hash` with kind `s`, `u`,
 * `a` or `e`, or {@link ANONYMOUS_CLICKER} when there is nothing to go on.
 */
export function clickerKey(e: SessionEventInput): string {
  const sessionId = present(e.sessionId);
  if (sessionId !== null) return hashed('s', [sessionId]);
  const userId = present(e.userId);
  if (userId !== null) return hashed('u', [userId]);
  const ip = present(e.ipAddress);
  const ua = present(e.userAgent);
  if (ip !== null || ua !== null) return hashed('a', [ip === null ? null : normalizeIp(ip), ua]);
  // Nothing says two such events come from the same person, so merging them
  // would drop real clicks as "double clicks"; keep each one apart.
  const eventId = present(e.eventId);
  if (eventId !== null) return hashed('e', [eventId]);
  return ANONYMOUS_CLICKER;
}

/**
 * COUNTER session key: {@link clickerKey} plus the UTC date and hour of the
 * event, `<clicker>|YYYY-MM-DDTHH`. Stable across calls and instances; no raw
 * IP, user id or session id appears in it. Throws a `RangeError` on an
 * invalid timestamp.
 */
export function counterSessionKey(e: SessionEventInput): string {
  checkDate(e.timestamp, 'timestamp');
  return `${clickerKey(e)}|${e.timestamp.toISOString().slice(0, 13)}`;
}

/**
 * The double-click filter for one (clicker, resource, action) group.
 *
 * Rule: an event counts when it is **more than 30 s** after the previous event
 * of the group, counted or not; an event 0–30 s (inclusive) after it is a
 * double click. So a chain of clicks each ≤ 30 s apart counts once, however
 * long it lasts. This gives the same number as COUNTER's "keep the last click
 * of the chain", but keeps the *first*, so an event can be counted as soon as
 * it arrives instead of waiting 30 s for a possible repeat.
 *
 * `previousTimestamp` is the latest event of the group already processed in
 * an earlier batch (or null). It is compared in both directions: a late
 * event up to 30 s *before* it is a double click as well, so a delayed retry
 * cannot slip through. After the batch, store {@link latestTimestamp}.
 *
 * @param sortedTimestamps - the batch's events of the group, oldest first.
 * @returns one boolean per event: true = counts, false = double click.
 * @throws RangeError if a date is invalid or the list is not sorted.
 */
export function filterDoubleClicks(sortedTimestamps: readonly Date[], previousTimestamp: Date | null): boolean[] {
  const prev = previousTimestamp === null ? null : checkDate(previousTimestamp, 'previousTimestamp');
  const result: boolean[] = [];
  let before: number | null = null;
  for (const [i, d] of sortedTimestamps.entries()) {
    const t = checkDate(d, `sortedTimestamps[${i}]`);
    if (before !== null && t < before) {
      throw new RangeError(`sortedTimestamps is not sorted: [${i}] is earlier than [${i - 1}]`);
    }
    const nearPredecessor = before !== null && t - before <= DOUBLE_CLICK_WINDOW_MS;
    const nearPrevious = prev !== null && Math.abs(t - prev) <= DOUBLE_CLICK_WINDOW_MS;
    result.push(!nearPredecessor && !nearPrevious);
    before = t;
  }
  return result;
}

/**
 * The `previousTimestamp` to keep for the group after a batch: the latest of
 * the old value and the batch's events (the old one can be later when events
 * arrive late).
 */
export function latestTimestamp(sortedTimestamps: readonly Date[], previousTimestamp: Date | null): Date | null {
  let latest = previousTimestamp;
  for (const d of sortedTimestamps) if (latest === null || d.getTime() > latest.getTime()) latest = d;
  return latest;
}
