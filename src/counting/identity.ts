/**
 * Who did an access, as the COUNTER Code of Practice for Research Data
 * identifies people, and the keys the double-click filter and the unique
 * counts are built on. Pure functions.
 *
 * Privacy: nothing is kept in clear. The identity parts are hashed (SHA-256,
 * truncated to 128 bits) before they are stored with the event, so the event
 * log holds no IP address and no live session token.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

/** The fields of an event the COUNTER identity rules look at. */
export interface IdentityInput {
  userId?: string | null;
  /** A long-lived cookie identifying the browser (CoP "user cookie"). */
  userCookie?: string | null;
  /** The portal's session cookie / session id (CoP "session cookie"). */
  sessionId?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
  timestamp: Date;
}

/** Two clicks of one identity on one item this close (inclusive) are one action. */
export const DOUBLE_CLICK_WINDOW_MS = 30_000;

function present(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/**
 * `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) and `1.2.3.4` are one
 * visitor, and IPv6 letter case carries no meaning. (counter-processor
 * sees two visitors there; the CoP sees one person.)
 */
export function normalizeIp(ip: string): string {
  const lower = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped?.[1] ?? lower;
}

/** Kind prefix + hash; JSON keeps the encoding injective (no forged separators). */
export function hashKey(kind: string, parts: readonly (string | null)[]): string {
  const digest = createHash('sha256').update(JSON.stringify([kind, ...parts])).digest('base64url').slice(0, 22);
  return `${kind}:${digest}`;
}

/** `YYYY-MM-DD` of a date, in UTC. */
export function utcDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** `YYYY-MM-DDTHH` of a date, in UTC. */
function utcHour(t: Date): string {
  return t.toISOString().slice(0, 13);
}

/**
 * The person behind a click, for the double-click filter (CoP-RD §10,
 * "double-click filtering", after COUNTER R5 §7.2): user id › user cookie ›
 * session cookie › IP + user agent. The IP + user-agent identity is sliced
 * by hour, so 13:59:50 and 14:00:05 from one anonymous visitor are two
 * people to this filter. Null when the event carries none of these.
 */
export function clickIdentity(e: IdentityInput): string | null {
  const userId = present(e.userId);
  if (userId !== null) return hashKey('u', [userId]);
  const userCookie = present(e.userCookie);
  if (userCookie !== null) return hashKey('c', [userCookie]);
  const sessionId = present(e.sessionId);
  if (sessionId !== null) return hashKey('s', [sessionId]);
  const ip = present(e.ipAddress);
  const ua = present(e.userAgent);
  if (ip === null && ua === null) return null;
  return hashKey('a', [ip === null ? null : normalizeIp(ip), ua, utcHour(e.timestamp)]);
}

/**
 * The session a unique dataset investigation or request is counted once in
 * (CoP-RD §10, "unique dataset metrics", after COUNTER R5 §7.3): the session
 * cookie + the date; else the user id, the user cookie or the IP + user
 * agent, + the date + the hour. Null when the event carries none of these.
 */
export function uniqueSession(e: IdentityInput): string | null {
  const sessionId = present(e.sessionId);
  if (sessionId !== null) return hashKey('S', [sessionId, utcDay(e.timestamp)]);
  const userId = present(e.userId);
  if (userId !== null) return hashKey('U', [userId, utcHour(e.timestamp)]);
  const userCookie = present(e.userCookie);
  if (userCookie !== null) return hashKey('C', [userCookie, utcHour(e.timestamp)]);
  const ip = present(e.ipAddress);
  const ua = present(e.userAgent);
  if (ip === null && ua === null) return null;
  return hashKey('A', [ip === null ? null : normalizeIp(ip), ua, utcHour(e.timestamp)]);
}

/**
 * The item a click was on, for the double-click filter: the URL when the
 * portal sends it (CoP: "the same URL"), else the resource and what was done
 * to it (a landing page, a file, an API endpoint).
 */
export function clickItem(e: { url?: string | null; resourceType: string; resourceId: string; action: string }): string {
  const url = present(e.url);
  return url !== null ? `url:${url}` : `${e.resourceType}:${e.resourceId}:${e.action}`;
}
