/**
 * What erasure and access requests (src/privacy/erasure.service.ts) read and
 * change in storage: one end user's events in the event log, every trace
 * of them the log keeps (day-index entries, quarantine records), and the
 * all-time totals of the resources their removal changes.
 *
 * Why scans: the event log answers only `_id` lookups from an index
 * (event-log.repository.ts); neither the user id nor the keys are indexed,
 * and indexing them for a rare request would cost every insert. A request
 * reads the log once, with a projection, restricted to one sender's `_id`
 * range when it names the sender.
 */
import { Long, type Collection, type Document } from 'mongodb';
import { COUNTER_FIELDS, countersOf, type Counters } from '../domain/counters';
import type { LoggedEvent } from '../domain/logged-event';
import type { ResourceType } from '../domain/resources';
import type { Store } from './store';
import { READ_CHUNK, queueItems } from './event-log.repository';
import type { DayIndexDoc, QueueDoc } from './event-log.documents';
import { dayIndexRange, eventRange, quarantineId, queueRange, totalsId, userTotalsId } from './storage-keys';

/** The fields of a stored event erasure needs to find it, recount it and match a cookie against it. */
export type EventTrace = Pick<LoggedEvent, '_id' | 't' | 'resourceType' | 'resourceId' | 'action' | 'datasetIds' | 'userId' | 'url' | 'ck' | 'sk'> & {
  ckp?: string | null;
};

/** A figure target whose totals erasure recomputes. */
export interface TotalsTarget {
  resourceType: ResourceType;
  resourceId: string;
  /** Set for per-user totals. */
  userId: string | null;
}

/** All-time figures of a target as stored (zeros and nulls when it has none). */
export interface StoredTotals extends TotalsTarget {
  counters: Counters;
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
  lastApiCallAt: Date | null;
}

const TRACE_PROJECTION = { _id: 1, t: 1, resourceType: 1, resourceId: 1, action: 1, datasetIds: 1, userId: 1, url: 1, ck: 1, sk: 1, ckp: 1 } as const;
const LAST_FIELDS = ['lastViewedAt', 'lastDownloadedAt', 'lastApiCallAt'] as const;

function trace(d: Doc): EventTrace {
  return {
    _id: d._id as string,
    t: d.t as Date,
    resourceType: d.resourceType as ResourceType,
    resourceId: d.resourceId as string,
    action: d.action as LoggedEvent['action'],
    datasetIds: (d.datasetIds as string[] | undefined) ?? [],
    userId: (d.userId as string | undefined) ?? null,
    url: (d.url as string | undefined) ?? null,
    ck: d.ck as string,
    sk: d.sk as string,
    ckp: (d.ckp as string | undefined) ?? null,
  };
}

/** A document of a collection whose `_id`s are strings (every collection here). */
type Doc = { _id: string; [field: string]: unknown };

export class ErasureRepository {
  private readonly log: Collection<Doc>;

  constructor(private readonly store: Store) {
    this.log = store.eventLog as unknown as Collection<Doc>;
  }

  /** The events whose end user is `userId`, sent by `scope` (null: by any sender). */
  async eventsOfUser(userId: string, scope: string | null): Promise<EventTrace[]> {
    const out: EventTrace[] = [];
    const cursor = this.log.find({ _id: eventRange(scope), userId }, { projection: TRACE_PROJECTION }).batchSize(5000);
    for await (const d of cursor) out.push(trace(d));
    return out;
  }

  /**
   * Every event without a user id, sent by `scope` (null: by any sender):
   * the only ones whose keys a user cookie can have made (a user id takes
   * precedence over the cookie in both keys, src/counting/identity.ts).
   */
  async *eventsWithoutUser(scope: string | null): AsyncGenerator<EventTrace> {
    const cursor = this.log.find({ _id: eventRange(scope), userId: null }, { projection: TRACE_PROJECTION }).batchSize(5000);
    try {
      for await (const d of cursor) yield trace(d);
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  /** Whether any event of `scope` is stored (a sender whose account was deleted still has its events). */
  async hasEventsOf(scope: string): Promise<boolean> {
    return (await this.log.findOne({ _id: eventRange(scope) }, { projection: { _id: 1 } })) !== null;
  }

  async userExists(id: string): Promise<boolean> {
    return (await this.store.users.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  /**
   * The identity secrets of the days that still have one (src/counting/identity.ts
   * `hashKey`; written and destroyed by the identity-secret repository),
   * read only: erasure must never create a secret for a past day.
   */
  async daySecrets(): Promise<Map<string, Buffer>> {
    const docs = await this.store.db.collection<{ _id: string; secret: string }>('identity_secrets').find({}).toArray();
    return new Map(docs.map((d) => [d._id, Buffer.from(d.secret, 'base64url')]));
  }

  /** How many of `keys` a day index still waiting in the aggregation queue lists. */
  async queuedAmong(keys: ReadonlySet<string>): Promise<number> {
    const queue = (await this.log.find({ _id: queueRange() }).toArray()) as unknown as QueueDoc[];
    const indexIds = queue.flatMap(queueItems).map((q) => q.index);
    let n = 0;
    for (let i = 0; i < indexIds.length; i += READ_CHUNK) {
      for (const d of await this.log.find({ _id: { $in: indexIds.slice(i, i + READ_CHUNK) } }).toArray()) {
        for (const k of (d as unknown as DayIndexDoc).keys) if (keys.has(k)) n++;
      }
    }
    return n;
  }

  /**
   * Removes events and every trace of them in the log: the events first
   * (the personal data goes before anything else), then their entries in
   * the day indexes (an index emptied is deleted), then their quarantine
   * records (which hold a copy). Each event comes with the days whose index
   * documents list it (`indexDaysOf`, src/ingest/day-index.ts). Returns the
   * events removed and the days whose indexes listed them: the days to recount.
   *
   * A crash between the steps leaves index entries naming deleted events,
   * which every reader skips (StoredEventReader, retention, the export).
   */
  async removeEvents(events: readonly { _id: string; indexDays: readonly string[] }[]): Promise<{ removed: number; days: string[] }> {
    const keys = events.map((e) => e._id);
    let removed = 0;
    for (let i = 0; i < keys.length; i += READ_CHUNK) {
      removed += (await this.log.deleteMany({ _id: { $in: keys.slice(i, i + READ_CHUNK) } })).deletedCount;
    }
    const byDay = new Map<string, Set<string>>();
    for (const e of events) {
      for (const day of e.indexDays) {
        if (!byDay.has(day)) byDay.set(day, new Set());
        byDay.get(day)!.add(e._id);
      }
    }
    const days: string[] = [];
    for (const [day, gone] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
      if (await this.dropFromDayIndexes(day, gone)) days.push(day);
    }
    const quarantined = keys.map(quarantineId);
    for (let i = 0; i < quarantined.length; i += READ_CHUNK) {
      await this.log.deleteMany({ _id: { $in: quarantined.slice(i, i + READ_CHUNK) } });
    }
    return { removed, days };
  }

  /** Removes `gone` from a day's index documents; true when any listed one. */
  private async dropFromDayIndexes(day: string, gone: ReadonlySet<string>): Promise<boolean> {
    // Read the day's indexes whole (a page at a time) and filter here: a
    // `keys: {$in}` filter would be checked against every index in Go anyway.
    const touched: DayIndexDoc[] = [];
    const cursor = this.log.find({ _id: dayIndexRange(day, day) }).batchSize(200);
    for await (const d of cursor) {
      const idx = d as unknown as DayIndexDoc;
      if (idx.keys.some((k) => gone.has(k))) touched.push(idx);
    }
    for (const idx of touched) {
      const keys = idx.keys.filter((k) => !gone.has(k));
      if (keys.length === 0) await this.log.deleteOne({ _id: idx._id });
      else await this.log.updateOne({ _id: idx._id }, { $set: { keys } });
    }
    return touched.length > 0;
  }

  /** The stored all-time figures of `targets` (zeros for a target with none). */
  async totals(targets: readonly TotalsTarget[]): Promise<StoredTotals[]> {
    const ids = targets.map(targetTotalsId);
    const found = new Map<string, Doc>();
    for (const col of [this.store.usageTotals, this.store.usageByUser] as unknown as Collection<Doc>[]) {
      for (let i = 0; i < ids.length; i += READ_CHUNK) {
        for (const d of await col.find({ _id: { $in: ids.slice(i, i + READ_CHUNK) } }).toArray()) found.set(`${col.collectionName}\u0000${String(d._id)}`, d);
      }
    }
    return targets.map((t, i) => {
      const d = found.get(`${(t.userId === null ? this.store.usageTotals : this.store.usageByUser).collectionName}\u0000${ids[i]}`) ?? null;
      return {
        ...t,
        counters: countersOf(d),
        lastViewedAt: (d?.lastViewedAt as Date | undefined) ?? null,
        lastDownloadedAt: (d?.lastDownloadedAt as Date | undefined) ?? null,
        lastApiCallAt: (d?.lastApiCallAt as Date | undefined) ?? null,
      };
    });
  }

  /**
   * Sets the all-time totals of `targets` to the sum of their day documents,
   * as a rebuild would (a target with no day left has no totals document).
   * Why: a recount moves totals by the difference of each day, which gets
   * the counters right but cannot lower a `last…At` the removed events had
   * set, nor drop a per-user totals document left at zero. Call holding the
   * aggregation lock (Aggregator.recount's `finish`): an aggregation pass
   * between the read and the write would be overwritten.
   */
  async resetTotals(targets: readonly TotalsTarget[]): Promise<void> {
    const sums = await this.sumDays(targets);
    for (const t of targets) {
      const user = t.userId !== null;
      const col = (user ? this.store.usageByUser : this.store.usageTotals) as unknown as Collection<Doc>;
      const id = targetTotalsId(t);
      const sum = sums.get(id);
      if (!sum) {
        await col.deleteOne({ _id: id });
        continue;
      }
      const set: Document = { resourceType: t.resourceType, resourceId: t.resourceId };
      if (user) set.userId = t.userId;
      const unset: Document = {};
      for (const k of COUNTER_FIELDS) {
        if (sum.counters[k] !== 0) set[k] = Long.fromNumber(sum.counters[k]);
        else unset[k] = '';
      }
      for (const k of LAST_FIELDS) {
        if (sum[k]) set[k] = sum[k];
        else unset[k] = '';
      }
      await col.updateOne({ _id: id }, Object.keys(unset).length ? { $set: set, $unset: unset } : { $set: set }, { upsert: true });
    }
  }

  /** Sums of the day documents of `targets`, by totals id (absent: no day document). */
  private async sumDays(targets: readonly TotalsTarget[]): Promise<Map<string, Omit<StoredTotals, keyof TotalsTarget>>> {
    const out = new Map<string, Omit<StoredTotals, keyof TotalsTarget>>();
    const wanted = new Set(targets.map(targetTotalsId));
    const groups = new Map<string, { user: boolean; filter: Document }>();
    for (const t of targets) {
      const k = `${t.userId === null ? '' : 'u'}\u0000${t.resourceType}`;
      if (!groups.has(k)) {
        const filter: Document = { resourceType: t.resourceType, resourceId: { $in: [] as string[] } };
        if (t.userId !== null) filter.userId = { $in: [] as string[] };
        groups.set(k, { user: t.userId !== null, filter });
      }
      const f = groups.get(k)!.filter;
      if (!f.resourceId.$in.includes(t.resourceId)) f.resourceId.$in.push(t.resourceId);
      if (t.userId !== null && !f.userId.$in.includes(t.userId)) f.userId.$in.push(t.userId);
    }
    for (const { user, filter } of groups.values()) {
      const col = (user ? this.store.usageByUserDaily : this.store.usageDaily) as unknown as Collection<Doc>;
      for await (const d of col.find(filter).batchSize(10_000)) {
        const id = targetTotalsId({ resourceType: d.resourceType as ResourceType, resourceId: d.resourceId as string, userId: user ? (d.userId as string) : null });
        if (!wanted.has(id)) continue;
        let s = out.get(id);
        if (!s) {
          s = { counters: countersOf(null), lastViewedAt: null, lastDownloadedAt: null, lastApiCallAt: null };
          out.set(id, s);
        }
        const c = countersOf(d);
        for (const k of COUNTER_FIELDS) s.counters[k] += c[k];
        for (const k of LAST_FIELDS) {
          const v = d[k] as Date | undefined;
          if (v && (!s[k] || s[k]! < v)) s[k] = v;
        }
      }
    }
    return out;
  }
}

function targetTotalsId(t: TotalsTarget): string {
  return t.userId === null ? totalsId(t.resourceType, t.resourceId) : userTotalsId(t.resourceType, t.resourceId, t.userId);
}
