/**
 * From parsed log lines to access events. Pure.
 *
 * Idempotency: each event's `eventId` is a hash of the request the line
 * records — who (user id, user agent), when, what (method, URL) — and of
 * its occurrence number among lines of the file with that same request,
 * and of nothing else: not the file name, the format flag, the mapping or
 * `--portal`. So importing the same lines again yields the same ids
 * (duplicates, whatever the flags), the same access written in the other
 * log format too, two genuinely identical requests in one second both
 * count, and a line whose other fields changed (status, bytes) keeps its
 * id with another content: ingestion answers EVENT_ID_CONFLICT rather than
 * counting it twice.
 *
 * Not in the id: the client IP, the session id and the user cookie, which
 * the gateway never stores in clear. Everything else an id is made of is
 * stored or guessable, so an IP inside it could be recovered by trying all
 * 2^32 addresses (issue 19). Nor is the id keyed with the day's identity
 * secret: archived logs are imported into days whose secret is destroyed
 * when the import ends, and a later re-import must still find its
 * duplicates. Two visitors whose lines differ only by IP (or session,
 * cookie) are told apart by the occurrence number, in file order.
 * Ids made by earlier versions: src/logs/legacy-log-ids.ts.
 *
 * Identical requests carry the same timestamp, so the occurrence counter
 * only needs the lines of the last few minutes (logs are written in
 * completion order, a little out of time order): {@link OccurrenceCounter}
 * forgets lines older than its window, which keeps memory flat on multi-GB
 * logs.
 */
import { createHash } from 'node:crypto';
import type { AccessAction, ResourceType } from '../domain/resources';
import { ID_PATTERN } from '../domain/ids';
import { MAX_URL } from '../ingest/validate-event';
import type { AccessLogLine } from './combined-log';

/** Counts identical lines within a sliding window of log time. */
export class OccurrenceCounter {
  private readonly seen = new Map<string, { n: number; t: number }>();
  private maxT = -Infinity;
  private sincePrune = 0;

  constructor(private readonly windowMs = 15 * 60_000) {}

  /** 0 for the first occurrence of `hash`, 1 for the second, … */
  next(hash: string, timeMs: number): number {
    if (timeMs > this.maxT) this.maxT = timeMs;
    const cur = this.seen.get(hash);
    const n = cur ? cur.n + 1 : 0;
    this.seen.set(hash, { n, t: timeMs });
    if (++this.sincePrune >= 10_000) this.prune();
    return n;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(): void {
    this.sincePrune = 0;
    const limit = this.maxT - this.windowMs;
    for (const [k, v] of this.seen) if (v.t < limit) this.seen.delete(k);
  }
}

export function lineHash(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

/**
 * The hash of the request a parsed line records (see the file comment):
 * equal for the same access written by either format or read under any
 * flag; the fields left out (status, bytes, referer, the MDC metadata
 * columns) are the content a changed line differs by. The IP, session id
 * and user cookie are left out so that the stored id reveals none of them.
 */
export function requestHash(line: AccessLogLine): string {
  return lineHash(JSON.stringify([line.time.getTime(), line.user, line.userAgent, line.method, line.url]));
}

/**
 * A log's user id as the gateway's `userId`: kept when it is a valid id
 * (src/domain/ids.ts); otherwise (spaces, `|`, over 200 characters) a
 * stable stand-in `log-user-<sha256 prefix>`, so the access still counts
 * and the same user is still one person (COUNTER ranks the user id first
 * for double clicks and unique sessions).
 */
export function logUserId(user: string | null): string | null {
  if (user === null) return null;
  return ID_PATTERN.test(user) ? user : `log-user-${lineHash(user).slice(0, 24)}`;
}

/** `log-<sha256(line hash, occurrence)>`, 44 characters, stable across runs. */
export function logEventId(hash: string, occurrence: number): string {
  return `log-${createHash('sha256').update(`${hash}#${occurrence}`).digest('hex').slice(0, 40)}`;
}

/** What the importer sends for one line (a TrackEventInput plus the log fields ingestion stores). */
export interface LogEventInput {
  eventId: string;
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  timestamp: Date;
  userId: string | null;
  userAgent: string | null;
  ipAddress: string | null;
  sessionId: string | null;
  userCookie: string | null;
  httpStatus: number | null;
  bytes: number;
  url: string;
}

export function toLogEvent(
  line: AccessLogLine,
  target: { resourceType: ResourceType; resourceId: string; action: AccessAction },
  eventId: string,
): LogEventInput {
  return {
    eventId,
    resourceType: target.resourceType,
    resourceId: target.resourceId,
    action: target.action,
    timestamp: line.time,
    userId: logUserId(line.user),
    userAgent: line.userAgent,
    ipAddress: line.ip,
    sessionId: line.sessionId ?? null,
    userCookie: line.userCookie ?? null,
    // Unknown status (`-`): the request never completed; ingestion keeps 200/304 only.
    httpStatus: line.status,
    bytes: line.bytes,
    // As trackAccesses takes it (longer: BAD_USER_INPUT there); cut rather than lose the access.
    url: line.url.slice(0, MAX_URL),
  };
}

/** Why lines were not imported, for the summary. */
export type SkipReason = 'unparsable' | 'too long' | 'no rule matched' | 'unknown resource' | 'rejected';
