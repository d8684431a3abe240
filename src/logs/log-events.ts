/**
 * From parsed log lines to access events. Pure.
 *
 * Idempotency: each event's `eventId` is a hash of the raw line and of its
 * occurrence number among identical lines of the file, so importing the
 * same file again yields the same ids (counted once by ingestion), while
 * two genuinely identical requests in one second both count.
 *
 * Identical lines carry the same timestamp, so the occurrence counter only
 * needs the lines of the last few minutes (logs are written in completion
 * order, a little out of time order): {@link OccurrenceCounter} forgets
 * lines older than its window, which keeps memory flat on multi-GB logs.
 */
import { createHash } from 'node:crypto';
import type { AccessAction, ResourceType } from '../domain/resources';
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
    userAgent: line.userAgent,
    ipAddress: line.ip,
    sessionId: line.sessionId ?? null,
    userCookie: line.userCookie ?? null,
    // Unknown status (`-`): the request never completed; ingestion keeps 200/304 only.
    httpStatus: line.status,
    bytes: line.bytes,
    url: line.url.slice(0, 1024),
  };
}

/** Why lines were not imported, for the summary. */
export type SkipReason = 'unparsable' | 'too long' | 'no rule matched' | 'unknown resource' | 'rejected';
