import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { Store } from '../src/store/store';
import { counterDeltas, utcDay, eventIncrements, type CountableEvent } from '../src/ingest/counter-deltas';
import { COUNTER_FIELDS } from '../src/domain/counters';
import { resourceKey } from '../src/domain/resources';
import { UPDATE_CHUNK } from '../src/store/bulk';

/**
 * The raw-driver baseline: what the gateway's writes cost without HTTP,
 * GraphQL, validation or COUNTER state — dedup records inserted, then the
 * merged `$inc` upserts of totals, per-user, per-day and per-user-per-day
 * counters, in the
 * command size the embedded database tolerates.
 */
export async function rawDriverIngest(store: Store, events: (CountableEvent & { eventId: string })[]): Promise<void> {
  await store.events.insertMany(
    events.map((e) => ({
      _id: e.eventId, batchId: 'raw', receivedAt: new Date(), timestamp: e.timestamp, resourceType: e.resourceType,
      resourceId: e.resourceId, action: e.action, userId: e.userId, trafficClass: e.trafficClass, counted: true,
      uniqueInvestigation: false, uniqueRequest: false,
    })),
    { ordered: false },
  );
  const deltas = counterDeltas(events);
  for (const [col, updates] of [
    [store.usageTotals, deltas.totals],
    [store.usageByUser, deltas.byUser],
    [store.usageDaily, deltas.daily],
    [store.usageByUserDaily, deltas.userDaily],
  ] as const) {
    const ops: AnyBulkWriteOperation<Document>[] = updates.map((u) => {
      const inc: Record<string, number> = {};
      for (const f of COUNTER_FIELDS) if (u.inc[f]) inc[f] = u.inc[f];
      return { updateOne: { filter: { _id: u._id } as Document, update: { $inc: inc, $setOnInsert: u.identity, ...(Object.keys(u.max).length ? { $max: u.max } : {}) }, upsert: true } };
    });
    for (let i = 0; i < ops.length; i += UPDATE_CHUNK) {
      await (col as unknown as import('mongodb').Collection<Document>).bulkWrite(ops.slice(i, i + UPDATE_CHUNK), { ordered: true });
    }
  }
}

/** The naive implementation: one awaited write per counter per event. */
export async function naiveIngest(store: Store, events: (CountableEvent & { eventId: string })[]): Promise<void> {
  for (const e of events) {
    await store.events.insertOne({
      _id: e.eventId, batchId: 'naive', receivedAt: new Date(), timestamp: e.timestamp, resourceType: e.resourceType,
      resourceId: e.resourceId, action: e.action, userId: e.userId, trafficClass: e.trafficClass, counted: true,
      uniqueInvestigation: false, uniqueRequest: false,
    });
    const inc = eventIncrements(e) as Record<string, number>;
    const rk = resourceKey(e.resourceType, e.resourceId);
    await store.usageTotals.updateOne({ _id: rk }, { $inc: inc, $setOnInsert: { resourceType: e.resourceType, resourceId: e.resourceId } }, { upsert: true });
    await store.usageDaily.updateOne(
      { _id: `${rk}|${utcDay(e.timestamp)}` },
      { $inc: inc, $setOnInsert: { resourceType: e.resourceType, resourceId: e.resourceId, day: utcDay(e.timestamp) } },
      { upsert: true },
    );
    if (e.userId && e.trafficClass === 'regular') {
      await store.usageByUser.updateOne(
        { _id: `${e.userId}|${rk}` },
        { $inc: inc, $setOnInsert: { resourceType: e.resourceType, resourceId: e.resourceId, userId: e.userId } },
        { upsert: true },
      );
      const day = utcDay(e.timestamp);
      await store.usageByUserDaily.updateOne(
        { _id: `${e.userId}|${rk}|${day}` },
        { $inc: inc, $setOnInsert: { resourceType: e.resourceType, resourceId: e.resourceId, userId: e.userId, day } },
        { upsert: true },
      );
    }
  }
}
