import { Long, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { COUNTER_FIELDS, type Counters } from '../domain/counters';
import { countryMoves, dropZeroCountries, wideCountries } from './country-totals';
import type { ResourceType } from '../domain/resources';
import type { Store } from './store';
import { bulkWriteTolerant, insertManyIgnoringDuplicates } from './bulk';
import { dayDoc, figuresOfDayDoc, sameDoc, wideCounters, type DayFigures } from './day-figures';
import { UsageRebuild } from './usage-rebuild';
import { readWriterMark, writeWriterMark } from './writer-mark';
import { dayRange, journalStepId, totalsId, userTotalsId, dailyId, userDailyId } from './storage-keys';

/**
 * Writes the figures derived from the event log: day documents (replaced
 * whole) and all-time totals (moved by the difference). Only the aggregator
 * calls this, holding the aggregation lock, so writes never race.
 *
 * Crash safety: each step is journaled first (`agg_journal`), and a journal
 * left behind is replayed before anything else is written. Replacing a day
 * document is idempotent; a totals increment carries the step's id in the
 * document's `batches` list and a replay skips documents that have it.
 * The day documents' shape: day-figures.ts; a full rebuild: usage-rebuild.ts.
 */

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
  readMark(): Promise<string | null> {
    return readWriterMark(this.store);
  }

  writeMark(mark: string): Promise<void> {
    return writeWriterMark(this.store, mark);
  }

  /** Stored day figures of one day (resource and per-user documents). */
  async dayFigures(day: string, types: readonly ResourceType[]): Promise<DayFigures[]> {
    const out: DayFigures[] = [];
    for (const type of types) {
      for (const c of [this.col('daily'), this.col('userDaily')]) {
        const docs = await c.find({ _id: dayRange(type, day) } as Document).batchSize(10_000).toArray();
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
      step ??= { _id: journalStepId(stepPrefix, n++), createdAt: new Date(), days: [], totals: [] };
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
