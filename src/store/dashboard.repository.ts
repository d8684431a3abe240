import { createHash } from 'node:crypto';
import type { Store } from './store';
import { ResourceType } from '../domain/resources';
import { dailyId, dailyRange, totalsRange } from './storage-keys';
import { readWriterMark } from './writer-mark';
import type { DatasetDoc } from './catalog.documents';
import type { DailyUsageDoc, UsageTotalsDoc } from './usage.documents';
import type { ReuseDoc } from './reuse.documents';
import { findByArrayField, findByIds, findIn } from './find-in';
import type { DatedReuseLink, DayUsage, UsageFigures } from '../domain/dashboard-inputs';
import { addCountries, type CountryMap } from '../domain/country-usage';
import { DAY_MS, utcDay } from '../util/utc-day';

/** The fields of a dataset the dashboard and the visibility rule need. */
export type DashboardDatasetRow = Pick<
  DatasetDoc,
  '_id' | 'title' | 'portalId' | 'ownerId' | 'spaceIds' | 'themeIds' | 'licence' | 'publisher' | 'published' | 'visibility' | 'recordCount'
>;

/** A stored reuse as the dashboard reads it; `urlKey` null on reuses stored before keys existed. */
export interface StoredReuseLink extends DatedReuseLink {
  url: string;
  urlKey: string | null;
}

const DATASET_PROJECTION = {
  _id: 1,
  title: 1,
  portalId: 1,
  ownerId: 1,
  spaceIds: 1,
  themeIds: 1,
  licence: 1,
  publisher: 1,
  published: 1,
  visibility: 1,
  recordCount: 1,
} as const;

const USAGE_PROJECTION = {
  _id: 0,
  resourceId: 1,
  views: 1,
  downloads: 1,
  apiCalls: 1,
  uniqueRequests: 1,
  uniqueInvestigations: 1,
  machineViews: 1,
  machineDownloads: 1,
  machineApiCalls: 1,
  robotEvents: 1,
} as const;

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function addUsage(into: Map<string, UsageFigures>, doc: Partial<UsageTotalsDoc | DailyUsageDoc>): void {
  if (typeof doc.resourceId !== 'string') return;
  const u = into.get(doc.resourceId) ?? { views: 0, downloads: 0, apiCalls: 0, machine: 0, robotEvents: 0 };
  u.views += num(doc.views);
  u.downloads += num(doc.downloads);
  u.apiCalls += num(doc.apiCalls);
  // The popularity score's inputs (docs/popularity.md): sessions, not clicks.
  u.uniqueRequests = (u.uniqueRequests ?? 0) + num(doc.uniqueRequests);
  u.uniqueInvestigations = (u.uniqueInvestigations ?? 0) + num(doc.uniqueInvestigations);
  u.machine = (u.machine ?? 0) + num(doc.machineViews) + num(doc.machineDownloads) + num(doc.machineApiCalls);
  u.robotEvents = (u.robotEvents ?? 0) + num(doc.robotEvents);
  into.set(doc.resourceId, u);
}

/**
 * Database reads of the data dashboard, and the reuse writes it does not
 * delegate. Every read is one query per collection per call (never one per
 * dataset), by `_id` range or `$in` where it can be (the embedded FerretDB
 * indexes only `_id`). Figures are summed here or in the pure dashboard
 * code, never in an aggregation pipeline (FerretDB returns 0 for all but the
 * first accumulator of a `$group`). The event log is never read.
 */
export class DashboardRepository {
  /**
   * Why caches: FerretDB returns a few thousand documents at ~0.1-0.2 ms
   * each, so a dashboard over 3,000 datasets spent ~0.8 s reading the same
   * catalog and totals on every request. The catalog rows are kept for
   * `cacheTtlMs` (dropped at once by a local catalog write); figures are
   * kept until the aggregator's writer mark changes (one point read per
   * request tells).
   */
  private catalog: { at: number; rows: DashboardDatasetRow[] } | null = null;
  private readonly figures = new Map<string, { mark: string | null; usage: unknown }>();

  /**
   * @param cacheTtlMs - how long catalog rows are trusted, ms (0: no cache; `CACHE_TTL_MS`).
   */
  constructor(
    private readonly store: Store,
    private readonly cacheTtlMs: number,
  ) {}

  /** Forgets cached catalog rows (the catalog changed on this instance). */
  invalidate(): void {
    this.catalog = null;
  }

  /**
   * Every published dataset, projected; callers keep those they may see
   * (the same rule as `datasetVisibilityFilter`, applied in memory).
   */
  async publishedDatasets(): Promise<DashboardDatasetRow[]> {
    if (this.catalog && Date.now() - this.catalog.at < this.cacheTtlMs) return this.catalog.rows;
    const rows = (await this.store.datasets.find({ published: true }, { projection: DATASET_PROJECTION }).toArray()) as DashboardDatasetRow[];
    if (this.cacheTtlMs > 0) this.catalog = { at: Date.now(), rows };
    return rows;
  }

  /** Usage figures through the mark-keyed cache. */
  private async cachedFigures<T>(key: string, load: () => Promise<T>): Promise<T> {
    const mark = await readWriterMark(this.store);
    const hit = this.figures.get(key);
    if (hit && mark !== null && hit.mark === mark) return hit.usage as T;
    const usage = await load();
    if (this.figures.size >= 16) this.figures.delete(this.figures.keys().next().value!);
    this.figures.set(key, { mark, usage });
    return usage;
  }

  /** All-time regular usage of every dataset, from `usage_totals`. */
  datasetTotals(signal?: AbortSignal): Promise<Map<string, UsageFigures>> {
    return this.cachedFigures('all', () => this.loadDatasetTotals(signal));
  }

  /**
   * Why a signal: a cold window read over a large history can outlast the
   * request's budget; aborted, it stops at the next batch (and caches nothing).
   */
  private async loadDatasetTotals(signal?: AbortSignal): Promise<Map<string, UsageFigures>> {
    const out = new Map<string, UsageFigures>();
    // One `_id` range: an index read, not a scan.
    const cursor = this.store.usageTotals.find({ _id: totalsRange(ResourceType.DATASET) }, { projection: USAGE_PROJECTION, ...(signal ? { signal } : {}) }).batchSize(10_000);
    for await (const doc of cursor) {
      signal?.throwIfAborted();
      addUsage(out, doc);
    }
    return out;
  }

  /**
   * Regular usage of every dataset on the UTC days `firstDay`..`lastDay`
   * (both included; null = open end), summed from `usage_daily`.
   */
  datasetUsageBetween(firstDay: string | null, lastDay: string | null, signal?: AbortSignal): Promise<Map<string, UsageFigures>> {
    return this.cachedFigures(`${firstDay}|${lastDay}`, () => this.loadUsageBetween(firstDay, lastDay, signal));
  }

  private async loadUsageBetween(firstDay: string | null, lastDay: string | null, signal?: AbortSignal): Promise<Map<string, UsageFigures>> {
    const out = new Map<string, UsageFigures>();
    // A window of day documents is one `_id` range.
    const cursor = this.store.usageDaily
      .find({ _id: dailyRange(ResourceType.DATASET, firstDay, lastDay) }, { projection: USAGE_PROJECTION, ...(signal ? { signal } : {}) })
      .batchSize(10_000);
    for await (const doc of cursor) {
      signal?.throwIfAborted();
      addUsage(out, doc);
    }
    return out;
  }

  /** The daily buckets of some resources (datasets unless `type` says) on `firstDay`..`lastDay`, by id. */
  async dailyUsage(datasetIds: readonly string[], firstDay: string, lastDay: string, type: 'DATASET' | 'FILE' = 'DATASET'): Promise<Map<string, DayUsage[]>> {
    const out = new Map<string, DayUsage[]>(datasetIds.map((id) => [id, []]));
    const projection = { _id: 0, resourceId: 1, day: 1, views: 1, downloads: 1, apiCalls: 1 };
    const days = daysBetween(firstDay, lastDay);
    const wanted = new Set(datasetIds);
    // Few (dataset, day) pairs: look each document up by id; many: read the
    // window's range once and keep the datasets asked for.
    const docs =
      datasetIds.length * days.length <= 20_000
        ? await findIn(
            this.store.usageDaily,
            '_id',
            datasetIds.flatMap((id) => days.map((d) => dailyId(type, d, id))),
            { projection },
          )
        : (
            await this.store.usageDaily
              .find({ _id: dailyRange(type, firstDay, lastDay) }, { projection })
              .batchSize(10_000)
              .toArray()
          ).filter((d) => wanted.has(d.resourceId));
    for (const doc of docs) {
      out.get(doc.resourceId)?.push({ day: doc.day, views: num(doc.views), downloads: num(doc.downloads), apiCalls: num(doc.apiCalls) });
    }
    return out;
  }

  /**
   * The regular use of a set of datasets, summed per day, on
   * `firstDay`..`lastDay`: one read of the window's `_id` range (a portal's
   * or the network's series; many datasets). Cached like the figures, by
   * window and set: the dashboard's network and portal series are asked
   * again on every page view, by callers who mostly see the same datasets.
   */
  summedDailyUsage(datasetIds: ReadonlySet<string>, firstDay: string, lastDay: string, signal?: AbortSignal): Promise<DayUsage[]> {
    const set = createHash('sha256').update([...datasetIds].sort().join('\u0000')).digest('base64url');
    return this.cachedFigures(`series|${firstDay}|${lastDay}|${set}`, () => this.loadSummedDailyUsage(datasetIds, firstDay, lastDay, signal));
  }

  private async loadSummedDailyUsage(datasetIds: ReadonlySet<string>, firstDay: string, lastDay: string, signal?: AbortSignal): Promise<DayUsage[]> {
    const byDay = new Map<string, DayUsage>();
    const cursor = this.store.usageDaily
      .find(
        { _id: dailyRange(ResourceType.DATASET, firstDay, lastDay) },
        { projection: { _id: 0, resourceId: 1, day: 1, views: 1, downloads: 1, apiCalls: 1 }, ...(signal ? { signal } : {}) },
      )
      .batchSize(10_000);
    for await (const doc of cursor) {
      signal?.throwIfAborted();
      if (!datasetIds.has(doc.resourceId)) continue;
      let u = byDay.get(doc.day);
      if (!u) byDay.set(doc.day, (u = { day: doc.day, views: 0, downloads: 0, apiCalls: 0 }));
      u.views += num(doc.views);
      u.downloads += num(doc.downloads);
      u.apiCalls += num(doc.apiCalls);
    }
    return [...byDay.values()];
  }

  /**
   * Per-country figures of every dataset: all time (both null) from
   * `usage_totals`, else summed from the day documents of the window.
   * Cached like the figures (until the aggregator writes).
   */
  datasetCountries(firstDay: string | null, lastDay: string | null, signal?: AbortSignal): Promise<Map<string, CountryMap>> {
    const key = `countries|${firstDay}|${lastDay}`;
    return this.cachedFigures(key, async () => {
      const out = new Map<string, CountryMap>();
      const allTime = firstDay === null && lastDay === null;
      const cursor = allTime
        ? this.store.usageTotals.find({ _id: totalsRange(ResourceType.DATASET) }, { projection: { _id: 0, resourceId: 1, countries: 1 }, ...(signal ? { signal } : {}) })
        : this.store.usageDaily.find(
            { _id: dailyRange(ResourceType.DATASET, firstDay, lastDay) },
            { projection: { _id: 0, resourceId: 1, countries: 1 }, ...(signal ? { signal } : {}) },
          );
      for await (const doc of cursor.batchSize(10_000)) {
        signal?.throwIfAborted();
        const d = doc as { resourceId?: unknown; countries?: unknown };
        if (typeof d.resourceId !== 'string' || !d.countries) continue;
        let m = out.get(d.resourceId);
        if (!m) out.set(d.resourceId, (m = {}));
        addCountries(m, d.countries);
      }
      return out;
    });
  }

  /** Every reuse: id, datasets, creation time, URL and its key (absent on reuses stored before keys). */
  async reuseLinks(): Promise<StoredReuseLink[]> {
    const docs = await this.store.reuses.find({}, { projection: { _id: 1, datasetIds: 1, createdAt: 1, url: 1, urlKey: 1 } }).toArray();
    return docs.map((r) => ({ id: r._id, datasetIds: r.datasetIds ?? [], createdAt: r.createdAt, url: r.url, urlKey: r.urlKey ?? null }));
  }

  /** The reuses pointing at one or more of `datasetIds` (to find one with the same URL). */
  async reusesOfDatasets(datasetIds: readonly string[]): Promise<ReuseDoc[]> {
    if (!datasetIds.length) return [];
    return findByArrayField(this.store.reuses, 'datasetIds', datasetIds);
  }

  /** Theme names by id. */
  async themeNames(): Promise<Map<string, string>> {
    const docs = await this.store.themes.find({}, { projection: { _id: 1, name: 1 } }).toArray();
    return new Map(docs.map((t) => [t._id, t.name]));
  }

  async portalExists(id: string): Promise<boolean> {
    return (await this.store.portals.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  /** Datasets by id (reuse references), with the fields visibility needs. */
  async datasetsByIds(ids: readonly string[]): Promise<DashboardDatasetRow[]> {
    if (!ids.length) return [];
    return (await findByIds(this.store.datasets, ids)) as DashboardDatasetRow[];
  }

  async reuseById(id: string): Promise<ReuseDoc | null> {
    return this.store.reuses.findOne({ _id: id });
  }

  /** Deletes a reuse; false when there was none. */
  async deleteReuse(id: string): Promise<boolean> {
    return (await this.store.reuses.deleteOne({ _id: id })).deletedCount === 1;
  }
}

/** Every UTC day from `first` to `last`, both included. */
function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`), end = Date.parse(`${last}T00:00:00Z`); t <= end && out.length < 100_000; t += DAY_MS) {
    out.push(utcDay(new Date(t)));
  }
  return out;
}
