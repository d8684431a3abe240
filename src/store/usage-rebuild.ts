import type { Collection, Document } from 'mongodb';
import { COUNTER_FIELDS } from '../domain/counters';
import { ResourceType } from '../domain/resources';
import { countryMoves, wideCountries } from './country-totals';
import { dayDoc, figuresOfDayDoc, wideCounters, type DayFigures } from './day-figures';
import type { Store } from './store';
import { dailyBefore, dailyRange, totalsId, userTotalsId } from './storage-keys';

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
      for (const type of [ResourceType.COLLECTION, ResourceType.DATASET, ResourceType.FILE]) {
        const cursor = this.store.db
          .collection(this.names[name])
          .find({ _id: firstEventDay === null ? dailyRange(type, null, null) : dailyBefore(type, firstEventDay) } as Document)
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
