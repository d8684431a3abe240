/**
 * Who did an access, as the COUNTER Code of Practice for Research Data
 * identifies people, and the keys the double-click filter and the unique
 * counts are built on. Pure functions.
 *
 * Every key is **per sender**: the `scope` of the stored event (the user
 * behind the API key that sent it) is part of it. User ids, cookies and
 * session ids are opaque values of one portal; without the scope, two
 * portals' "reader-1" would be one person, and one portal's clicks could
 * turn another's counted clicks into double clicks.
 *
 * Privacy: nothing is kept in clear. The keys are keyed hashes made by
 * {@link hashKey} — the one place that hashes — with a secret of the event's
 * UTC day, before they are stored with the event: the event log holds no IP
 * address and no live session token, and once the day's secret is destroyed
 * (src/ingest/day-secrets.ts) nobody can recompute a key to test a guess
 * (an unkeyed hash of IP + agent + hour falls to trying all 2^32 IPv4
 * addresses). The secrets are passed in; nothing here does I/O.
 *
 * @packageDocumentation
 */
import { createHash, createHmac } from 'node:crypto';
import { DAY_MS, previousDay, utcDay } from '../util/utc-day';

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

/** What an access was on, for the double-click item. */
export interface ItemInput {
  resourceType: string;
  resourceId: string;
  action: string;
  /** The URL the portal served, when it sends one: refines the item, never replaces it. */
  url?: string | null;
}

/** Everything the stored keys of one event are computed from. */
export interface EventKeyInput extends IdentityInput, ItemInput {
  /** The sender: `LoggedEvent.scope`, the user behind the API key. */
  scope: string;
  /**
   * A USER key recording its own access: the URL is left out of the item, so
   * the user's clicks on one resource and action are one item whatever URLs
   * it sends (a USER could otherwise dodge the filter by varying `url`).
   * Default false.
   */
  ownAccess?: boolean;
}

/** A part of a key before hashing: JSON-encoded, so no separator can be forged. */
export type KeyPart = string | null | readonly KeyPart[];

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

/**
 * The secret of one UTC day the keys of that day's events are made with
 * (32 random bytes, src/ingest/day-secrets.ts).
 */
export type DaySecret = Uint8Array;

/** The secret of a `YYYY-MM-DD` day; throws when the caller has none for it. */
export type SecretOfDay = (day: string) => DaySecret;

/**
 * Kind prefix + keyed hash: HMAC-SHA-256 with the day's `secret` of the JSON
 * of `[kind, ...parts]`, first 128 bits, base64url. JSON keeps the encoding
 * injective. Every stored key is made here and only here.
 *
 * `secret` null is the unkeyed SHA-256 that versions before keyed hashing
 * stored (same shape): kept only so such keys can be explained and
 * compared; ingestion always passes a secret. REMOVE the null case with
 * the unkeyed-keys path (docs/legacy-reads.md).
 */
export function hashKey(kind: string, parts: readonly KeyPart[], secret: DaySecret | null): string {
  const data = JSON.stringify([kind, ...parts]);
  const h = secret === null ? createHash('sha256') : createHmac('sha256', secret);
  return `${kind}:${h.update(data).digest('base64url').slice(0, 22)}`;
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
 * Unhashed and without the sender: {@link eventKeys} adds the scope and hashes.
 */
export function clickIdentity(e: IdentityInput): KeyPart[] | null {
  const userId = present(e.userId);
  if (userId !== null) return ['u', userId];
  const userCookie = present(e.userCookie);
  if (userCookie !== null) return ['c', userCookie];
  const sessionId = present(e.sessionId);
  if (sessionId !== null) return ['s', sessionId];
  const ip = present(e.ipAddress);
  const ua = present(e.userAgent);
  if (ip === null && ua === null) return null;
  return ['a', ip === null ? null : normalizeIp(ip), ua, utcHour(e.timestamp)];
}

/**
 * The session a unique dataset investigation or request is counted once in
 * (CoP-RD §10, "unique dataset metrics", after COUNTER R5 §7.3): the session
 * cookie + the date; else the user id, the user cookie or the IP + user
 * agent, + the date + the hour. Null when the event carries none of these.
 * Unhashed and without the sender: {@link eventKeys} adds the scope and hashes.
 */
export function uniqueSession(e: IdentityInput): KeyPart[] | null {
  const sessionId = present(e.sessionId);
  if (sessionId !== null) return ['S', sessionId, utcDay(e.timestamp)];
  const userId = present(e.userId);
  if (userId !== null) return ['U', userId, utcHour(e.timestamp)];
  const userCookie = present(e.userCookie);
  if (userCookie !== null) return ['C', userCookie, utcHour(e.timestamp)];
  const ip = present(e.ipAddress);
  const ua = present(e.userAgent);
  if (ip === null && ua === null) return null;
  return ['A', ip === null ? null : normalizeIp(ip), ua, utcHour(e.timestamp)];
}

/**
 * The item a click was on, for the double-click filter: the resource and
 * what was done to it (a landing page, a file, an API endpoint), refined by
 * the URL when the portal sends one (CoP: "the same URL"). A URL only ever
 * splits one resource's clicks into several items; it never joins the
 * clicks of two resources, or of two actions, into one.
 */
export function clickItem(e: ItemInput): KeyPart[] {
  return [e.resourceType, e.resourceId, e.action, present(e.url)];
}

/**
 * Whether an event at `t` is in the first {@link DOUBLE_CLICK_WINDOW_MS}
 * (inclusive) of its UTC day: it then also decides the day before's last
 * double clicks (src/ingest/day-index.ts, DayTally.accepts).
 */
export function inDayOpening(t: Date): boolean {
  const ms = t.getTime();
  // UTC days are exactly DAY_MS long in ECMAScript time (no leap seconds).
  return ms - Math.floor(ms / DAY_MS) * DAY_MS <= DOUBLE_CLICK_WINDOW_MS;
}

/**
 * The days whose secrets the keys of events at `times` need: each one's
 * own, and the day before for one in its day's first 30 s. Each distinct
 * day once (a request's events are mostly of one day: day numbers first,
 * text only for the distinct ones).
 */
export function secretDaysOf(times: Iterable<Date>): string[] {
  const days = new Set<number>();
  for (const t of times) {
    const n = Math.floor(t.getTime() / DAY_MS);
    days.add(n);
    if (inDayOpening(t)) days.add(n - 1);
  }
  return [...days].map((n) => utcDay(new Date(n * DAY_MS)));
}

/** The stored keys of an event (src/domain/logged-event.ts). */
export interface EventKeys {
  ck: string;
  sk: string;
  /** Only in a day's first 30 s: the double-click key made with the day before's secret. */
  ckp?: string;
}

/**
 * The stored keys of an event: `ck`, its double-click key (sender +
 * identity + item), and `sk`, its unique-count session key (sender +
 * session), both keyed with the secret of the event's UTC day. An event
 * with no identity at all is its own person and its own session
 * (`eventKey`, the stored `_id`, stands in).
 *
 * Why `ckp`: a user id, user cookie or session cookie identity is not
 * sliced by hour, so a click at 23:59:50 and one at 00:00:05 are one double
 * click; with a secret per day their `ck`s differ. An event in a day's first
 * 30 s therefore also carries `ckp`, its double-click key under the day
 * before's secret, which the day before's tally chains it by
 * (DayTally). Sessions never cross a day (`sk` needs no such twin).
 */
export function eventKeys(e: EventKeyInput, eventKey: string, secretOf: SecretOfDay): EventKeys {
  const day = utcDay(e.timestamp);
  const keys: EventKeys = keysWith(e, eventKey, secretOf(day));
  if (inDayOpening(e.timestamp)) keys.ckp = keysWith(e, eventKey, secretOf(previousDay(day))).ck;
  return keys;
}

/**
 * The keys versions before keyed hashing stored: {@link eventKeys} unkeyed
 * (`hashKey` with no secret), one `ck` for every day and no `ckp`. Nothing
 * stores them any more; erasure matches them and tests write such events.
 * REMOVE with the unkeyed-keys path (docs/legacy-reads.md).
 */
export function unkeyedEventKeys(e: EventKeyInput, eventKey: string): EventKeys {
  return keysWith(e, eventKey, null);
}

/** `ck` and `sk` of an event under one secret (null: unkeyed). */
function keysWith(e: EventKeyInput, eventKey: string, secret: DaySecret | null): EventKeys {
  const alone: KeyPart[] = ['e', eventKey];
  const item = clickItem(e.ownAccess ? { ...e, url: null } : e);
  return { ck: clickKey(e.scope, clickIdentity(e) ?? alone, item, secret), sk: sessionKey(e.scope, uniqueSession(e) ?? alone, secret) };
}

/**
 * The double-click key (`ck`, `ckp`): sender + {@link clickIdentity} +
 * {@link clickItem}, hashed. The one formula: ingestion and erasure's
 * cookie match both call it.
 */
export function clickKey(scope: string, identity: KeyPart[], item: KeyPart[], secret: DaySecret | null): string {
  return hashKey('k', [scope, identity, item], secret);
}

/** The unique-count session key (`sk`): sender + {@link uniqueSession}, hashed. The one formula, as {@link clickKey}. */
export function sessionKey(scope: string, session: KeyPart[], secret: DaySecret | null): string {
  return hashKey('s', [scope, session], secret);
}
