import { MongoBulkWriteError, type Collection, type Document } from 'mongodb';
import type { LoggedEvent } from '../domain/logged-event';
import type { Store } from './store';
import { DUPLICATE_KEY } from './bulk';

/**
 * The event log: every accepted event, append-only, in one collection
 * (`event_log`) holding three kinds of document, told apart by `_id`:
 *
 * | `_id`                          | what |
 * | ------------------------------ | ---- |
 * | `${scope}\|${eventId}`         | the event ({@link LoggedEvent}); the unique `_id` makes a retry a duplicate |
 * | `~i\|${day}\|${flushId}`       | day index: the keys of the events one flush stored for that day |
 * | `~q\|${flushId}\|${day}`       | queue entry: that index is not yet aggregated |
 *
 * Why one collection: a flush is then **one** `insertMany` — the cheapest
 * write FerretDB has (an insert costs it a hundredth of an update) — and
 * acknowledging an event costs one inserted document plus two per flush.
 * Why `_id`-keyed everything: FerretDB (as patched here) answers `_id`
 * equality, `$in` and ranges from an index; every other filter scans. A
 * day's events are found through its index documents (an `_id` range), not
 * by a time field. Ids of events start with a letter or digit (ID_PATTERN),
 * so they never fall in the `~` ranges.
 */
export interface DayIndexDoc {
  _id: string;
  day: string;
  keys: string[];
}

export interface QueueDoc {
  _id: string;
  day: string;
  /** The day index document to aggregate. */
  index: string;
  /** When the flush was stored (absent on entries written before this field). */
  at?: Date;
}

type LogDoc = LoggedEvent | DayIndexDoc | QueueDoc;

export const INDEX_PREFIX = '~i|';
export const QUEUE_PREFIX = '~q|';

/** Keys per `$in` read (well below the 16 MiB reply limit for events). */
const READ_CHUNK = 5000;

/** Fields left out of a stored event when they hold their default. */
const NULL_FIELDS = ['portalId', 'userId', 'httpStatus', 'bytes', 'country', 'userAgent', 'url'] as const;

/**
 * The event as stored: fields at their default (null, no datasets, not
 * automated) are left out. Why: FerretDB's cost per inserted and per read
 * document grows with its field count (each document carries its own
 * schema); most events have no url, status, bytes or country.
 */
function stored(e: LoggedEvent): Document {
  const doc: Document = { ...e };
  for (const f of NULL_FIELDS) if (doc[f] === null) delete doc[f];
  if (e.datasetIds.length === 0) delete doc.datasetIds;
  if (!e.automated) delete doc.automated;
  return doc;
}

function restored(d: Document): LoggedEvent {
  const e = { ...d } as Record<string, unknown>;
  for (const f of NULL_FIELDS) if (e[f] === undefined) e[f] = null;
  e.datasetIds ??= [];
  e.automated ??= false;
  return e as unknown as LoggedEvent;
}

export function indexId(day: string, flushId: string): string {
  return `${INDEX_PREFIX}${day}|${flushId}`;
}

export function queueId(flushId: string, day: string): string {
  return `${QUEUE_PREFIX}${flushId}|${day}`;
}

export class EventLogRepository {
  private readonly col: Collection<LogDoc>;

  constructor(store: Store) {
    this.col = store.eventLog as unknown as Collection<LogDoc>;
  }

  /**
   * Stores a flush in one command: its queue entries and day indexes first
   * (so a crash part-way leaves an index pointing at nothing, never an event
   * no index points at), then the events. Returns the positions (in
   * `events`) whose `_id` already existed.
   */
  async append(events: readonly LoggedEvent[], indexes: readonly DayIndexDoc[], queue: readonly QueueDoc[]): Promise<Set<number>> {
    const head: LogDoc[] = [...queue, ...indexes];
    const docs: Document[] = [...head, ...events.map(stored)];
    const dup = new Set<number>();
    try {
      const r = await this.col.insertMany(docs as never[], { ordered: false });
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
      for (const d of await this.col.find({ _id: { $in: chunk } } as Document).batchSize(READ_CHUNK).toArray()) out.push(restored(d as Document));
    }
    return out;
  }

  /** Queue entries, oldest flush first. */
  async queue(limit: number): Promise<QueueDoc[]> {
    return (await this.col
      .find({ _id: { $gte: QUEUE_PREFIX, $lt: '~q}' } } as Document)
      .sort({ _id: 1 })
      .limit(limit)
      .toArray()) as QueueDoc[];
  }

  async removeQueue(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      await this.col.deleteMany({ _id: { $in: ids.slice(i, i + READ_CHUNK) } } as Document);
    }
  }

  async indexes(ids: readonly string[]): Promise<DayIndexDoc[]> {
    const out: DayIndexDoc[] = [];
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      out.push(...((await this.col.find({ _id: { $in: ids.slice(i, i + READ_CHUNK) } } as Document).toArray()) as DayIndexDoc[]));
    }
    return out;
  }

  /** Every index document of a day. */
  async dayIndexes(day: string): Promise<DayIndexDoc[]> {
    return (await this.col
      .find({ _id: { $gte: `${INDEX_PREFIX}${day}|`, $lt: `${INDEX_PREFIX}${day}}` } } as Document)
      .toArray()) as DayIndexDoc[];
  }

  /** The days that have events, from `sinceDay` on (inclusive), ascending. */
  async days(sinceDay = '0000-00-00'): Promise<string[]> {
    const days = new Set<string>();
    const cursor = this.col
      .find({ _id: { $gte: `${INDEX_PREFIX}${sinceDay}`, $lt: '~i}' } } as Document, { projection: { day: 1 } })
      .batchSize(10_000);
    for await (const d of cursor) days.add((d as DayIndexDoc).day);
    return [...days].sort();
  }

  /**
   * Drops days before `beforeDay` (retention): their events, then their
   * index documents. Returns the number of events removed.
   */
  async dropDaysBefore(beforeDay: string): Promise<number> {
    const old = (await this.col
      .find({ _id: { $gte: INDEX_PREFIX, $lt: `${INDEX_PREFIX}${beforeDay}` } } as Document)
      .toArray()) as DayIndexDoc[];
    let removed = 0;
    for (const idx of old) {
      // A key may be listed under its own day and as the next day's
      // "first 30 s" under the day before: only remove it with its own day.
      const own = (await this.events(idx.keys)).filter((e) => e.day < beforeDay).map((e) => e._id);
      for (let i = 0; i < own.length; i += READ_CHUNK) {
        removed += (await this.col.deleteMany({ _id: { $in: own.slice(i, i + READ_CHUNK) } } as Document)).deletedCount;
      }
      await this.col.deleteOne({ _id: idx._id } as Document);
    }
    return removed;
  }
}
