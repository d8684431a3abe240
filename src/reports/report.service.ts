/**
 * The usage reports, as async iterables of rows: the CSV endpoints stream
 * them (src/reports/report.routes.ts) and the GraphQL queries page through
 * them (src/graphql/report.resolver.ts), so both always give the same rows
 * in the same order. Rules: docs/reports.md and docs/permissions.md.
 *
 * Memory: a report reads the small catalog collections into maps, streams
 * the usage documents and the files through cursors and keeps, per active
 * resource, only its counts (and for files the projected file document)
 * until it can sort them; row objects and CSV text are made one at a time
 * while the client reads.
 */
import { ResourceType } from '../domain/resources';
import type { Caller } from '../auth/caller';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { ReportRepository } from '../store/report.repository';
import {
  accFromTotals,
  addDaily,
  buildByUserRow,
  buildCollectionRow,
  buildDatasetRow,
  buildFileRow,
  isActive,
  newAcc,
  reportAccess,
  usageOf,
  type ByUserReportRow,
  type CatalogLookup,
  type DatasetInfo,
  type FileInfo,
  type MonthlyUsageRow,
  type ReportAccess,
  type ResourceReportRow,
  type UsageAcc,
} from './report-rows';
import { ALL_TIME, assertCanReport, badInput, type ReportScope, type ReportWindow } from './report-params';

// Parameters and paging live in report-params.ts; re-exported for the routes, resolvers and tests.
export * from './report-params';

// ---------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------

/**
 * One active resource while a report is being put together: its usage,
 * compact (numbers only), and for files the projected file document. One
 * object per row; row objects are only made when the row is written.
 */
interface Entry extends UsageAcc {
  id: string;
  file: FileInfo | null;
}

interface UserEntry extends UsageAcc {
  resourceId: string;
  userId: string;
}

/** downloads desc, views desc, id asc (collections: no downloads). */
function compareEntries(type: ResourceType): (a: Entry, b: Entry) => number {
  const byDownloads = type !== ResourceType.COLLECTION;
  return (a, b) => {
    if (byDownloads && a.downloads !== b.downloads) return b.downloads - a.downloads;
    if (a.views !== b.views) return b.views - a.views;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

function compareUserEntries(type: ResourceType): (a: UserEntry, b: UserEntry) => number {
  const byDownloads = type !== ResourceType.COLLECTION;
  return (a, b) => {
    if (byDownloads && a.downloads !== b.downloads) return b.downloads - a.downloads;
    if (a.views !== b.views) return b.views - a.views;
    if (a.resourceId !== b.resourceId) return a.resourceId < b.resourceId ? -1 : 1;
    return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
  };
}

/**
 * Returns the one stored copy of a string that recurs across documents
 * (dataset and user ids in files), so thousands of files share it.
 */
function interner(known: Iterable<string>): (s: string) => string {
  const m = new Map<string, string>();
  for (const k of known) m.set(k, k);
  return (v) => m.get(v) ?? v;
}

/**
 * Whether a row belongs to a portal: a dataset of it, a file with a (visible)
 * parent dataset of it, a collection holding one of its datasets.
 */
function portalFilter(portalId: string, lookup: CatalogLookup): (type: ResourceType, id: string, parentDatasetIds: readonly string[]) => boolean {
  const collections = new Set<string>();
  for (const d of lookup.datasets.values()) if (d.portalId === portalId) for (const c of d.collectionIds) collections.add(c);
  return (type, id, parents) => {
    if (type === ResourceType.DATASET) return lookup.datasets.get(id)?.portalId === portalId;
    if (type === ResourceType.FILE) return parents.some((p) => lookup.datasets.get(p)?.portalId === portalId);
    return collections.has(id);
  };
}

/** Types of the merged report, in Clowder's order. */
export const MERGED_TYPES: readonly ResourceType[] = [ResourceType.COLLECTION, ResourceType.DATASET, ResourceType.FILE];

export class ReportService {
  constructor(private readonly repo: ReportRepository) {}

  /**
   * Rows of the file, dataset or collection report (`type`), or of the
   * merged report (`type` null: collections, then datasets, then files),
   * for `caller`, over `window`. Checks the caller now; reads lazily.
   * `signal` (all `open*`): abort when the client is gone; the reading
   * stops at the next document and its cursor is closed.
   */
  openResourceReport(
    caller: Caller,
    type: ResourceType | null,
    window: ReportWindow = ALL_TIME,
    signal?: AbortSignal,
    scope: ReportScope = {},
  ): AsyncIterable<ResourceReportRow> {
    assertCanReport(caller);
    const stream = scope.unordered === true && window.fromDay === null && window.toDay === null;
    return this.resourceRows(caller, type === null ? MERGED_TYPES : [type], window, signal, scope.portalId ?? null, stream);
  }

  /** NOT_FOUND for a portal that does not exist (call before a report starts streaming). */
  async assertPortal(portalId: string | null | undefined): Promise<void> {
    if (portalId && !(await this.repo.portalExists(portalId))) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no portal with id "${portalId}"`);
    }
  }

  /** Rows of a by-user report (all-time; a non-admin gets only their own rows). */
  openByUserReport(
    caller: Caller,
    type: ResourceType,
    window: ReportWindow = ALL_TIME,
    signal?: AbortSignal,
    scope: ReportScope = {},
  ): AsyncIterable<ByUserReportRow> {
    assertCanReport(caller);
    return this.byUserRows(caller, type, window, signal, scope);
  }

  /**
   * Rows of the monthly export of one portal (admins may pass null: all
   * portals), months `from`..`to` inclusive (`YYYY-MM`, optional).
   */
  async openMonthlyExport(
    caller: Caller,
    portalId: string | null,
    fromMonth: string | null,
    toMonth: string | null,
    signal?: AbortSignal,
  ): Promise<AsyncIterable<MonthlyUsageRow>> {
    assertCanReport(caller);
    if (fromMonth !== null && toMonth !== null && fromMonth > toMonth) throw badInput(`from (${fromMonth}) is after to (${toMonth})`);
    if (portalId === null && caller.role !== 'ADMIN') {
      throw badInput('portal is required: only admins may export all portals at once');
    }
    if (portalId !== null && !(await this.repo.portalExists(portalId))) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no portal with id "${portalId}"`);
    }
    return this.monthlyRows(caller, portalId, fromMonth, toMonth, signal);
  }

  /**
   * One user's regular use of datasets (User.stats), from the same
   * documents as the dataset by-user report. The caller is checked by the
   * resolver (admins, or the user themselves).
   */
  /** Whether events were ever sent under this user id, registered or not. */
  userHasUsage(userId: string): Promise<boolean> {
    return this.repo.userHasUsage(userId);
  }

  async userStats(
    userId: string,
    window: ReportWindow = ALL_TIME,
  ): Promise<{ views: number; downloads: number; apiCalls: number; datasets: number; lastViewedAt: Date | null; lastDownloadedAt: Date | null }> {
    const total = newAcc();
    const datasets = new Set<string>();
    const rows =
      window.fromDay === null && window.toDay === null
        ? this.repo.byUser(ResourceType.DATASET, userId)
        : this.repo.byUserDaily(ResourceType.DATASET, userId, window.fromDay, window.toDay);
    for await (const d of rows) {
      if (d.userId !== userId) continue;
      const before = total.views + total.downloads + total.apiCalls;
      if ('day' in d) addDaily(total, d as typeof d & { day: string });
      else {
        const a = accFromTotals(d);
        total.views += a.views;
        total.downloads += a.downloads;
        total.apiCalls += a.apiCalls;
        if (!(total.lastViewedMs >= a.lastViewedMs)) total.lastViewedMs = a.lastViewedMs;
        if (!(total.lastDownloadedMs >= a.lastDownloadedMs)) total.lastDownloadedMs = a.lastDownloadedMs;
      }
      if (total.views + total.downloads + total.apiCalls > before) datasets.add(d.resourceId);
    }
    const u = usageOf(total);
    return { views: u.views, downloads: u.downloads, apiCalls: u.apiCalls, datasets: datasets.size, lastViewedAt: u.lastViewedAt, lastDownloadedAt: u.lastDownloadedAt };
  }

  private async lookup(needDatasets: boolean, needSpaces = true): Promise<CatalogLookup> {
    const [users, spaces, collections, datasets] = await Promise.all([
      this.repo.users(),
      needSpaces ? this.repo.spaces() : Promise.resolve(new Map()),
      this.repo.collections(),
      needDatasets ? this.repo.datasets() : Promise.resolve(new Map<string, DatasetInfo>()),
    ]);
    return { users, spaces, collections, datasets };
  }

  /** Regular usage of every active resource of a type, all-time or over a window, by resource id. */
  private async usageOf(type: ResourceType, window: ReportWindow, signal: AbortSignal | undefined): Promise<Map<string, Entry>> {
    const out = new Map<string, Entry>();
    if (window.fromDay === null && window.toDay === null) {
      for await (const d of this.repo.totals(type)) {
        // The client went away: stop reading (the cursor is closed on the way out).
        signal?.throwIfAborted();
        const acc = accFromTotals(d);
        if (isActive(type, acc)) out.set(d.resourceId, { id: d.resourceId, file: null, ...acc });
      }
      return out;
    }
    for await (const d of this.repo.daily(type, window.fromDay, window.toDay)) {
      signal?.throwIfAborted();
      let e = out.get(d.resourceId);
      if (!e) {
        e = { id: d.resourceId, file: null, ...newAcc() };
        out.set(d.resourceId, e);
      }
      addDaily(e, d);
    }
    for (const [id, e] of out) if (!isActive(type, e)) out.delete(id);
    return out;
  }

  private async *resourceRows(
    caller: Caller,
    types: readonly ResourceType[],
    window: ReportWindow,
    signal: AbortSignal | undefined,
    portalId: string | null,
    stream = false,
  ): AsyncGenerator<ResourceReportRow> {
    // A portal filter needs the datasets even for collections (which hold them).
    const needDatasets = portalId !== null || types.some((t) => t !== ResourceType.COLLECTION);
    const lookup = await this.lookup(needDatasets);
    const access = reportAccess(caller, lookup.datasets);
    const inPortal = portalId === null ? null : portalFilter(portalId, lookup);
    for (const type of types) {
      const rows = stream ? this.streamedRowsOfType(type, lookup, access, signal) : this.rowsOfType(type, window, lookup, access, signal);
      for await (const row of rows) {
        if (inPortal === null || inPortal(row.type, row.id, row.parentDatasets.map((p) => p.id))) yield row;
      }
    }
  }

  /**
   * All-time rows of a type in storage order, a chunk of totals at a time
   * (files joined by id per chunk): the first row is written after one
   * chunk is read, whatever the size of the report. Usage of files no
   * longer in the catalog is left out (the sorted report lists it for
   * admins).
   */
  private async *streamedRowsOfType(
    type: ResourceType,
    lookup: CatalogLookup,
    access: ReportAccess,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ResourceReportRow> {
    // A small first chunk (and cursor batch) gets the first row out fast.
    let size = 200;
    let chunk: Entry[] = [];
    const flush = async function* (this: ReportService, entries: Entry[]): AsyncGenerator<ResourceReportRow> {
      const files = type === ResourceType.FILE ? await this.repo.filesByIds(entries.map((e) => e.id)) : null;
      for (const e of entries) {
        signal?.throwIfAborted();
        let row: ResourceReportRow | null = null;
        if (type === ResourceType.FILE) {
          const f = files!.get(e.id);
          if (!f || (!access.seesAll && !f.datasetIds.some((d) => access.canSeeDataset(d)))) continue;
          row = buildFileRow(e.id, f, usageOf(e), lookup, access);
        } else if (type === ResourceType.DATASET) {
          row = buildDatasetRow(e.id, usageOf(e), lookup, access);
        } else {
          row = buildCollectionRow(e.id, usageOf(e), lookup, access);
        }
        if (row) yield row;
      }
    };
    for await (const d of this.repo.totals(type, 500)) {
      signal?.throwIfAborted();
      const acc = accFromTotals(d);
      if (!isActive(type, acc)) continue;
      chunk.push({ id: d.resourceId, file: null, ...acc });
      if (chunk.length >= size) {
        yield* flush.call(this, chunk);
        chunk = [];
        size = 1000;
      }
    }
    yield* flush.call(this, chunk);
  }

  private async *rowsOfType(
    type: ResourceType,
    window: ReportWindow,
    lookup: CatalogLookup,
    access: ReportAccess,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ResourceReportRow> {
    const usage = await this.usageOf(type, window, signal);
    let entries: Entry[];
    if (type === ResourceType.FILE) {
      // Join with the files in one pass; keep only active files the caller may see.
      entries = [];
      const datasetId = interner(lookup.datasets.keys());
      const userId = interner(lookup.users.keys());
      for await (const f of this.repo.files()) {
        signal?.throwIfAborted();
        const e = usage.get(f._id);
        if (!e) continue;
        usage.delete(f._id);
        if (!access.seesAll && !f.datasetIds.some((d) => access.canSeeDataset(d))) continue;
        e.file = {
          title: f.title,
          sizeBytes: f.sizeBytes,
          datasetIds: f.datasetIds.map(datasetId),
          ownerId: f.ownerId === null ? null : userId(f.ownerId),
          createdAtMs: f.createdAtMs,
        };
        entries.push(e);
      }
      // Usage left by files no longer in the catalog: admins only.
      if (access.seesAll) for (const u of usage.values()) entries.push(u);
    } else {
      entries = [...usage.values()];
    }
    usage.clear();
    entries.sort(compareEntries(type));
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      // Let the entry go once written: memory falls while the report streams.
      (entries as (Entry | undefined)[])[i] = undefined;
      let row: ResourceReportRow | null;
      switch (type) {
        case ResourceType.FILE:
          row = buildFileRow(e.id, e.file ?? undefined, usageOf(e), lookup, access);
          break;
        case ResourceType.DATASET:
          row = buildDatasetRow(e.id, usageOf(e), lookup, access);
          break;
        case ResourceType.COLLECTION:
          row = buildCollectionRow(e.id, usageOf(e), lookup, access);
          break;
      }
      if (row) yield row;
    }
  }

  private async *byUserRows(
    caller: Caller,
    type: ResourceType,
    window: ReportWindow,
    signal: AbortSignal | undefined,
    scope: ReportScope,
  ): AsyncGenerator<ByUserReportRow> {
    const portalId = scope.portalId ?? null;
    const lookup = await this.lookup(portalId !== null || type !== ResourceType.COLLECTION, false);
    const access = reportAccess(caller, lookup.datasets);
    const inPortal = portalId === null ? null : portalFilter(portalId, lookup);
    let entries: UserEntry[] = [];
    if (window.fromDay === null && window.toDay === null) {
      for await (const d of this.repo.byUser(type, access.onlyUserId)) {
        signal?.throwIfAborted();
        const acc = accFromTotals(d);
        if (isActive(type, acc)) entries.push({ resourceId: d.resourceId, userId: d.userId, ...acc });
      }
    } else {
      // A window sums the user's daily buckets inside it, as resource reports do.
      const byKey = new Map<string, UserEntry>();
      for await (const d of this.repo.byUserDaily(type, access.onlyUserId, window.fromDay, window.toDay)) {
        signal?.throwIfAborted();
        const key = `${d.userId}|${d.resourceId}`;
        let e = byKey.get(key);
        if (!e) {
          e = { resourceId: d.resourceId, userId: d.userId, ...newAcc() };
          byKey.set(key, e);
        }
        addDaily(e, d);
      }
      entries = [...byKey.values()].filter((e) => isActive(type, e));
    }
    const files = new Map<string, Pick<FileInfo, 'title' | 'datasetIds'>>();
    if (type === ResourceType.FILE && entries.length) {
      const wanted = new Set(entries.map((e) => e.resourceId));
      for await (const f of this.repo.files()) {
        signal?.throwIfAborted();
        if (wanted.has(f._id)) files.set(f._id, { title: f.title, datasetIds: f.datasetIds });
      }
    }
    if (scope.userId || scope.resourceId) {
      entries = entries.filter((e) => (!scope.userId || e.userId === scope.userId) && (!scope.resourceId || e.resourceId === scope.resourceId));
    }
    entries.sort(compareUserEntries(type));
    for (const e of entries) {
      const row = buildByUserRow(type, e.resourceId, e.userId, usageOf(e), lookup, access, files);
      if (!row) continue;
      const parents = type === ResourceType.FILE ? (files.get(e.resourceId)?.datasetIds ?? []).filter((d) => access.seesAll || access.canSeeDataset(d)) : [];
      if (inPortal === null || inPortal(type, e.resourceId, parents)) yield row;
    }
  }

  private async *monthlyRows(
    caller: Caller,
    portalId: string | null,
    fromMonth: string | null,
    toMonth: string | null,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<MonthlyUsageRow> {
    const datasets = await this.repo.datasets(portalId);
    const access = reportAccess(caller, datasets);
    const rows = new Map<string, MonthlyUsageRow>();
    const days = this.repo.daily(ResourceType.DATASET, fromMonth ? `${fromMonth}-01` : null, toMonth ? `${toMonth}-31` : null);
    for await (const d of days) {
      signal?.throwIfAborted();
      const known = datasets.get(d.resourceId);
      // Another portal's dataset (or, for a portal, one no longer in the catalog).
      if (!known && portalId !== null) continue;
      if (!access.seesAll && !access.canSeeDataset(d.resourceId)) continue;
      const month = d.day.slice(0, 7);
      const key = `${d.resourceId}\u0000${month}`;
      let r = rows.get(key);
      if (!r) {
        r = { datasetId: d.resourceId, datasetTitle: known ? known.title : null, month, views: 0, downloads: 0, apiCalls: 0 };
        rows.set(key, r);
      }
      r.views += typeof d.views === 'number' ? d.views : 0;
      r.downloads += typeof d.downloads === 'number' ? d.downloads : 0;
      r.apiCalls += typeof d.apiCalls === 'number' ? d.apiCalls : 0;
    }
    const out = [...rows.values()].filter((r) => r.views > 0 || r.downloads > 0 || r.apiCalls > 0);
    rows.clear();
    out.sort((a, b) => (a.datasetId !== b.datasetId ? (a.datasetId < b.datasetId ? -1 : 1) : a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
    yield* out;
  }
}
