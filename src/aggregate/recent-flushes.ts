import type { LoggedEvent } from '../domain/logged-event';
import type { DayIndexDoc } from '../store/event-log.documents';

/**
 * The flushes this process stored and its aggregator has not aggregated
 * yet, kept in memory so the aggregator does not read them back.
 *
 * Why: on FerretDB reading a stored event back costs ~120 µs of database
 * CPU, twice what inserting it cost, and the aggregator reads every event
 * once. When the instance that stored a flush also holds the aggregation
 * lock (one instance, or the busiest of several) the events it stored are
 * exactly these objects: they were acknowledged only once the database
 * said every one of them was inserted.
 *
 * Only what the flush itself inserted is kept: a key the flush found
 * already stored (a retry, a conflict) is read from the log as before.
 * Bounded: beyond `maxEvents` the oldest flushes are dropped (another
 * instance aggregates them, or the aggregator fell behind) and read from
 * the database when their turn comes.
 */
export class RecentFlushes {
  private readonly flushes = new Map<string, { indexIds: string[]; keys: string[] }>();
  private readonly events = new Map<string, LoggedEvent>();
  private readonly indexes = new Map<string, DayIndexDoc>();

  /** @param maxEvents Events kept at most (~1 KB each). */
  constructor(private readonly maxEvents: number) {}

  /** A flush was stored: `inserted` are the events it inserted (not those found already stored). */
  add(queueId: string, indexes: readonly DayIndexDoc[], inserted: readonly LoggedEvent[]): void {
    if (this.maxEvents <= 0) return;
    for (const i of indexes) this.indexes.set(i._id, i);
    for (const e of inserted) this.events.set(e._id, e);
    this.flushes.set(queueId, { indexIds: indexes.map((i) => i._id), keys: inserted.map((e) => e._id) });
    while (this.events.size > this.maxEvents && this.flushes.size > 0) {
      this.forget([this.flushes.keys().next().value!]);
    }
  }

  index(id: string): DayIndexDoc | undefined {
    return this.indexes.get(id);
  }

  event(key: string): LoggedEvent | undefined {
    return this.events.get(key);
  }

  /** Events by key: those kept here, the others through `read` (the log). */
  eventsOr(keys: readonly string[], read: (missing: string[]) => Promise<LoggedEvent[]>): Promise<LoggedEvent[]> {
    return keptOr(keys, this.events, read);
  }

  /** Day index documents by id: those kept here, the others through `read` (the log). */
  indexesOr(ids: readonly string[], read: (missing: string[]) => Promise<DayIndexDoc[]>): Promise<DayIndexDoc[]> {
    return keptOr(ids, this.indexes, read);
  }

  /** The flushes of these queue entries are aggregated (or no longer ours to keep). */
  forget(queueIds: Iterable<string>): void {
    for (const q of queueIds) {
      const f = this.flushes.get(q);
      if (!f) continue;
      this.flushes.delete(q);
      for (const i of f.indexIds) this.indexes.delete(i);
      for (const k of f.keys) this.events.delete(k);
    }
  }

  get size(): number {
    return this.events.size;
  }
}

/**
 * Kept values first, then the others through `read`. Why a loop and not
 * `out.push(...read)`: spreading an array passes every element as an
 * argument, and beyond ~125,000 of them V8 overflows the stack — a day
 * index read after a restart (nothing kept) reached that on a busy day and
 * stopped every aggregation pass for good.
 */
async function keptOr<T>(keys: readonly string[], kept: ReadonlyMap<string, T>, read: (missing: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  const missing: string[] = [];
  for (const k of keys) {
    const v = kept.get(k);
    if (v) out.push(v);
    else missing.push(k);
  }
  if (missing.length) for (const v of await read(missing)) out.push(v);
  return out;
}
