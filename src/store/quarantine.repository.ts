import { MongoBulkWriteError, type Collection, type Document } from 'mongodb';
import type { Store } from './store';
import { DUPLICATE_KEY } from './bulk';
import { keyOfQuarantineId, quarantineRange, quarantineRangeAfter } from './storage-keys';

/**
 * Quarantined events: stored events the aggregator cannot count (unknown
 * action or resource type, an id that is no id, …; see
 * src/aggregate/stored-event-check.ts), one record each, in the event log
 * collection under `~x|${eventKey}` (storage-keys.ts).
 *
 * Why there: a record is then an insert into a collection that exists on
 * every deployment (FerretDB: an insert costs a hundredth of an update),
 * and the `_id` makes quarantining the same event twice one record (the
 * second insert is a duplicate key, ignored). The `~x|` range lies outside
 * the events (their ids start with a letter or digit), the day indexes
 * (`~i|`) and the queue (`~q|`), so nothing that reads those sees it.
 * The event itself stays in the log as it was (the source of truth; an
 * operator may fix or delete it and `recount` the day).
 */
export interface QuarantineRecord {
  /** `~x|${eventKey}`. */
  _id: string;
  /** The `_id` of the event in the log. */
  eventKey: string;
  /** Stable error code (src/errors/error-codes.ts). */
  code: string;
  reason: string;
  /** When it was first quarantined. */
  at: Date;
  /** The stored event as JSON, cut to {@link MAX_RAW} characters (to see what to fix). */
  raw: string;
}

/** Longest `raw` kept, characters. */
export const MAX_RAW = 4096;

export class QuarantineRepository {
  private readonly col: Collection<QuarantineRecord>;

  constructor(store: Store) {
    this.col = store.eventLog as unknown as Collection<QuarantineRecord>;
  }

  /** Stores records; records already stored (same event) are left as they are. */
  async add(records: readonly QuarantineRecord[]): Promise<void> {
    if (!records.length) return;
    try {
      await this.col.insertMany(records as QuarantineRecord[], { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      if (err.writeConcernError || errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
    }
  }

  /** Records in event-key order, from after `afterKey`, at most `limit`. */
  async list(limit: number, afterKey = ''): Promise<QuarantineRecord[]> {
    return this.col
      .find({ _id: quarantineRangeAfter(afterKey) } as Document)
      .sort({ _id: 1 })
      .limit(limit)
      .toArray() as Promise<QuarantineRecord[]>;
  }

  async count(): Promise<number> {
    return this.col.countDocuments({ _id: quarantineRange() } as Document);
  }
}

/**
 * Retention of quarantine records (src/maintenance.ts): a record copies its
 * event (`raw`), so it goes when the event does — when its event is no
 * longer in the log (dropped by retention, fixed or deleted by hand) or when
 * it is older than `before`. Read a page of records at a time. Returns the
 * records removed.
 */
export async function dropQuarantineRecords(store: Store, before: Date): Promise<number> {
  const col = store.eventLog as unknown as Collection<QuarantineRecord>;
  let removed = 0;
  let afterKey = '';
  for (;;) {
    const page = (await col
      .find({ _id: quarantineRangeAfter(afterKey) } as Document, { projection: { eventKey: 1, at: 1 } })
      .sort({ _id: 1 })
      .limit(1000)
      .toArray()) as Pick<QuarantineRecord, '_id' | 'eventKey' | 'at'>[];
    if (!page.length) return removed;
    afterKey = keyOfQuarantineId(page[page.length - 1]._id);
    const alive = new Set(
      (await col.find({ _id: { $in: page.map((r) => r.eventKey) } } as Document, { projection: { _id: 1 } }).toArray()).map((d) => d._id as string),
    );
    const gone = page.filter((r) => !alive.has(r.eventKey) || !(r.at instanceof Date) || r.at < before).map((r) => r._id);
    if (gone.length) removed += (await col.deleteMany({ _id: { $in: gone } } as Document)).deletedCount;
  }
}
