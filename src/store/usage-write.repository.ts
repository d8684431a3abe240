import { Long, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { COUNTER_FIELDS, type Counters, type CountryCounts } from '../domain/counters';
import { countryMoves, dropZeroCountries, wideCountries } from './country-totals';
import type { ResourceType } from '../domain/resources';
import type { Store } from './store';
import { bulkWriteTolerant, insertManyIgnoringDuplicates } from './bulk';

/**
 * Writes the figures derived from the event log: day documents (replaced
 * whole) and all-time totals (moved by the difference). Only the aggregator
 * calls this, holding the aggregation lock, so writes never race.
 *
 * Crash safety: each step is journaled first (`agg_journal`), and a journal
 * left behind is replayed before anything else is written. Replacing a day
 * document is idempotent; a totals increment carries the step's id in the
 * document's `batches` list and a replay skips documents that have it.
 */

/** Figures of one target on one day, as stored. */
export interface DayFigures {
  resourceType: ResourceType;
  resourceId: string;
  userId: string | null;
  day: string;
  counters: Counters;
  countries: Record<string, CountryCounts> | null;
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
  lastApiCallAt: Date | null;
}

interface TotalsStep {
  /** `usage_totals` or `usage_by_user`. */
  col: 'totals' | 'byUser';
  _id: string;
  identity: Record<string, string>;
  inc: Partial<Counters>;
  /** Per-country moves (`{ FR: { ti: 1 } }`; no dotted keys: the step is stored); resources only. */
  cinc?: Record<string, Record<string, number>>;
  max: Partial<Record<'lastViewedAt' | 'lastDownloadedAt' | 'lastApiCallAt', Date>>;
}

interface DayOp {
  col: 'daily' | 'userDaily';
  _id: string;
  /** The whole document to write; null: delete it. */
  doc: Document | null;
  /** The document did not exist: an insert (cheap on FerretDB), not a replace. */
  fresh: boolean;
}

interface JournalDoc {
  _id: string;
  createdAt: Date;
  days: DayOp[];
  totals: TotalsStep[];
}

/** How many applied step ids each totals document remembers. */
export const STEP_MARKS = 32;

/** `DATASET|2026-01-31|ds-1`: a day's documents of one type are an `_id` range. */
export function dailyId(type: ResourceType, day: string, id: string): string {
  return `${type}|${day}|${id}`;
}

/** `DATASET|2026-01-31|u-1|ds-1`. */
export function userDailyId(type: ResourceType, day: string, userId: string, id: string): string {
  return `${type}|${day}|${userId}|${id}`;
}

/** `DATASET:ds-1` (unchanged from the first layout). */
export function totalsId(type: ResourceType, id: string): string {
  return `${type}:${id}`;
}

/** `u-1|DATASET:ds-1`. */
export function userTotalsId(type: ResourceType, id: string, userId: string): string {
  return `${userId}|${type}:${id}`;
}

/**
 * The document with its counter fields as BSON int64 (`Long`), for every
 * write. Why: the driver stores a JS integer below 2^31 as int32, and
 * FerretDB 1.24 adds int32 + int32 in int32 — a total moved by `$inc` past
 * 2^31 wrapped (1.5 GB + 1.5 GB read −1,294,967,296). int64 + int32,
 * int32 + int64 and int64 + int64 give int64 on FerretDB and MongoDB alike,
 * so an `$inc` by a Long also widens an older int32 total. Reads get plain
 * numbers back (the driver's `promoteLongs`, on by default, up to 2^53).
 * Country counts on totals documents are moved by `$inc` too, so they are
 * int64 as well ({@link wideCountries}).
 */
export function wideCounters(doc: Document): Document {
  const out: Document = { ...doc };
  for (const k of COUNTER_FIELDS) {
    const v = out[k];
    if (typeof v === 'number') out[k] = Long.fromNumber(v);
  }
  return out;
}

function isZero(c: Counters): boolean {
  return COUNTER_FIELDS.every((f) => c[f] === 0);
}

function dayDoc(f: DayFigures): Document | null {
  if (isZero(f.counters)) return null;
  const doc: Document = {
    _id: f.userId === null ? dailyId(f.resourceType, f.day, f.resourceId) : userDailyId(f.resourceType, f.day, f.userId, f.resourceId),
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    day: f.day,
  };
  if (f.userId !== null) doc.userId = f.userId;
  for (const k of COUNTER_FIELDS) if (f.counters[k] !== 0) doc[k] = f.counters[k];
  if (f.countries && Object.keys(f.countries).length) doc.countries = f.countries;
  if (f.lastViewedAt) doc.lastViewedAt = f.lastViewedAt;
  if (f.lastDownloadedAt) doc.lastDownloadedAt = f.lastDownloadedAt;
  if (f.lastApiCallAt) doc.lastApiCallAt = f.lastApiCallAt;
  return doc;
}

/** Reads a stored day document back into figures (absent counters are 0). */
export function figuresOfDayDoc(doc: Document): DayFigures {
  const counters = {} as Counters;
  for (const k of COUNTER_FIELDS) counters[k] = typeof doc[k] === 'number' ? (doc[k] as number) : 0;
  return {
    resourceType: doc.resourceType as ResourceType,
    resourceId: doc.resourceId as string,
    userId: (doc.userId as string | undefined) ?? null,
    day: doc.day as string,
    counters,
    countries: (doc.countries as Record<string, CountryCounts> | undefined) ?? null,
    lastViewedAt: (doc.lastViewedAt as Date | undefined) ?? null,
    lastDownloadedAt: (doc.lastDownloadedAt as Date | undefined) ?? null,
    lastApiCallAt: (doc.lastApiCallAt as Date | undefined) ?? null,
  };
}

/** Totals targets per journal step: bounded document size, bounded replay. */
const STEP_TARGETS = 500;

/** Day documents per journal step (each ~0.3 KB: far below 16 MiB). */
const STEP_DAY_DOCS = 5000;

export class UsageWriteRepository {
  private readonly journal: Collection<JournalDoc>;

  constructor(private readonly store: Store) {
    this.journal = store.db.collection('agg_journal');
  }

  private col(name: 'daily' | 'userDaily' | 'totals' | 'byUser'): Collection<Document> {
    const map = {
      daily: this.store.usageDaily,
      userDaily: this.store.usageByUserDaily,
      totals: this.store.usageTotals,
      byUser: this.store.usageByUser,
    } as const;
    return map[name] as unknown as Collection<Document>;
  }

  /** Starts a rebuild of every derived figure (see {@link UsageRebuild}). */
  async rebuild(): Promise<UsageRebuild> {
    await this.journal.deleteMany({});
    const r = new UsageRebuild(this.store, {
      daily: this.store.usageDaily.collectionName,
      userDaily: this.store.usageByUserDaily.collectionName,
      totals: this.store.usageTotals.collectionName,
      byUser: this.store.usageByUser.collectionName,
    });
    await r.begin();
    return r;
  }

  /** The mark the last writer left (see Aggregator): a change means another writer wrote. */
  async readMark(): Promise<string | null> {
    const doc = await this.store.db.collection<{ _id: string; mark: string }>('agg_state').findOne({ _id: 'writer' });
    return doc?.mark ?? null;
  }

  async writeMark(mark: string): Promise<void> {
    await this.store.db
      .collection<{ _id: string; mark: string }>('agg_state')
      .replaceOne({ _id: 'writer' }, { mark }, { upsert: true });
  }

  /** Stored day figures of one day (resource and per-user documents). */
  async dayFigures(day: string, types: readonly ResourceType[]): Promise<DayFigures[]> {
    const out: DayFigures[] = [];
    for (const type of types) {
      for (const c of [this.col('daily'), this.col('userDaily')]) {
        const docs = await c.find({ _id: { $gte: `${type}|${day}|`, $lt: `${type}|${day}}` } } as Document).batchSize(10_000).toArray();
        for (const d of docs) out.push(figuresOfDayDoc(d));
      }
    }
    return out;
  }

  /**
   * Replaces day figures (`before` → `after`, same targets, same order; any
   * days) and moves the totals by the difference, merged per target.
   *
   * A step holds everything of its targets — their day documents and their
   * totals — so a crash between steps leaves each target either fully old
   * or fully new, and a recomputation from the day documents stays exact.
   */
  async write(stepPrefix: string, before: readonly (DayFigures | null)[], after: readonly DayFigures[]): Promise<void> {
    const byTarget = new Map<string, { days: DayOp[]; totals: TotalsStep | null }>();
    after.forEach((a, i) => {
      const b = before[i];
      const doc = dayDoc(a);
      if (b && sameDoc(dayDoc(b), doc)) return;
      const user = a.userId !== null;
      const tid = user ? userTotalsId(a.resourceType, a.resourceId, a.userId!) : totalsId(a.resourceType, a.resourceId);
      let t = byTarget.get(tid);
      if (!t) {
        t = { days: [], totals: null };
        byTarget.set(tid, t);
      }
      const dayId = user ? userDailyId(a.resourceType, a.day, a.userId!, a.resourceId) : dailyId(a.resourceType, a.day, a.resourceId);
      t.days.push({ col: user ? 'userDaily' : 'daily', _id: dayId, doc, fresh: b === null });
      const inc: Partial<Counters> = {};
      for (const k of COUNTER_FIELDS) {
        const d = a.counters[k] - (b?.counters[k] ?? 0);
        if (d !== 0) inc[k] = d;
      }
      if (!t.totals) {
        const identity: Record<string, string> = { resourceType: a.resourceType, resourceId: a.resourceId };
        if (user) identity.userId = a.userId!;
        t.totals = { col: user ? 'byUser' : 'totals', _id: tid, identity, inc: {}, max: {} };
      }
      for (const [k, v] of Object.entries(inc) as [keyof Counters, number][]) t.totals.inc[k] = (t.totals.inc[k] ?? 0) + v;
      if (!user && (a.countries || b?.countries)) {
        const cinc = (t.totals.cinc ??= {});
        for (const [path, v] of Object.entries(countryMoves(b?.countries ?? null, a.countries))) {
          const [cc, k] = path.split('.');
          const c = (cinc[cc] ??= {});
          c[k] = (c[k] ?? 0) + v;
        }
      }
      for (const k of ['lastViewedAt', 'lastDownloadedAt', 'lastApiCallAt'] as const) {
        const v = a[k];
        const cur = t.totals.max[k];
        if (v && (!cur || cur < v)) t.totals.max[k] = v;
      }
    });
    let step: JournalDoc | null = null;
    let n = 0;
    const flush = async (): Promise<void> => {
      if (!step) return;
      await this.journal.insertOne(step);
      await this.apply(step, false);
      await this.journal.deleteOne({ _id: step._id });
      step = null;
    };
    for (const t of byTarget.values()) {
      step ??= { _id: `${stepPrefix}.${n++}`, createdAt: new Date(), days: [], totals: [] };
      step.days.push(...t.days);
      const tot = t.totals;
      if (tot?.cinc) {
        for (const [cc, c] of Object.entries(tot.cinc)) {
          for (const k of Object.keys(c)) if (c[k] === 0) delete c[k];
          if (!Object.keys(c).length) delete tot.cinc[cc];
        }
        if (!Object.keys(tot.cinc).length) delete tot.cinc;
      }
      if (tot && (Object.values(tot.inc).some((v) => v !== 0) || Object.keys(tot.max).length || tot.cinc)) {
        for (const k of Object.keys(tot.inc) as (keyof Counters)[]) if (tot.inc[k] === 0) delete tot.inc[k];
        step.totals.push(tot);
      }
      if (step.days.length >= STEP_DAY_DOCS || step.totals.length >= STEP_TARGETS) await flush();
    }
    await flush();
  }

  /** Finishes steps a crashed writer left behind. Returns how many. */
  async replayJournal(): Promise<number> {
    const steps = await this.journal.find({}).sort({ _id: 1 }).toArray();
    for (const step of steps) {
      await this.apply(step, true);
      await this.journal.deleteOne({ _id: step._id });
    }
    return steps.length;
  }

  private async apply(step: JournalDoc, replay: boolean): Promise<void> {
    for (const name of ['daily', 'userDaily'] as const) {
      const ops = step.days.filter((d) => d.col === name);
      // New documents are inserted (cheap); a replay cannot tell what was
      // done, so it writes every document whole (idempotent).
      const inserts = replay ? [] : ops.filter((d) => d.fresh && d.doc);
      if (inserts.length) {
        for (let i = 0; i < inserts.length; i += 2000) {
          await this.col(name).insertMany(
            inserts.slice(i, i + 2000).map((d) => wideCounters(d.doc!)),
            { ordered: false },
          );
        }
      }
      const rest = replay ? ops : ops.filter((d) => !(d.fresh && d.doc));
      const writes = rest.map(
        (d): AnyBulkWriteOperation<Document> =>
          d.doc
            ? { replaceOne: { filter: { _id: d._id } as Document, replacement: wideCounters(d.doc), upsert: true } }
            : { deleteOne: { filter: { _id: d._id } as Document } },
      );
      if (writes.length) await bulkWriteTolerant(this.col(name), writes);
    }
    for (const name of ['totals', 'byUser'] as const) {
      const updates = step.totals.filter((t) => t.col === name);
      if (!updates.length) continue;
      const ids = updates.map((u) => u._id);
      const existing = new Map(
        (await this.col(name).find({ _id: { $in: ids } } as Document, { projection: { _id: 1, batches: 1 } }).toArray()).map((d) => [
          String(d._id),
          (d.batches as string[] | undefined) ?? [],
        ]),
      );
      // Targets seen for the first time are inserted whole; a replay skips
      // those that already carry this step's mark.
      const fresh = updates.filter((u) => !existing.has(u._id));
      const known = updates.filter((u) => existing.has(u._id) && !(replay && existing.get(u._id)!.includes(step._id)));
      if (fresh.length) {
        await insertManyIgnoringDuplicates(
          this.col(name),
          fresh.map((u) =>
            wideCounters({
              _id: u._id,
              ...u.identity,
              ...u.inc,
              ...(u.cinc ? { countries: wideCountries(u.cinc) } : {}),
              ...u.max,
              batches: [step._id],
            }),
          ),
        ).then((dups) => {
          if (dups.size && !replay) throw new Error(`${dups.size} totals documents appeared during an aggregation step`);
        });
      }
      const ops: AnyBulkWriteOperation<Document>[] = known.map((u) => {
        const update: Document = {
          $setOnInsert: u.identity,
          $push: { batches: { $each: [step._id], $slice: -STEP_MARKS } },
        };
        if (Object.keys(u.inc).length || u.cinc) {
          const inc: Document = wideCounters(u.inc);
          for (const [cc, c] of Object.entries(u.cinc ?? {})) for (const [k, v] of Object.entries(c)) inc[`countries.${cc}.${k}`] = Long.fromNumber(v);
          update.$inc = inc;
        }
        if (Object.keys(u.max).length) update.$max = u.max;
        return { updateOne: { filter: { _id: u._id } as Document, update, upsert: true } };
      });
      if (ops.length) await bulkWriteTolerant(this.col(name), ops);
      // Countries moved back to 0 are removed, as a rebuild would store them.
      const shrunk = known.filter((u) => u.cinc && Object.values(u.cinc).some((c) => Object.values(c).some((v) => v < 0)));
      await dropZeroCountries(this.col(name), shrunk.map((u) => u._id));
    }
  }
}

/**
 * A rebuild of every derived figure into fresh collections, swapped in at
 * the end (`finish`): the bulk path (inserts only) for a first load or a
 * full recount. Readers see the old figures until the swap.
 */
export class UsageRebuild {
  private readonly totals = new Map<string, { col: 'totals' | 'byUser'; doc: Document }>();
  private readonly pending: Record<'daily' | 'userDaily', Document[]> = { daily: [], userDaily: [] };

  constructor(
    private readonly store: Store,
    private readonly names: Record<'daily' | 'userDaily' | 'totals' | 'byUser', string>,
  ) {}

  private next(name: keyof UsageRebuild['names']): Collection<Document> {
    return this.store.db.collection(`${this.names[name]}__next`);
  }

  async begin(): Promise<void> {
    for (const n of Object.keys(this.names) as (keyof UsageRebuild['names'])[]) await this.next(n).drop().catch(() => undefined);
  }

  /**
   * Keeps the figures of days before `firstEventDay` (all days when null):
   * their events are past the log's retention, so the log cannot rebuild
   * them, and a rebuild must not erase them.
   */
  async carryOver(firstEventDay: string | null): Promise<number> {
    let n = 0;
    for (const name of ['daily', 'userDaily'] as const) {
      for (const type of ['COLLECTION', 'DATASET', 'FILE']) {
        const cursor = this.store.db
          .collection(this.names[name])
          .find({ _id: { $gte: `${type}|`, $lt: firstEventDay === null ? `${type}}` : `${type}|${firstEventDay}` } } as Document)
          .batchSize(10_000);
        let batch: DayFigures[] = [];
        for await (const doc of cursor) {
          batch.push(figuresOfDayDoc(doc));
          if (batch.length >= 5000) {
            await this.addDay(batch);
            n += batch.length;
            batch = [];
          }
        }
        await this.addDay(batch);
        n += batch.length;
      }
    }
    return n;
  }

  /** Adds one day's figures. */
  async addDay(figures: readonly DayFigures[]): Promise<void> {
    for (const f of figures) {
      const doc = dayDoc(f);
      if (!doc) continue;
      const user = f.userId !== null;
      this.pending[user ? 'userDaily' : 'daily'].push(doc);
      const id = user ? userTotalsId(f.resourceType, f.resourceId, f.userId!) : totalsId(f.resourceType, f.resourceId);
      let t = this.totals.get(id);
      if (!t) {
        const identity: Document = { _id: id, resourceType: f.resourceType, resourceId: f.resourceId };
        if (user) identity.userId = f.userId;
        t = { col: user ? 'byUser' : 'totals', doc: identity };
        this.totals.set(id, t);
      }
      for (const k of COUNTER_FIELDS) if (f.counters[k]) t.doc[k] = ((t.doc[k] as number | undefined) ?? 0) + f.counters[k];
      if (!user && f.countries) {
        const into = (t.doc.countries ??= {}) as Record<string, Record<string, number>>;
        for (const [path, v] of Object.entries(countryMoves(null, f.countries))) {
          const [cc, k] = path.split('.');
          const c = (into[cc] ??= {});
          c[k] = (c[k] ?? 0) + v;
        }
      }
      for (const k of ['lastViewedAt', 'lastDownloadedAt', 'lastApiCallAt'] as const) {
        const v = f[k];
        if (v && (!t.doc[k] || (t.doc[k] as Date) < v)) t.doc[k] = v;
      }
    }
    for (const n of ['daily', 'userDaily'] as const) if (this.pending[n].length >= 5000) await this.flush(n);
  }

  private async flush(n: 'daily' | 'userDaily' | 'totals' | 'byUser', docs: Document[] = this.pending[n as 'daily']): Promise<void> {
    const wide = (d: Document): Document => (n === 'totals' && d.countries ? { ...wideCounters(d), countries: wideCountries(d.countries as Record<string, Record<string, number>>) } : wideCounters(d));
    for (let i = 0; i < docs.length; i += 2000) await this.next(n).insertMany(docs.slice(i, i + 2000).map(wide), { ordered: false });
    if (n === 'daily' || n === 'userDaily') this.pending[n] = [];
  }

  /**
   * Writes the totals and swaps the new collections in (drop, then rename:
   * FerretDB has no `dropTarget`; readers may see no figures for the
   * instant between the two). `indexes` creates the live indexes on the new
   * collections first.
   */
  async finish(indexes: (col: Collection<Document>, name: keyof UsageRebuild['names']) => Promise<void>): Promise<void> {
    await this.flush('daily');
    await this.flush('userDaily');
    const all = [...this.totals.values()];
    await this.flush('totals', all.filter((t) => t.col === 'totals').map((t) => t.doc));
    await this.flush('byUser', all.filter((t) => t.col === 'byUser').map((t) => t.doc));
    for (const n of Object.keys(this.names) as (keyof UsageRebuild['names'])[]) {
      const next = this.next(n);
      // An empty collection may not exist yet: create it so it can be renamed.
      await next.insertOne({ _id: '~empty' } as Document).then(() => next.deleteOne({ _id: '~empty' } as Document));
      await indexes(next, n);
      await this.store.db.collection(this.names[n]).drop().catch(() => undefined);
      await next.rename(this.names[n]);
    }
  }
}

function sameDoc(a: Document | null, b: Document | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
