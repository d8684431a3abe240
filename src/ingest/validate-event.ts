import { ErrorCode, type ErrorCodeName } from '../errors/error-codes';
import type { TrackEventInput } from '../domain/tracking';
import { ID_PATTERN, ID_RULE } from '../domain/ids';
import { AccessAction, ResourceType } from '../domain/resources';
import { DAY_MS } from '../util/utc-day';

export interface EventLimits {
  /** Latest accepted timestamp = now + this, ms. */
  maxFutureSkewMs: number;
  /** Oldest accepted timestamp = now - this many days. */
  maxEventAgeDays: number;
}

export interface ValidEvent extends TrackEventInput {
  eventId: string | null;
  timestamp: Date;
  /** The timestamp as the client sent it (null: defaulted to now). */
  sentTimestamp: Date | null;
  country: string | null;
}

export type Validation = { ok: true; event: ValidEvent } | { ok: false; code: ErrorCodeName; message: string };

/** Event ids are the client's; `|` is allowed (the storage key splits at the sender's id, which has none). */
export const EVENT_ID = /^[\x21-\x7e]{1,128}$/;
/** Longest user agent kept, characters: longer ones are cut here, not rejected. */
export const MAX_USER_AGENT = 1024;
/** Longest IP, session id and user cookie, characters. */
export const MAX_TEXT = 1024;
export const MAX_URL = 4096;
export const COUNTRY = /^[A-Za-z]{2}$/;

/**
 * `text` cut to `max` UTF-16 units, never through a surrogate pair. Why cut
 * user agents rather than reject the event: the agent is the visitor's, not
 * the sender's to fix (scanners send 8 KB ones), and robot and machine
 * patterns match its start; the access still happened.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return text.slice(0, end);
}

/** A refusal as a value (the caller reports it per event, not by throwing). */
function invalid(message: string, code: ErrorCodeName = ErrorCode.BAD_USER_INPUT): Validation {
  return { ok: false, code, message };
}

/**
 * Checks one event without touching the database: timestamp window, id
 * shapes, sizes, the COUNTER fields. Resource existence and permissions are
 * checked later, in bulk.
 */
/**
 * What is wrong with an event's time (null: nothing): more than
 * `maxFutureSkewMs` ahead of `now`, or more than `maxEventAgeDays` old. The
 * one window of `trackAccess` and `import-events`.
 */
export function timeWindowProblem(timestamp: Date, now: Date, limits: EventLimits): string | null {
  const t = timestamp.getTime();
  if (t > now.getTime() + limits.maxFutureSkewMs) {
    return `timestamp ${timestamp.toISOString()} is in the future (more than ${limits.maxFutureSkewMs} ms ahead)`;
  }
  if (t < now.getTime() - limits.maxEventAgeDays * DAY_MS) return `timestamp ${timestamp.toISOString()} is older than ${limits.maxEventAgeDays} days`;
  return null;
}

export function validateEvent(input: TrackEventInput, now: Date, limits: EventLimits): Validation {
  const timestamp = input.timestamp ?? now;
  const t = timestamp instanceof Date ? timestamp.getTime() : Number.NaN;
  if (Number.isNaN(t)) return invalid('timestamp is not a valid date', ErrorCode.INVALID_TIMESTAMP);
  const outside = timeWindowProblem(timestamp, now, limits);
  if (outside) return invalid(outside, ErrorCode.INVALID_TIMESTAMP);
  if (input.eventId != null && !EVENT_ID.test(input.eventId)) {
    return invalid('eventId must be 1-128 printable ASCII characters without spaces', ErrorCode.INVALID_EVENT_ID);
  }
  if (!ID_PATTERN.test(input.resourceId ?? '')) return invalid(`resourceId: ${ID_RULE}`);
  // A collection has no data or API of its own (its datasets do), and no
  // collection report shows downloads or API calls: refused, not hidden.
  if (input.resourceType === ResourceType.COLLECTION && input.action !== AccessAction.VIEW) {
    return invalid(`collections are only viewed: a COLLECTION event must be a VIEW, not ${String(input.action)} (send downloads and API calls on the dataset or file)`);
  }
  if (input.userId != null && !ID_PATTERN.test(input.userId)) return invalid(`userId: ${ID_RULE}`);
  for (const [name, v] of [
    ['ipAddress', input.ipAddress],
    ['sessionId', input.sessionId],
    ['userCookie', input.userCookie],
  ] as const) {
    if (v != null && v.length > MAX_TEXT) return invalid(`${name} is longer than ${MAX_TEXT} characters`);
  }
  if (input.url != null && input.url.length > MAX_URL) return invalid(`url is longer than ${MAX_URL} characters`);
  if (input.httpStatus != null && !(Number.isInteger(input.httpStatus) && input.httpStatus >= 100 && input.httpStatus <= 599)) {
    return invalid('httpStatus must be an HTTP status code (100-599)');
  }
  if (input.bytes != null && !(Number.isSafeInteger(input.bytes) && input.bytes >= 0)) {
    return invalid('bytes must be a non-negative integer');
  }
  if (input.country != null && !COUNTRY.test(input.country)) return invalid('country must be an ISO 3166-1 alpha-2 code');
  return {
    ok: true,
    event: {
      ...input,
      userAgent: input.userAgent != null ? truncateText(input.userAgent, MAX_USER_AGENT) : input.userAgent,
      eventId: input.eventId ?? null,
      timestamp,
      sentTimestamp: input.timestamp ?? null,
      country: input.country ? input.country.toUpperCase() : null,
    },
  };
}
