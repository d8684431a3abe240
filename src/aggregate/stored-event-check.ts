/**
 * Whether a stored event can be counted: the shape rules of ingestion
 * (validate-event.ts, src/domain/ids.ts) applied to an event as the event
 * log holds it. Pure.
 *
 * Why again, after ingestion checked: the log is also written by
 * `import-events` (an edited export), by older versions with laxer rules,
 * and by hand. One unknown `action` made every aggregation pass throw; ids
 * with `|` made two targets share a day document `_id` (E11000 on every
 * pass). The aggregator checks every event it reads and quarantines those
 * that fail (quarantine.ts) instead of counting them.
 */
import { ErrorCode, type ErrorCodeName } from '../errors/error-codes';
import { AccessAction, ResourceType } from '../domain/resources';
import { isValidId } from '../domain/ids';
import type { LoggedEvent } from '../domain/logged-event';
import { eventKey } from '../store/storage-keys';
import { COUNTRY, EVENT_ID, MAX_URL, MAX_USER_AGENT, timeWindowProblem, type EventLimits } from '../ingest/validate-event';

export interface EventProblem {
  code: ErrorCodeName;
  message: string;
}

/**
 * Earliest and latest (exclusive) time a stored event may have. Why fixed
 * bounds rather than the ingestion window: a stored event stays valid as it
 * ages. Why these: nothing was tracked before 2000, and a year past 9999
 * does not fit the `YYYY-MM-DD` day every key is built from.
 */
export const STORED_TIME_MIN = Date.UTC(2000, 0, 1);
export const STORED_TIME_MAX = Date.UTC(10000, 0, 1);

const RESOURCE_TYPES: readonly unknown[] = Object.values(ResourceType);
const ACTIONS: readonly unknown[] = Object.values(AccessAction);
const TRAFFIC_CLASSES: readonly unknown[] = ['regular', 'machine', 'robot'];
/** Most datasets a file event may count for. */
const MAX_DATASET_IDS = 1000;
/** Longest identity key and content hash, characters (ours are ~22-60). */
const MAX_KEY = 512;

function problem(code: ErrorCodeName, message: string): EventProblem {
  return { code, message };
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'a list' : `a ${typeof v}`;
}

const nullOr = (v: unknown, ok: (v: unknown) => boolean): boolean => v === null || v === undefined || ok(v);
const isKey = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY;

/**
 * The first reason `e` cannot be counted, or null when it can. Never
 * throws, whatever `e` holds (a document written by hand may hold anything).
 */
export function checkStoredEvent(e: Partial<Record<keyof LoggedEvent, unknown>>): EventProblem | null {
  if (e === null || typeof e !== 'object') return problem(ErrorCode.BAD_USER_INPUT, 'not an event');
  if (!isValidId(e.scope)) return problem(ErrorCode.INVALID_ID, `scope (the sender) ${show(e.scope)} is not an id`);
  if (typeof e.eventId !== 'string' || !EVENT_ID.test(e.eventId)) {
    return problem(ErrorCode.INVALID_EVENT_ID, `eventId ${show(e.eventId)} must be 1-128 printable ASCII characters without spaces`);
  }
  if (e._id !== eventKey(e.scope, e.eventId)) return problem(ErrorCode.INVALID_ID, `_id ${show(e._id)} is not scope|eventId`);
  if (!RESOURCE_TYPES.includes(e.resourceType)) return problem(ErrorCode.BAD_USER_INPUT, `resourceType ${show(e.resourceType)} is not one of ${RESOURCE_TYPES.join(', ')}`);
  if (!ACTIONS.includes(e.action)) return problem(ErrorCode.BAD_USER_INPUT, `action ${show(e.action)} is not one of ${ACTIONS.join(', ')}`);
  if (!isValidId(e.resourceId)) return problem(ErrorCode.INVALID_ID, `resourceId ${show(e.resourceId)} is not an id`);
  if (!nullOr(e.userId, isValidId)) return problem(ErrorCode.INVALID_ID, `userId ${show(e.userId)} is not an id`);
  if (!nullOr(e.portalId, isValidId)) return problem(ErrorCode.INVALID_ID, `portalId ${show(e.portalId)} is not an id`);
  const ds = e.datasetIds;
  if (!Array.isArray(ds) || ds.length > MAX_DATASET_IDS || !ds.every(isValidId)) {
    return problem(ErrorCode.INVALID_ID, `datasetIds must be a list of at most ${MAX_DATASET_IDS} ids`);
  }
  const t = e.t instanceof Date ? e.t.getTime() : Number.NaN;
  if (!(t >= STORED_TIME_MIN && t < STORED_TIME_MAX)) {
    return problem(ErrorCode.INVALID_TIMESTAMP, `timestamp ${show(e.t)} is not a date between 2000 and 9999`);
  }
  if (!TRAFFIC_CLASSES.includes(e.trafficClass)) return problem(ErrorCode.BAD_USER_INPUT, `trafficClass ${show(e.trafficClass)} is not regular, machine or robot`);
  if (typeof e.automated !== 'boolean') return problem(ErrorCode.BAD_USER_INPUT, 'automated must be true or false');
  if (!nullOr(e.httpStatus, (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599)) {
    return problem(ErrorCode.VALUE_OUT_OF_RANGE, `httpStatus ${show(e.httpStatus)} is not an HTTP status code (100-599)`);
  }
  if (!nullOr(e.bytes, (v) => Number.isSafeInteger(v) && (v as number) >= 0)) {
    return problem(ErrorCode.VALUE_OUT_OF_RANGE, `bytes ${show(e.bytes)} is not a non-negative integer`);
  }
  if (!nullOr(e.country, (v) => typeof v === 'string' && COUNTRY.test(v))) {
    return problem(ErrorCode.VALUE_OUT_OF_RANGE, `country ${show(e.country)} is not an ISO 3166-1 alpha-2 code`);
  }
  if (!nullOr(e.userAgent, (v) => typeof v === 'string' && v.length <= MAX_USER_AGENT)) {
    return problem(ErrorCode.VALUE_OUT_OF_RANGE, `userAgent must be text of at most ${MAX_USER_AGENT} characters`);
  }
  if (!nullOr(e.url, (v) => typeof v === 'string' && v.length <= MAX_URL)) {
    return problem(ErrorCode.VALUE_OUT_OF_RANGE, `url must be text of at most ${MAX_URL} characters`);
  }
  if (!isKey(e.ck) || !isKey(e.sk)) return problem(ErrorCode.BAD_USER_INPUT, 'click_key and session_key must be non-empty text');
  if (!nullOr(e.ckp, isKey)) return problem(ErrorCode.BAD_USER_INPUT, 'click_key_previous_day must be non-empty text or null');
  if (!nullOr(e.h, isKey)) return problem(ErrorCode.BAD_USER_INPUT, 'content_hash must be text');
  return null;
}

/**
 * An event about to be imported (`import-events`): the stored-event rules
 * plus the ingestion time window relative to `now` (as `trackAccesses`:
 * at most `maxFutureSkewMs` ahead, `maxEventAgeDays` old).
 */
export function checkImportedEvent(e: LoggedEvent, now: Date, limits: EventLimits): EventProblem | null {
  // A time that is no date is the stored-event rules' to refuse.
  const outside = e.t instanceof Date && !Number.isNaN(e.t.getTime()) ? timeWindowProblem(e.t, now, limits) : null;
  if (outside) return problem(ErrorCode.INVALID_TIMESTAMP, outside);
  // As trackAccesses (validate-event.ts); stored ones from before that rule still count.
  if (e.resourceType === ResourceType.COLLECTION && e.action !== AccessAction.VIEW) {
    return problem(ErrorCode.BAD_USER_INPUT, `collections are only viewed: a COLLECTION event must be a VIEW, not ${show(e.action)}`);
  }
  return checkStoredEvent(e);
}
