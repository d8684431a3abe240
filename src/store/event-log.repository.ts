import { MongoBulkWriteError, type Collection, type Document } from 'mongodb';
import type { LoggedEvent } from '../domain/logged-event';
import type { Store } from './store';
import { DUPLICATE_KEY } from './bulk';
import { withDeadline } from '../util/deadline';
import { dayIndexId, dayIndexRange, dayIndexesBefore, eventIdOfKey, flushIdOfQueueId, queueRange, scopeOfKey } from './storage-keys';
import { utcDay } from '../util/utc-day';
import type { DayIndexDoc, LegacyQueueDoc, QueueDoc } from './event-log.documents';

/** One day index to aggregate, and the queue entry that names it. */
export interface QueueItem {
  queueId: string;
  day: string;
  index: string;
  /** When the flush was stored (absent on the oldest entries). */
  at: Date | null;
}

type LogDoc = LoggedEvent | DayIndexDoc | QueueDoc | LegacyQueueDoc;

/**
 * Keys per `$in` read. Why not more: an unpatched FerretDB checks every
 * returned document against the whole `$in` list again in Go, so a read
 * costs O(keys²) — 5,000 keys ~240 µs of database CPU per document, 1,000
 * keys ~135 µs (our embedded build matches such a list as a set:
 * ferretdb-in-filter.patch, docs/ferretdb.md). MongoDB does not care.
 */
export const READ_CHUNK = 1000;

/** Fields left out of a stored event when they hold their default. */
const NULL_FIELDS = ['portalId', 'userId', 'httpStatus', 'bytes', 'country', 'userAgent', 'url'] as const;

/**
 * The event as stored: fields at their default (null, no datasets, not
 * automated) and fields derived from others (`scope` and `eventId` from
 * `_id`, `day` from `t`) are left out. Why: FerretDB's cost per inserted
 * and per read document grows with its field count (each document carries
 * its own schema); most events have no url, status, bytes or country.
 */
function storedEvent(e: LoggedEvent): Document {
  const doc: Document = { ...e };
  for (const f of NULL_FIELDS) if (doc[f] === null) delete doc[f];
  if (e.datasetIds.length === 0) delete doc.datasetIds;
  if (!e.automated) delete doc.automated;
  delete doc.scope;
  delete doc.eventId;
  delete doc.day;
  return doc;
}

/** The event a stored document holds ({@link storedEvent} undone); documents stored with every field read as they are. */
function restoredEvent(d: Document): LoggedEvent {
  const e = { ...d } as Record<string, unknown>;
  for (const f of NULL_FIELDS) if (e[f] === undefined) e[f] = null;
  e.datasetIds ??= [];
  e.automated ??= false;
  if (e.scope === undefined || e.eventId === undefined) {
    e.scope ??= scopeOfKey(e._id as string);
    e.eventId ??= eventIdOfKey(e._id as string);
  }
  // A document written by hand may hold no valid date: it is read as it is
  // (the aggregator quarantines it), never allowed to fail the whole read.
  e.day ??= e.t instanceof Date && !Number.isNaN(e.t.getTime()) ? utcDay(e.t) : '';
  return e as unknown as LoggedEvent;
}

/** The day indexes a queue entry names (either format). */
export function queueItems(q: QueueDoc | LegacyQueueDoc): QueueItem[] {
  if ('index' in q) return [{ queueId: q._id, day: q.day, index: q.index, at: q.at ?? null }];
  const flushId = flushIdOfQueueId(q._id);
  return q.days.map((day) => ({ queueId: q._id, day, index: dayIndexId(day, flushId), at: q.at }));
}

export interface EventLogOptions {
  /** Longest a flush's `insertMany` may take before it is reported failed, ms (`INGEST_WRITE_TIMEOUT_MS`). */
  appendTimeoutMs: number;
}

export class EventLogRepository {
  private readonly col: Collection<LogDoc>;
  private readonly appendTimeoutMs: number;

  constructor(store: Store, options: EventLogOptions) {
    this.col = store.eventLog as unknown as Collection<LogDoc>;
    this.appendTimeoutMs = options.appendTimeoutMs;
  }

  /**
   * Stores a flush in one command: its queue entries and day indexes first
   * (so a crash part-way leaves an index pointing at nothing, never an event
   * no index points at), then the events. Returns the positions (in
   * `events`) whose `_id` already existed.
   */
  async append(events: readonly LoggedEvent[], indexes: readonly DayIndexDoc[], queue: QueueDoc): Promise<Set<number>> {
    const head: LogDoc[] = [queue, ...indexes];
    const docs: Document[] = [...head, ...events.map(storedEvent)];
    const dup = new Set<number>();
    try {
      // Why a deadline of our own: an insert in flight when the database
      // process dies can be left with a promise that never settles (driver
      // 7.9.0, the embedded FerretDB SIGKILLed mid-flush: about one kill in
      // five under load; the driver's own `timeoutMS` did not fire either),
      // and every later flush queues behind it. Giving up is safe: nothing
      // was acknowledged, and the client's retry with the same eventIds is
      // a duplicate if the insert did land.
      const r = await withDeadline(this.col.insertMany(docs as never[], { ordered: false }), this.appendTimeoutMs, 'the event log insert');
      if (r.insertedCount !== docs.length) throw new Error(`stored ${r.insertedCount} of ${docs.length} documents`);
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      // Only a reply that accounts for every document is trusted: each one
      // inserted or a duplicate key. A connection lost mid-command can
      // surface as a bulk error with no write errors at all.
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      for (const e of errors) {
        if (e.code !== DUPLICATE_KEY || e.index < head.length) throw err;
        dup.add(e.index - head.length);
      }
      if (err.writeConcernError || err.result.insertedCount + dup.size !== docs.length) throw err;
    }
    return dup;
  }

  /** Stored events by key (missing keys are absent from the result). */
  async events(keys: readonly string[]): Promise<LoggedEvent[]> {
    const out: LoggedEvent[] = [];
    for (let i = 0; i < keys.length; i += READ_CHUNK) {
      const chunk = keys.slice(i, i + READ_CHUNK);
      for (const d of await this.col.find({ _id: { $in: chunk } } as Document).batchSize(READ_CHUNK).toArray()) out.push(restoredEvent(d as Document));
    }
    return out;
  }

  /** The day indexes of the first `limit` queue entries, oldest flush first. */
  async queue(limit: number): Promise<QueueItem[]> {
    const docs = (await this.col
      .find({ _id: queueRange() } as Document)
      .sort({ _id: 1 })
      .limit(limit)
      .toArray()) as (QueueDoc | LegacyQueueDoc)[];
    return docs.flatMap(queueItems);
  }

  async removeQueue(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      await this.col.deleteMany({ _id: { $in: ids.slice(i, i + READ_CHUNK) } } as Document);
    }
  }

  async indexes(ids: readonly string[]): Promise<DayIndexDoc[]> {
    const out: DayIndexDoc[] = [];
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      for (const d of await this.col.find({ _id: { $in: ids.slice(i, i + READ_CHUNK) } } as Document).toArray()) out.push(d as DayIndexDoc);
    }
    return out;
  }

  /**
   * Every index document of a day, streamed. Why not an array: a busy day
   * has thousands of flushes (and their keys, millions); whoever reads a
   * day takes its events a chunk at a time and must not hold them all.
   */
  dayIndexes(day: string): AsyncIterable<DayIndexDoc> {
    return this.col
      .find({ _id: dayIndexRange(day, day) } as Document)
      .batchSize(200) as unknown as AsyncIterable<DayIndexDoc>;
  }

  /** The days that have events, from `sinceDay` on (inclusive), ascending. */
  async days(sinceDay = '0000-00-00'): Promise<string[]> {
    const days = new Set<string>();
    const cursor = this.col
      .find({ _id: dayIndexRange(sinceDay, null) } as Document, { projection: { day: 1 } })
      .batchSize(10_000);
    for await (const d of cursor) days.add((d as DayIndexDoc).day);
    return [...days].sort();
  }

  /**
   * Drops days before `beforeDay` (retention): their events, then their
   * index documents. Returns the number of events removed.
   */
  async dropDaysBefore(beforeDay: string): Promise<number> {
    let removed = 0;
    // A page of index documents at a time (each is deleted once its events
    // are), so an old backlog of millions of events is never held at once.
    for (;;) {
      const old = (await this.col
        .find({ _id: dayIndexesBefore(beforeDay) } as Document)
        .sort({ _id: 1 })
        .limit(100)
        .toArray()) as DayIndexDoc[];
      if (!old.length) break;
      for (const idx of old) {
        // A key may be listed under its own day and as the next day's
        // "first 30 s" under the day before: only remove it with its own day.
        const own = (await this.events(idx.keys)).filter((e) => e.day < beforeDay).map((e) => e._id);
        for (let i = 0; i < own.length; i += READ_CHUNK) {
          removed += (await this.col.deleteMany({ _id: { $in: own.slice(i, i + READ_CHUNK) } } as Document)).deletedCount;
        }
        await this.col.deleteOne({ _id: idx._id } as Document);
      }
    }
    return removed;
  }
}
