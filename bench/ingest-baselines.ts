import type { Store } from '../src/store/store';
import type { MixEvent } from '../test/support/event-mix';

/**
 * The physical floor of ingestion on this database: `insertMany` of the
 * same events, as plain documents, in batches of the same size, into a
 * scratch collection — no HTTP, GraphQL, validation, classification or
 * figures.
 */
export async function rawInsertMany(store: Store, events: MixEvent[], batch: number): Promise<void> {
  const col = store.db.collection<{ _id: string }>('raw_events');
  for (let i = 0; i < events.length; i += batch) {
    await col.insertMany(
      events.slice(i, i + batch).map((e) => ({ ...e, _id: `raw|${e.eventId}`, t: new Date(e.timestamp), receivedAt: new Date() })),
      { ordered: false },
    );
  }
}

/** What the first design did per event: one awaited upsert per counter (4 per event). */
export async function naiveUpserts(store: Store, events: MixEvent[]): Promise<void> {
  for (const e of events) {
    const day = e.timestamp.slice(0, 10);
    const key = `${e.resourceType}:${e.resourceId}`;
    const inc = { $inc: { [e.action]: 1 } };
    await store.usageTotals.updateOne({ _id: key }, inc, { upsert: true });
    await store.usageDaily.updateOne({ _id: `${e.resourceType}|${day}|${e.resourceId}` }, inc, { upsert: true });
    if (e.userId) {
      await store.usageByUser.updateOne({ _id: `${e.userId}|${key}` }, inc, { upsert: true });
      await store.usageByUserDaily.updateOne({ _id: `${e.resourceType}|${day}|${e.userId}|${e.resourceId}` }, inc, { upsert: true });
    }
  }
}
