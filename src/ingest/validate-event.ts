import { ErrorCode, type ErrorCodeName } from '../errors/error-codes';
import type { TrackEventInput } from '../domain/tracking';

export interface EventLimits {
  /** Latest accepted timestamp = now + this, ms. */
  maxFutureSkewMs: number;
  /** Oldest accepted timestamp = now - this many days. */
  maxEventAgeDays: number;
}

export interface ValidEvent extends TrackEventInput {
  eventId: string | null;
  timestamp: Date;
}

export type Validation = { ok: true; event: ValidEvent } | { ok: false; code: ErrorCodeName; message: string };

const EVENT_ID = /^[\x21-\x7e]{1,128}$/;
const MAX_TEXT = 1024;

/**
 * Checks one event without touching the database: timestamp window, id
 * shape, sizes. Resource and user existence are checked later, in bulk.
 */
export function validateEvent(input: TrackEventInput, now: Date, limits: EventLimits): Validation {
  const timestamp = input.timestamp ?? now;
  if (Number.isNaN(timestamp.getTime())) {
    return { ok: false, code: ErrorCode.INVALID_TIMESTAMP, message: 'timestamp is not a valid date' };
  }
  if (timestamp.getTime() > now.getTime() + limits.maxFutureSkewMs) {
    return {
      ok: false,
      code: ErrorCode.INVALID_TIMESTAMP,
      message: `timestamp ${timestamp.toISOString()} is in the future (more than ${limits.maxFutureSkewMs} ms ahead)`,
    };
  }
  const oldest = now.getTime() - limits.maxEventAgeDays * 86_400_000;
  if (timestamp.getTime() < oldest) {
    return {
      ok: false,
      code: ErrorCode.INVALID_TIMESTAMP,
      message: `timestamp ${timestamp.toISOString()} is older than ${limits.maxEventAgeDays} days`,
    };
  }
  if (input.eventId != null && !EVENT_ID.test(input.eventId)) {
    return {
      ok: false,
      code: ErrorCode.INVALID_EVENT_ID,
      message: 'eventId must be 1-128 printable ASCII characters without spaces',
    };
  }
  if (!input.resourceId || input.resourceId.length > 256) {
    return { ok: false, code: ErrorCode.BAD_USER_INPUT, message: 'resourceId must be 1-256 characters' };
  }
  for (const [name, v] of [
    ['userAgent', input.userAgent],
    ['ipAddress', input.ipAddress],
    ['sessionId', input.sessionId],
    ['userId', input.userId],
  ] as const) {
    if (v != null && v.length > MAX_TEXT) {
      return { ok: false, code: ErrorCode.BAD_USER_INPUT, message: `${name} is longer than ${MAX_TEXT} characters` };
    }
  }
  return { ok: true, event: { ...input, eventId: input.eventId ?? null, timestamp } };
}
