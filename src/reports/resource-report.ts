/**
 * The row source of the file, dataset, collection and merged reports.
 *
 * Memory: the small catalog collections are read into maps, the usage
 * documents and the files stream through cursors, and per active resource
 * only its counts (and for files the projected file document) are kept
 * until they can be sorted; row objects are made one at a time while the
 * client reads (docs/reports.md, "Memory and time").
 *
 * @packageDocumentation
 */
import { ResourceType } from '../domain/resources';
import type { Caller } from '../domain/caller';
import { reportAccess, type ReportAccess } from '../auth/report-access';
import type { FileInfo, ReportRepository } from '../store/report.repository';
import type { ReportWindow } from './report-params';
import { portalFilter, readCatalog } from './report-catalog';
import { RESOURCE_ORDER } from './report-order';
import { buildCollectionRow, buildDatasetRow, buildFileRow, type CatalogLookup, type ResourceReportRow } from './report-rows';
import { accFromTotals, addDaily, isActive, newAcc, usageOf, type UsageAcc } from './report-usage';

/**
 * One active resource while a report is being put together: its usage,
 * compact (numbers only), and for files the projected file document. One
 * object per row; row objects are only made when the row is written.
 */
interface Entry extends UsageAcc {
  id: string;
  file: FileInfo | null;
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

/** The row of an entry, or null when the caller may not see it. */
function rowOf(type: ResourceType, e: Entry, file: FileInfo | undefined, lookup: CatalogLookup, access: ReportAccess): ResourceReportRow | null {
  switch (type) {
    case ResourceType.FILE:
      return buildFileRow(e.id, file, usageOf(e), lookup, access);
    case ResourceType.DATASET:
      return buildDatasetRow(e.id, usageOf(e), lookup, access);
    case ResourceType.COLLECTION:
      return buildCollectionRow(e.id, usageOf(e), lookup, access);
  }
}

/**
 * Rows of `types`, one type after the other, for `caller` over `window`,
 * narrowed to a portal's when `portalId` is set. `stream`: all-time rows in
 * storage order instead of sorted ({@link streamedRowsOfType}).
 */
export async function* resourceRows(
  repo: ReportRepository,
  caller: Caller,
  types: readonly ResourceType[],
  window: ReportWindow,
  signal: AbortSignal | undefined,
  portalId: string | null,
  stream: boolean,
): AsyncGenerator<ResourceReportRow> {
  // A portal filter needs the datasets even for collections (which hold them).
  const needDatasets = portalId !== null || types.some((t) => t !== ResourceType.COLLECTION);
  const lookup = await readCatalog(repo, needDatasets);
  const access = reportAccess(caller, lookup.datasets);
  const inPortal = portalId === null ? null : portalFilter(portalId, lookup);
  for (const type of types) {
    const rows = stream ? streamedRowsOfType(repo, type, lookup, access, signal) : sortedRowsOfType(repo, type, window, lookup, access, signal);
    for await (const row of rows) {
      if (inPortal === null || inPortal(row.type, row.id, row.parentDatasets.map((p) => p.id))) yield row;
    }
  }
}

/** Regular usage of every active resource of a type, all-time or over a window, by resource id. */
async function activeUsage(repo: ReportRepository, type: ResourceType, window: ReportWindow, signal: AbortSignal | undefined): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  if (window.fromDay === null && window.toDay === null) {
    for await (const d of repo.totals(type)) {
      // The client went away: stop reading (the cursor is closed on the way out).
      signal?.throwIfAborted();
      const acc = accFromTotals(d);
      if (isActive(type, acc)) out.set(d.resourceId, { id: d.resourceId, file: null, ...acc });
    }
    return out;
  }
  for await (const d of repo.daily(type, window.fromDay, window.toDay)) {
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

/**
 * All-time rows of a type in storage order, a chunk of totals at a time
 * (files joined by id per chunk): the first row is written after one
 * chunk is read, whatever the size of the report. Usage of files no
 * longer in the catalog is left out (the sorted report lists it for
 * admins).
 */
async function* streamedRowsOfType(
  repo: ReportRepository,
  type: ResourceType,
  lookup: CatalogLookup,
  access: ReportAccess,
  signal: AbortSignal | undefined,
): AsyncGenerator<ResourceReportRow> {
  // A small first chunk (and cursor batch) gets the first row out fast.
  let size = 200;
  let chunk: Entry[] = [];
  const flush = async function* (entries: Entry[]): AsyncGenerator<ResourceReportRow> {
    const files = type === ResourceType.FILE ? await repo.filesByIds(entries.map((e) => e.id)) : null;
    for (const e of entries) {
      signal?.throwIfAborted();
      let file: FileInfo | undefined;
      if (files !== null) {
        file = files.get(e.id);
        if (!file || (!access.seesAll && !file.datasetIds.some((d) => access.canSeeDataset(d)))) continue;
      }
      const row = rowOf(type, e, file, lookup, access);
      if (row) yield row;
    }
  };
  for await (const d of repo.totals(type, 500)) {
    signal?.throwIfAborted();
    const acc = accFromTotals(d);
    if (!isActive(type, acc)) continue;
    chunk.push({ id: d.resourceId, file: null, ...acc });
    if (chunk.length >= size) {
      yield* flush(chunk);
      chunk = [];
      size = 1000;
    }
  }
  yield* flush(chunk);
}

/** Rows of a type in {@link RESOURCE_ORDER}. */
async function* sortedRowsOfType(
  repo: ReportRepository,
  type: ResourceType,
  window: ReportWindow,
  lookup: CatalogLookup,
  access: ReportAccess,
  signal: AbortSignal | undefined,
): AsyncGenerator<ResourceReportRow> {
  const usage = await activeUsage(repo, type, window, signal);
  let entries: Entry[];
  if (type === ResourceType.FILE) {
    // Join with the files in one pass; keep only active files the caller may see.
    entries = [];
    const datasetId = interner(lookup.datasets.keys());
    const userId = interner(lookup.users.keys());
    for await (const f of repo.files()) {
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
  entries.sort(RESOURCE_ORDER[type].compare);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    // Let the entry go once written: memory falls while the report streams.
    (entries as (Entry | undefined)[])[i] = undefined;
    const row = rowOf(type, e, e.file ?? undefined, lookup, access);
    if (row) yield row;
  }
}
