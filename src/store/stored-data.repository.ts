import type { Db, Document, Filter } from 'mongodb';
import { eventLogRanges } from './storage-keys';

/** A collection and a sample of its documents. */
export interface CollectionSample {
  name: string;
  /** Every document of the collection (countDocuments). */
  documents: number;
  sample: Document[];
}

/**
 * `_id` ranges of the event log sampled apart: events (`scope|eventId`,
 * below `~`), then each bookkeeping kind (store/storage-keys.ts),
 * then anything else after `~` so a kind added later is still seen.
 */
const EVENT_LOG_RANGES: Filter<{ _id: string }>[] = eventLogRanges().map((range) => ({ _id: range }));

/**
 * Samples every collection of the database, for the stored-data inventory
 * (src/privacy/field-inventory.ts): the first and the last `perEnd`
 * documents by `_id` of each collection, and of each range of the event
 * log. Ordered `_id` reads are bounded index reads, so the cost does not
 * grow with the log; the ends of the day-index range are its oldest and
 * newest days.
 */
export class StoredDataRepository {
  constructor(private readonly db: Db) {}

  async sample(perEnd: number): Promise<CollectionSample[]> {
    const names = (await this.db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => !n.startsWith('system.'))
      .sort();
    const out: CollectionSample[] = [];
    for (const name of names) {
      const coll = this.db.collection<{ _id: string }>(name);
      const sample: Document[] = [];
      const seen = new Set<string>();
      for (const filter of name === 'event_log' ? EVENT_LOG_RANGES : [{} as Filter<{ _id: string }>]) {
        for (const dir of [1, -1] as const) {
          for (const doc of await coll.find(filter).sort({ _id: dir }).limit(perEnd).toArray()) {
            const key = String(doc._id);
            if (!seen.has(key)) sample.push(doc);
            seen.add(key);
          }
        }
      }
      out.push({ name, documents: await coll.countDocuments({}), sample });
    }
    return out;
  }
}
