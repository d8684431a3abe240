import type { AnyBulkWriteOperation, Collection, Document, Filter } from 'mongodb';
import type { Store } from './store';
import type { BatchEvent, EventDoc, PendingBatchDoc } from './documents-ingest';
import type { CounterDeltas, CounterUpdate } from '../ingest/counter-deltas';
import { COUNTER_FIELDS } from '../domain/counters';
import { DbLock } from './db-lock';
import { findIn } from './find-in';
import { bulkWriteTolerant, insertManyIgnoringDuplicates, UPDATE_CHUNK } from './bulk';

/**
 * How many applied batch ids each counter document remembers, so a replay
 * can tell which counters a half-written batch already reached.
 */
export const BATCH_MARKS = 32;

/** Concurrent point reads in flight (keeps FerretDB's SQLite pool healthy). */
const POINT_READ_CONCURRENCY = 4;

/**
 * Reads documents one `_id` at a time. FerretDB 1.24 on SQLite turns only a
 * filter of exactly `{_id: value}` into an indexed lookup; `$in` scans the
 * whole collection, which hot, growing collections cannot afford.
 */
export async function pointReads<T extends { _id: string }>(
  col: Collection<T>,
  ids: readonly string[],
  projection?: Document,
): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++];
      const doc = await col.findOne({ _id: id } as unknown as Filter<T>, projection ? { projection } : {});
      if (doc) out.push(doc as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(POINT_READ_CONCURRENCY, ids.length) }, worker));
  return out;
}

/** Database side of ingestion: dedup records, pending batches, counting state, counters. */
export class IngestRepository {
  constructor(private readonly store: Store) {}

  async loadDecisionState(
    clickKeys: readonly string[],
    markKeys: readonly string[],
  ): Promise<{ lastClicks: Map<string, Date>; existingMarks: Set<string> }> {
    // One `$in` query per collection: an index lookup on MongoDB, a scan of
    // these small, pruned collections on FerretDB (far cheaper there than
    // hundreds of point reads).
    const clicks = await findIn(this.store.clickState, '_id', clickKeys);
    const marks = await findIn(this.store.sessionMarks, '_id', markKeys, { projection: { _id: 1 } });
    return {
      lastClicks: new Map(clicks.map((c) => [c._id, c.lastAt])),
      existingMarks: new Set(marks.map((m) => m._id)),
    };
  }

  lock(name: string, owner: string, leaseMs: number): DbLock {
    return new DbLock(this.store.locks, name, owner, leaseMs);
  }

  /** Records the batch (and its lease) before any of its effects. */
  async openBatch(batch: PendingBatchDoc): Promise<void> {
    await this.store.pendingBatches.insertOne(batch);
  }

  /** Extends the lease; false when another instance has taken the batch over. */
  async renewLease(batchId: string, owner: string, until: Date): Promise<boolean> {
    const r = await this.store.pendingBatches.updateOne({ _id: batchId, owner }, { $set: { leaseUntil: until } });
    return r.matchedCount === 1;
  }

  /** Takes over a batch whose lease expired; null when someone else holds it. */
  async claimExpired(batchId: string, owner: string, now: Date, until: Date): Promise<PendingBatchDoc | null> {
    const r = await this.store.pendingBatches.updateOne(
      { _id: batchId, leaseUntil: { $lt: now } },
      { $set: { owner, leaseUntil: until } },
    );
    if (r.matchedCount !== 1) return null;
    return this.store.pendingBatches.findOne({ _id: batchId });
  }

  /** Gives a failed batch up at once, so any instance may replay it. */
  async releaseLease(batchId: string, owner: string): Promise<void> {
    await this.store.pendingBatches.updateOne({ _id: batchId, owner }, { $set: { leaseUntil: new Date(0) } });
  }

  async closeBatch(batchId: string): Promise<void> {
    await this.store.pendingBatches.deleteOne({ _id: batchId });
  }

  async isBatchOpen(batchId: string): Promise<PendingBatchDoc | null> {
    return this.store.pendingBatches.findOne({ _id: batchId }, { projection: { events: 0 } });
  }

  /** Batches whose lease expired before `now`. */
  async expiredBatchIds(now: Date): Promise<string[]> {
    const docs = await this.store.pendingBatches.find({ leaseUntil: { $lt: now } }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }

  /** Inserts dedup records; returns the indexes whose eventId already existed. */
  insertEvents(docs: EventDoc[]): Promise<Set<number>> {
    return insertManyIgnoringDuplicates(this.store.events, docs);
  }

  findEvents(ids: readonly string[]): Promise<EventDoc[]> {
    return pointReads(this.store.events, ids);
  }

  /**
   * Writes the COUNTER state a batch implies. Click keys not in `existing`
   * are inserted (an insert costs FerretDB a fraction of an update); a key
   * that turns out to exist, and every key of `existing`, gets a `$max`
   * update. Pass `existing = null` when unknown (replays): all keys update.
   */
  async writeDecisionState(
    clickUpdates: ReadonlyMap<string, Date>,
    newMarks: readonly string[],
    now: Date,
    existing: ReadonlySet<string> | null = null,
  ): Promise<void> {
    const entries = [...clickUpdates];
    const toInsert = existing ? entries.filter(([id]) => !existing.has(id)) : [];
    let toUpdate = existing ? entries.filter(([id]) => existing.has(id)) : entries;
    if (toInsert.length) {
      const dup = await insertManyIgnoringDuplicates(
        this.store.clickState,
        toInsert.map(([id, lastAt]) => ({ _id: id, lastAt })),
      );
      toUpdate = toUpdate.concat(toInsert.filter((_, i) => dup.has(i)));
    }
    const ops: AnyBulkWriteOperation<Document>[] = toUpdate.map(([id, at]) => ({
      updateOne: { filter: { _id: id } as Document, update: { $max: { lastAt: at } }, upsert: true },
    }));
    await bulkWriteTolerant(this.store.clickState as unknown as Collection<Document>, ops);
    await insertManyIgnoringDuplicates(
      this.store.sessionMarks,
      newMarks.map((id) => ({ _id: id, createdAt: now })),
    );
  }

  private updateFor(batchId: string, u: CounterUpdate): AnyBulkWriteOperation<Document> {
    const inc: Record<string, number> = {};
    for (const f of COUNTER_FIELDS) if (u.inc[f] !== 0) inc[f] = u.inc[f];
    const update: Document = {
      $setOnInsert: u.identity,
      $push: { batches: { $each: [batchId], $slice: -BATCH_MARKS } },
    };
    if (Object.keys(inc).length) update.$inc = inc;
    if (Object.keys(u.max).length) update.$max = u.max;
    return { updateOne: { filter: { _id: u._id } as Document, update, upsert: true } };
  }

  private targets(deltas: CounterDeltas): [Collection<Document>, CounterUpdate[]][] {
    return [
      [this.store.usageTotals as unknown as Collection<Document>, deltas.totals],
      [this.store.usageByUser as unknown as Collection<Document>, deltas.byUser],
      [this.store.usageDaily as unknown as Collection<Document>, deltas.daily],
      [this.store.usageByUserDaily as unknown as Collection<Document>, deltas.userDaily],
    ];
  }

  /**
   * Applies merged increments (filters are `{_id}` only, so every write is
   * an indexed point update). `beforeChunk` runs before each command and
   * may abort by throwing (lost lease).
   */
  async applyCounters(batchId: string, deltas: CounterDeltas, beforeChunk: () => Promise<void>): Promise<void> {
    for (const [col, updates] of this.targets(deltas)) {
      for (let i = 0; i < updates.length; i += UPDATE_CHUNK) {
        await beforeChunk();
        await bulkWriteTolerant(col, updates.slice(i, i + UPDATE_CHUNK).map((u) => this.updateFor(batchId, u)));
      }
    }
  }

  /** Replay: only the counters that do not carry the batch's mark yet. */
  async applyMissingCounters(batchId: string, deltas: CounterDeltas, beforeChunk: () => Promise<void>): Promise<void> {
    const missing: CounterDeltas = { totals: [], byUser: [], daily: [], userDaily: [] };
    const keys = ['totals', 'byUser', 'daily', 'userDaily'] as const;
    const targets = this.targets(deltas);
    for (let t = 0; t < keys.length; t++) {
      const [col, updates] = targets[t];
      const docs = await pointReads(col as unknown as Collection<{ _id: string; batches?: string[] }>, updates.map((u) => u._id), {
        batches: 1,
      });
      const done = new Set(docs.filter((d) => d.batches?.includes(batchId)).map((d) => d._id));
      missing[keys[t]] = updates.filter((u) => !done.has(u._id));
    }
    await this.applyCounters(batchId, missing, beforeChunk);
  }

  /** Bounded retention without TTL indexes (FerretDB has none). */
  async prune(now: Date, retentionDays: number): Promise<{ events: number }> {
    const eventsBefore = new Date(now.getTime() - retentionDays * 86_400_000);
    const twoDaysAgo = new Date(now.getTime() - 2 * 86_400_000);
    const ev = await this.store.events.deleteMany({ receivedAt: { $lt: eventsBefore } });
    await this.store.sessionMarks.deleteMany({ createdAt: { $lt: twoDaysAgo } });
    await this.store.clickState.deleteMany({ lastAt: { $lt: twoDaysAgo } });
    return { events: ev.deletedCount };
  }
}

export type { BatchEvent };
