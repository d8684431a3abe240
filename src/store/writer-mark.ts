/**
 * The writer mark in `agg_state`: a random value each aggregator pass that
 * writes figures leaves behind. A mark other than the one a reader saw
 * means the figures changed since: the aggregator then rereads what it
 * kept in memory, and the dashboard's figure cache is stale.
 */
import type { Store } from './store';
import { WRITER_MARK_ID } from './storage-keys';

interface WriterMarkDoc {
  _id: string;
  mark: string;
}

/** The mark the last writer left; null before any pass wrote. */
export async function readWriterMark(store: Store): Promise<string | null> {
  const doc = await store.db.collection<WriterMarkDoc>('agg_state').findOne({ _id: WRITER_MARK_ID });
  return doc?.mark ?? null;
}

export async function writeWriterMark(store: Store, mark: string): Promise<void> {
  await store.db.collection<WriterMarkDoc>('agg_state').replaceOne({ _id: WRITER_MARK_ID }, { mark }, { upsert: true });
}
