/**
 * Every composite `_id` the gateway stores, and every `_id` range it reads:
 * the one place a key layout is written down. Store code builds ids and
 * range filters with these functions, never by hand.
 *
 * | collection            | `_id` layout                    | example                               | built by |
 * | --------------------- | ------------------------------- | ------------------------------------- | -------- |
 * | `usage_totals`        | `TYPE:id`                       | `DATASET:ds-1`                        | {@link totalsId} |
 * | `usage_by_user`       | `user\|TYPE:id`                 | `u-1\|DATASET:ds-1`                   | {@link userTotalsId} |
 * | `usage_daily`         | `TYPE\|day\|id`                 | `DATASET\|2026-01-31\|ds-1`           | {@link dailyId} |
 * | `usage_by_user_daily` | `TYPE\|day\|user\|id`           | `DATASET\|2026-01-31\|u-1\|ds-1`      | {@link userDailyId} |
 * | `event_log` (event)   | `scope\|eventId`                | `svc-rennes\|e-42`                    | {@link eventKey} |
 * | `event_log` (index)   | `~i\|day\|flushId`              | `~i\|2026-01-31\|f1a2`                | {@link dayIndexId} |
 * | `event_log` (queue)   | `~q\|flushId`                   | `~q\|f1a2`                            | {@link queueId} |
 * | `event_log` (quarantine) | `~x\|eventKey`               | `~x\|svc-rennes\|e-42`                | {@link quarantineId} |
 * | `sushi_submissions`   | `hubUrl\|YYYY-MM`               | `https://api.datacite.org/reports\|2026-01` | {@link hubSubmissionId} |
 * | `identity_secrets`    | `YYYY-MM-DD`                    | `2026-01-31`                          | the day itself |
 * | `agg_state`           | `writer`                        | `writer`                              | {@link WRITER_MARK_ID} |
 * | `agg_journal`         | `day.random.n`                  | `2026-01-31.9f8e7d6c5b4a.0`           | {@link journalStepId} |
 * | catalog, `reuses`, `users` | the portal's id            | `ds-1`                                | — |
 * | `api_keys`            | SHA-256 of the key, hex         |                                       | src/domain/api-keys.ts |
 * | `meta`, `locks`       | a fixed name per document       | `user-agent-reduction`, `aggregator`  | their repositories |
 *
 * `TYPE` is a ResourceType (`DATASET`, `FILE`, `COLLECTION`); `day` is a
 * UTC day `YYYY-MM-DD` (fixed width, so string order is time order).
 *
 * Why these layouts: FerretDB (as patched here) and MongoDB answer `_id`
 * equality, `$in` and `_id` ranges from the index, and scan for anything
 * else. So whatever is read together shares a prefix: a day of one type,
 * a window of days, all totals of a type, one user's figures. Ids of
 * users, resources and event scopes match ID_PATTERN (src/domain/ids.ts):
 * they start with a letter or digit and hold no `|`, so an event key never
 * falls in a `~` range and `user|` is exactly one user's documents. An
 * eventId may hold `|` (it is last in its key).
 *
 * Ranges: a prefix `P` is the half-open range [`P`, successor of `P`),
 * where the successor replaces `P`'s last character by the next one
 * (`DATASET|` → `DATASET}`, `DATASET:` → `DATASET;`). Both databases order
 * strings by their UTF-8 bytes, which follow code point order, so this
 * holds exactly the strings that start with `P`, whatever follows. (An
 * upper bound of `P\uffff` does not: a 4-byte UTF-8 character sorts after
 * U+FFFF.)
 */
import type { ResourceType } from '../domain/resources';

/** A resource type, as the enum or its string. */
export type TypeName = ResourceType | `${ResourceType}`;

/** An `_id` range filter: `{ _id: range }`. */
export interface IdRange {
  $gte?: string;
  $gt?: string;
  $lt: string;
}

/** The event log's day indexes: `~i|day|flushId`. */
export const INDEX_PREFIX = '~i|';
/** The event log's aggregation queue: `~q|flushId`. */
export const QUEUE_PREFIX = '~q|';
/** Quarantined events in the event log: `~x|eventKey`. */
export const QUARANTINE_PREFIX = '~x|';

/** The `_id` of the writer mark in `agg_state`. */
export const WRITER_MARK_ID = 'writer';

/** `DATASET:ds-1`: all totals of a type are one range ({@link totalsRange}). */
export function totalsId(type: TypeName, id: string): string {
  return `${type}:${id}`;
}

/** `u-1|DATASET:ds-1`. */
export function userTotalsId(type: TypeName, id: string, userId: string): string {
  return `${userId}|${totalsId(type, id)}`;
}

/** `DATASET|2026-01-31|ds-1`: a day's documents of one type are an `_id` range. */
export function dailyId(type: TypeName, day: string, id: string): string {
  return `${type}|${day}|${id}`;
}

/** `DATASET|2026-01-31|u-1|ds-1`. */
export function userDailyId(type: TypeName, day: string, userId: string, id: string): string {
  return `${type}|${day}|${userId}|${id}`;
}

/** The day of a day document's id (`usage_daily`, `usage_by_user_daily`). */
export function dayOfDailyId(id: string): string {
  const bar = id.indexOf('|');
  return id.slice(bar + 1, bar + 11);
}

/** `svc-rennes|e-42`: the unique `_id` makes a retried event a duplicate key. */
export function eventKey(scope: string, eventId: string): string {
  return `${scope}|${eventId}`;
}

/** The scope of an event key (the scope holds no `|`; the eventId may). */
export function scopeOfKey(key: string): string {
  return key.slice(0, key.indexOf('|'));
}

/** The eventId of an event key. */
export function eventIdOfKey(key: string): string {
  return key.slice(key.indexOf('|') + 1);
}

/** `~i|2026-01-31|flushId`. */
export function dayIndexId(day: string, flushId: string): string {
  return `${INDEX_PREFIX}${day}|${flushId}`;
}

/** The day of a day index id (its first 10 characters after the prefix). */
export function dayOfIndexId(id: string): string {
  return id.slice(INDEX_PREFIX.length, INDEX_PREFIX.length + 10);
}

/** `~q|flushId`. */
export function queueId(flushId: string): string {
  return `${QUEUE_PREFIX}${flushId}`;
}

/** The flush id of a queue entry's `_id`. */
export function flushIdOfQueueId(id: string): string {
  return id.slice(QUEUE_PREFIX.length);
}

/** `~x|svc-rennes|e-42`: quarantining an event twice is a duplicate key. */
export function quarantineId(key: string): string {
  return `${QUARANTINE_PREFIX}${key}`;
}

/** `https://api.datacite.org/reports|2026-01`. */
export function hubSubmissionId(hubUrl: string, month: string): string {
  return `${hubUrl}|${month}`;
}

/** `2026-01-31.9f8e7d6c5b4a.0`: steps of one write sort in order. */
export function journalStepId(stepPrefix: string, n: number): string {
  return `${stepPrefix}.${n}`;
}

/** The least string greater than every string that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  const chars = Array.from(prefix);
  const last = chars.pop()?.codePointAt(0);
  if (last === undefined) throw new Error('an empty prefix has no end');
  if (last === 0x10ffff) throw new Error('a prefix ending in U+10FFFF has no end');
  // Surrogates are no characters (UTF-8 cannot hold them): U+D7FF is followed by U+E000.
  return chars.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
}

/** Every `_id` that starts with `prefix`. */
export function prefixRange(prefix: string): IdRange {
  return { $gte: prefix, $lt: prefixEnd(prefix) };
}

/** The `_id`s that start with `prefix` and sort after `prefix + after` (paging). */
export function prefixRangeAfter(prefix: string, after: string): IdRange {
  return { $gt: `${prefix}${after}`, $lt: prefixEnd(prefix) };
}

/**
 * Keys laid out `head + day + '|' + …` whose day is in [fromDay, toDay]
 * (both included; null: open end).
 */
function dayWindow(head: string, fromDay: string | null, toDay: string | null): IdRange {
  return {
    $gte: fromDay === null ? head : `${head}${fromDay}|`,
    $lt: prefixEnd(toDay === null ? head : `${head}${toDay}|`),
  };
}

/** Keys laid out `head + day + '|' + …` whose day is before `beforeDay` (fixed-width days). */
function daysBefore(head: string, beforeDay: string): IdRange {
  return { $gte: head, $lt: `${head}${beforeDay}` };
}

/** Every totals document of a type (`usage_totals`). */
export function totalsRange(type: TypeName): IdRange {
  return prefixRange(totalsId(type, ''));
}

/** One user's totals documents of a type, or of every type (`usage_by_user`). */
export function userTotalsRange(userId: string, type: TypeName | null = null): IdRange {
  return prefixRange(type === null ? `${userId}|` : userTotalsId(type, '', userId));
}

/**
 * Day documents of a type (`usage_daily`, `usage_by_user_daily`) whose day
 * is in [fromDay, toDay], both included; null: open end.
 */
export function dailyRange(type: TypeName, fromDay: string | null, toDay: string | null): IdRange {
  return dayWindow(`${type}|`, fromDay, toDay);
}

/** Day documents of a type on one day. */
export function dayRange(type: TypeName, day: string): IdRange {
  return dailyRange(type, day, day);
}

/** Day documents of a type on the days before `beforeDay`. */
export function dailyBefore(type: TypeName, beforeDay: string): IdRange {
  return daysBefore(`${type}|`, beforeDay);
}

/** The events of one sender (`scope|…`), or every event (ids start with a letter or digit: below `~`). */
export function eventRange(scope: string | null): IdRange {
  return scope === null ? { $lt: '~' } : prefixRange(`${scope}|`);
}

/** Day indexes whose day is in [fromDay, toDay], both included; null: open end. */
export function dayIndexRange(fromDay: string | null, toDay: string | null): IdRange {
  return dayWindow(INDEX_PREFIX, fromDay, toDay);
}

/** Day indexes of the days after `afterDay` (all of them when null). */
export function dayIndexesAfter(afterDay: string | null): IdRange {
  return afterDay === null ? prefixRange(INDEX_PREFIX) : { $gte: prefixEnd(`${INDEX_PREFIX}${afterDay}|`), $lt: prefixEnd(INDEX_PREFIX) };
}

/** Day indexes of the days before `beforeDay`. */
export function dayIndexesBefore(beforeDay: string): IdRange {
  return daysBefore(INDEX_PREFIX, beforeDay);
}

/** Every queue entry. */
export function queueRange(): IdRange {
  return prefixRange(QUEUE_PREFIX);
}

/** Every quarantine record. */
export function quarantineRange(): IdRange {
  return prefixRange(QUARANTINE_PREFIX);
}

/** Quarantine records after event key `afterKey`, in key order (paging; `''`: from the first). */
export function quarantineRangeAfter(afterKey: string): IdRange {
  return prefixRangeAfter(QUARANTINE_PREFIX, afterKey);
}

/** The event key of a quarantine record's `_id`. */
export function keyOfQuarantineId(id: string): string {
  return id.slice(QUARANTINE_PREFIX.length);
}

/** A hub's submissions, every month. */
export function hubSubmissionRange(hubUrl: string): IdRange {
  return prefixRange(hubSubmissionId(hubUrl, ''));
}

/** Identity secrets of the days before `beforeDay` (their `_id` is the day). */
export function daySecretsBefore(beforeDay: string): IdRange {
  return { $lt: beforeDay };
}

/**
 * The event log's kinds of document as ranges, in `_id` order: events,
 * day indexes, queue, quarantine, then anything else from `~` on (so a
 * kind added later is still seen by whoever walks them all).
 */
export function eventLogRanges(): (IdRange | { $gte: string })[] {
  return [eventRange(null), prefixRange(INDEX_PREFIX), queueRange(), quarantineRange(), { $gte: '~' }];
}
