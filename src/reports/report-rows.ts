/**
 * Pure row building for the usage reports: from plain catalog documents,
 * lookup maps and usage counts to typed row objects (what GraphQL returns)
 * and (report-records.ts) from rows to CSV records. No I/O here;
 * the data is read by `src/store/report.repository.ts` and the reports are
 * put together by `report.service.ts`.
 *
 * Permission rules applied here (docs/permissions.md):
 * - a dataset row is built only if the caller may see the dataset;
 * - a file row only if the caller may see one of its datasets, and its
 *   parent datasets, and the collections and spaces derived from them, are
 *   only the *visible* datasets' (a public file that also sits in a private
 *   dataset never reveals that dataset's id or name, nor its collections or
 *   spaces);
 * - collections have no visibility of their own in this gateway: every
 *   ADMIN or USER caller sees every collection row;
 * - an admin sees everything, including usage left by a resource that is no
 *   longer in the catalog (its name cells are then blank).
 *
 * @packageDocumentation
 */
import { ResourceType, type Visibility } from '../domain/resources';
import type { Caller } from '../auth/caller';
import { canSeeDataset } from '../auth/visibility';

// ---------------------------------------------------------------------------
// Inputs: what the repository reads (projections of the stored documents)
// ---------------------------------------------------------------------------

/** A resource referenced by id, with its display name. */
export interface NamedRef {
  id: string;
  name: string;
}

export interface UserInfo {
  name: string;
}

export interface SpaceInfo {
  name: string;
}

export interface CollectionInfo {
  name: string;
  ownerId: string | null;
  parentCollectionIds: readonly string[];
  spaceIds: readonly string[];
  createdAt: Date | null;
}

export interface DatasetInfo {
  title: string;
  portalId: string;
  ownerId: string | null;
  spaceIds: readonly string[];
  collectionIds: readonly string[];
  published: boolean;
  visibility: Visibility;
  createdAt: Date | null;
}

export interface FileInfo {
  title: string;
  sizeBytes: number;
  datasetIds: readonly string[];
  ownerId: string | null;
  /** Epoch ms (NaN: unknown): reports keep many files at once. */
  createdAtMs: number;
}

/** The catalog, read once per report into maps keyed by id. */
export interface CatalogLookup {
  users: ReadonlyMap<string, UserInfo>;
  spaces: ReadonlyMap<string, SpaceInfo>;
  collections: ReadonlyMap<string, CollectionInfo>;
  datasets: ReadonlyMap<string, DatasetInfo>;
}

/** Regular (human) usage of one resource, or of one (user, resource) pair, as rows show it. */
export interface UsageCounts extends MachineCounts {
  views: number;
  downloads: number;
  apiCalls: number;
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
}

/** Machine traffic (counted apart) and robot events (never counted), shown beside regular use. */
export interface MachineCounts {
  machineViews: number;
  machineDownloads: number;
  machineApiCalls: number;
  robotEvents: number;
}

export function emptyUsage(): UsageCounts {
  return { views: 0, downloads: 0, apiCalls: 0, lastViewedAt: null, lastDownloadedAt: null, machineViews: 0, machineDownloads: 0, machineApiCalls: 0, robotEvents: 0 };
}

/**
 * The same usage, compact: numbers only, times as epoch milliseconds (NaN =
 * never). A report keeps one of these per active resource until it can
 * sort them, so it avoids two Date objects per row (docs/reports.md,
 * "Memory").
 */
export interface UsageAcc extends MachineCounts {
  views: number;
  downloads: number;
  apiCalls: number;
  lastViewedMs: number;
  lastDownloadedMs: number;
}

/** Counters as stored (absent fields are 0). */
export interface StoredCounts {
  views?: number | null;
  downloads?: number | null;
  apiCalls?: number | null;
  machineViews?: number | null;
  machineDownloads?: number | null;
  machineApiCalls?: number | null;
  robotEvents?: number | null;
  lastViewedAt?: Date | null;
  lastDownloadedAt?: Date | null;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function ms(v: unknown): number {
  return v instanceof Date ? v.getTime() : NaN;
}

function dateOf(t: number): Date | null {
  return Number.isNaN(t) ? null : new Date(t);
}

export function newAcc(): UsageAcc {
  return { views: 0, downloads: 0, apiCalls: 0, lastViewedMs: NaN, lastDownloadedMs: NaN, machineViews: 0, machineDownloads: 0, machineApiCalls: 0, robotEvents: 0 };
}

/** Usage of an all-time document (`usage_totals`, `usage_by_user`). */
export function accFromTotals(doc: StoredCounts): UsageAcc {
  return {
    views: num(doc.views),
    downloads: num(doc.downloads),
    apiCalls: num(doc.apiCalls),
    lastViewedMs: ms(doc.lastViewedAt),
    lastDownloadedMs: ms(doc.lastDownloadedAt),
    machineViews: num(doc.machineViews),
    machineDownloads: num(doc.machineDownloads),
    machineApiCalls: num(doc.machineApiCalls),
    robotEvents: num(doc.robotEvents),
  };
}

/** Start of a UTC day `YYYY-MM-DD`, epoch ms. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/**
 * Adds one `usage_daily` bucket to the usage of a resource over a window.
 * Daily buckets carry no times, so the last view / download in a window is
 * known to the day: it is the start (00:00:00.000Z) of the last UTC day in
 * the window with such activity (docs/reports.md).
 */
export function addDaily(into: UsageAcc, doc: StoredCounts & { day: string }): UsageAcc {
  const views = num(doc.views);
  const downloads = num(doc.downloads);
  into.views += views;
  into.downloads += downloads;
  into.apiCalls += num(doc.apiCalls);
  into.machineViews += num(doc.machineViews);
  into.machineDownloads += num(doc.machineDownloads);
  into.machineApiCalls += num(doc.machineApiCalls);
  into.robotEvents += num(doc.robotEvents);
  if (views > 0 || downloads > 0) {
    const d = dayStartMs(doc.day);
    // `!(a >= d)` is also true when a is NaN (never).
    if (views > 0 && !(into.lastViewedMs >= d)) into.lastViewedMs = d;
    if (downloads > 0 && !(into.lastDownloadedMs >= d)) into.lastDownloadedMs = d;
  }
  return into;
}

/** A compact usage as rows show it. */
export function usageOf(a: UsageAcc): UsageCounts {
  return {
    views: a.views,
    downloads: a.downloads,
    apiCalls: a.apiCalls,
    lastViewedAt: dateOf(a.lastViewedMs),
    lastDownloadedAt: dateOf(a.lastDownloadedMs),
    machineViews: a.machineViews,
    machineDownloads: a.machineDownloads,
    machineApiCalls: a.machineApiCalls,
    robotEvents: a.robotEvents,
  };
}

/**
 * Whether a resource has activity worth a report row (Clowder: "views or
 * downloads > 0"; collections have no downloads, so views > 0).
 */
export function isActive(type: ResourceType, u: Pick<UsageCounts, 'views' | 'downloads'>): boolean {
  return type === ResourceType.COLLECTION ? u.views > 0 : u.views > 0 || u.downloads > 0;
}

// ---------------------------------------------------------------------------
// Who sees what
// ---------------------------------------------------------------------------

/** What one caller may see in a report, with a per-report memo. */
export interface ReportAccess {
  /** Admins see every row and every parent. */
  readonly seesAll: boolean;
  /** Rows of the by-user reports are limited to this user (null: all users). */
  readonly onlyUserId: string | null;
  /** Whether the dataset exists in the catalog and the caller may see it. */
  canSeeDataset(id: string): boolean;
}

/**
 * The access of a caller over a catalog. Callers are expected to be ADMIN
 * or USER here (the service refuses anonymous and TRACKER callers first);
 * for anyone else this still only grants what `canSeeDataset` grants.
 */
export function reportAccess(caller: Caller, datasets: ReadonlyMap<string, DatasetInfo>): ReportAccess {
  const seesAll = caller.kind === 'user' && caller.role === 'ADMIN';
  const memo = new Map<string, boolean>();
  return {
    seesAll,
    onlyUserId: seesAll || caller.kind !== 'user' ? null : caller.userId,
    canSeeDataset(id: string): boolean {
      let v = memo.get(id);
      if (v === undefined) {
        const d = datasets.get(id);
        v = d !== undefined && canSeeDataset({ ...d, ownerId: d.ownerId, spaceIds: [...d.spaceIds] }, caller);
        memo.set(id, v);
      }
      return v;
    },
  };
}

// ---------------------------------------------------------------------------
// Resource report rows (files, datasets, collections)
// ---------------------------------------------------------------------------

/**
 * One row of the file, dataset or collection report. Fields a type lacks
 * are null (collections: `downloads`, `lastDownloadedAt`; datasets and
 * collections: `sizeKb`, `location`, `status`) or empty (`parentDatasets`
 * of datasets and collections).
 */
export interface ResourceReportRow {
  type: ResourceType;
  id: string;
  /** Title (files, datasets) or name (collections); null when the resource left the catalog. */
  name: string | null;
  owner: NamedRef | null;
  views: number;
  downloads: number | null;
  apiCalls: number;
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
  /** Files: size in KiB, `round(bytes / 1024)`. */
  sizeKb: number | null;
  /** Files: upload date; datasets and collections: creation date. */
  createdAt: Date | null;
  /** Files: storage location. The gateway knows none: always ''. */
  location: string | null;
  /** Files: Clowder's processing status. Files are registered by portals once stored: always 'PROCESSED'. */
  status: string | null;
  parentDatasets: NamedRef[];
  parentCollections: NamedRef[];
  parentSpaces: NamedRef[];
  /** Datasets: their portal; files: the portal of their first visible dataset; collections: null. */
  portalId: string | null;
  /** Datasets only. */
  visibility: Visibility | null;
  machineViews: number;
  machineDownloads: number | null;
  machineApiCalls: number;
  robotEvents: number;
}

/** `status` of every file row (see {@link ResourceReportRow.status}). */
export const FILE_STATUS = 'PROCESSED';
/** `location` of every file row (see {@link ResourceReportRow.location}). */
export const FILE_LOCATION = '';

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/** Named refs for the ids found in `map`, in the given order, without duplicates; unknown ids are dropped. */
export function namedRefs<T>(ids: Iterable<string>, map: ReadonlyMap<string, T>, nameOf: (v: T) => string): NamedRef[] {
  const out: NamedRef[] = [];
  for (const id of unique(ids)) {
    const v = map.get(id);
    if (v !== undefined) out.push({ id, name: nameOf(v) });
  }
  return out;
}

function ownerRef(ownerId: string | null | undefined, lookup: CatalogLookup): NamedRef | null {
  if (!ownerId) return null;
  return { id: ownerId, name: lookup.users.get(ownerId)?.name ?? '' };
}

const spaceName = (s: SpaceInfo): string => s.name;
const collectionName = (c: CollectionInfo): string => c.name;
const datasetTitle = (d: DatasetInfo): string => d.title;

/**
 * The row of a file, or null when the caller may see none of its datasets.
 * Parent datasets are the visible ones only; parent collections and spaces
 * are those of the visible parent datasets, in order, without duplicates.
 */
export function buildFileRow(
  id: string,
  file: FileInfo | undefined,
  usage: UsageCounts,
  lookup: CatalogLookup,
  access: ReportAccess,
): ResourceReportRow | null {
  const visibleDatasets = file ? unique(file.datasetIds).filter((d) => access.canSeeDataset(d)) : [];
  if (!access.seesAll && visibleDatasets.length === 0) return null;
  const dsInfos = visibleDatasets.map((d) => lookup.datasets.get(d)!);
  return {
    type: ResourceType.FILE,
    id,
    name: file ? file.title : null,
    owner: ownerRef(file?.ownerId, lookup),
    views: usage.views,
    downloads: usage.downloads,
    apiCalls: usage.apiCalls,
    lastViewedAt: usage.lastViewedAt,
    lastDownloadedAt: usage.lastDownloadedAt,
    sizeKb: file ? Math.round(num(file.sizeBytes) / 1024) : null,
    createdAt: file ? dateOf(file.createdAtMs) : null,
    location: file ? FILE_LOCATION : null,
    status: file ? FILE_STATUS : null,
    parentDatasets: namedRefs(visibleDatasets, lookup.datasets, datasetTitle),
    parentCollections: namedRefs(dsInfos.flatMap((d) => d.collectionIds), lookup.collections, collectionName),
    parentSpaces: namedRefs(dsInfos.flatMap((d) => d.spaceIds), lookup.spaces, spaceName),
    portalId: dsInfos[0]?.portalId ?? null,
    visibility: null,
    ...machineOf(usage),
  };
}

function machineOf(u: UsageCounts, downloads = true): Pick<ResourceReportRow, 'machineViews' | 'machineDownloads' | 'machineApiCalls' | 'robotEvents'> {
  return { machineViews: u.machineViews, machineDownloads: downloads ? u.machineDownloads : null, machineApiCalls: u.machineApiCalls, robotEvents: u.robotEvents };
}

/** The row of a dataset, or null when the caller may not see it. */
export function buildDatasetRow(id: string, usage: UsageCounts, lookup: CatalogLookup, access: ReportAccess): ResourceReportRow | null {
  const d = lookup.datasets.get(id);
  if (!access.seesAll && !access.canSeeDataset(id)) return null;
  return {
    type: ResourceType.DATASET,
    id,
    name: d ? d.title : null,
    owner: ownerRef(d?.ownerId, lookup),
    views: usage.views,
    downloads: usage.downloads,
    apiCalls: usage.apiCalls,
    lastViewedAt: usage.lastViewedAt,
    lastDownloadedAt: usage.lastDownloadedAt,
    sizeKb: null,
    createdAt: d?.createdAt ?? null,
    location: null,
    status: null,
    parentDatasets: [],
    parentCollections: d ? namedRefs(d.collectionIds, lookup.collections, collectionName) : [],
    parentSpaces: d ? namedRefs(d.spaceIds, lookup.spaces, spaceName) : [],
    portalId: d?.portalId ?? null,
    visibility: d?.visibility ?? null,
    ...machineOf(usage),
  };
}

/**
 * The row of a collection. Collections have no visibility of their own: any
 * ADMIN or USER sees them (as the catalog API does); only an admin sees usage
 * of a collection no longer in the catalog.
 */
export function buildCollectionRow(id: string, usage: UsageCounts, lookup: CatalogLookup, access: ReportAccess): ResourceReportRow | null {
  const c = lookup.collections.get(id);
  if (!c && !access.seesAll) return null;
  return {
    type: ResourceType.COLLECTION,
    id,
    name: c ? c.name : null,
    owner: ownerRef(c?.ownerId, lookup),
    views: usage.views,
    downloads: null,
    apiCalls: usage.apiCalls,
    lastViewedAt: usage.lastViewedAt,
    lastDownloadedAt: null,
    sizeKb: null,
    createdAt: c?.createdAt ?? null,
    location: null,
    status: null,
    parentDatasets: [],
    parentCollections: c ? namedRefs(c.parentCollectionIds, lookup.collections, collectionName) : [],
    parentSpaces: c ? namedRefs(c.spaceIds, lookup.spaces, spaceName) : [],
    portalId: null,
    visibility: null,
    ...machineOf(usage, false),
  };
}

// ---------------------------------------------------------------------------
// Order and keyset cursors
// ---------------------------------------------------------------------------

/** A sort key: compared element by element (numbers numerically, strings by code unit). */
export type SortKey = readonly (string | number)[];

export function compareKeys(a: SortKey, b: SortKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Order of the merged report: Clowder writes collections, then datasets,
 * then files.
 */
export const TYPE_ORDER: Readonly<Record<ResourceType, number>> = Object.freeze({
  [ResourceType.COLLECTION]: 0,
  [ResourceType.DATASET]: 1,
  [ResourceType.FILE]: 2,
});

/**
 * Sort key of a resource row: type (merged report), downloads desc, views
 * desc, id asc. Collections have no downloads: views desc, id asc.
 */
export function resourceSortKey(type: ResourceType, id: string, u: Pick<UsageCounts, 'views' | 'downloads'>): SortKey {
  const downloads = type === ResourceType.COLLECTION ? 0 : u.downloads;
  return [TYPE_ORDER[type], -downloads, -u.views, id];
}

export function resourceRowKey(r: ResourceReportRow): SortKey {
  return resourceSortKey(r.type, r.id, { views: r.views, downloads: r.downloads ?? 0 });
}

// ---------------------------------------------------------------------------
// By-user rows
// ---------------------------------------------------------------------------

/** One row of a by-user report: one (user, resource) pair, all-time, regular traffic. */
export interface ByUserReportRow {
  type: ResourceType;
  id: string;
  name: string | null;
  user: NamedRef;
  views: number;
  /** Null for collections. */
  downloads: number | null;
  apiCalls: number;
  lastViewedAt: Date | null;
  /** Null for collections. */
  lastDownloadedAt: Date | null;
}

/**
 * A by-user row, or null when the caller may not see it: a non-admin sees
 * only their own rows, and only for resources they may see (a file: one of
 * its datasets is visible; a collection: it is in the catalog).
 */
export function buildByUserRow(
  type: ResourceType,
  resourceId: string,
  userId: string,
  usage: UsageCounts,
  lookup: CatalogLookup,
  access: ReportAccess,
  files: ReadonlyMap<string, Pick<FileInfo, 'title' | 'datasetIds'>>,
): ByUserReportRow | null {
  if (access.onlyUserId !== null && userId !== access.onlyUserId) return null;
  let name: string | null;
  let visible: boolean;
  switch (type) {
    case ResourceType.FILE: {
      const f = files.get(resourceId);
      name = f ? f.title : null;
      visible = !!f && f.datasetIds.some((d) => access.canSeeDataset(d));
      break;
    }
    case ResourceType.DATASET: {
      const d = lookup.datasets.get(resourceId);
      name = d ? d.title : null;
      visible = access.canSeeDataset(resourceId);
      break;
    }
    case ResourceType.COLLECTION: {
      const c = lookup.collections.get(resourceId);
      name = c ? c.name : null;
      visible = !!c;
      break;
    }
  }
  if (!access.seesAll && !visible) return null;
  const isCollection = type === ResourceType.COLLECTION;
  return {
    type,
    id: resourceId,
    name,
    user: { id: userId, name: lookup.users.get(userId)?.name ?? '' },
    views: usage.views,
    downloads: isCollection ? null : usage.downloads,
    apiCalls: usage.apiCalls,
    lastViewedAt: usage.lastViewedAt,
    lastDownloadedAt: isCollection ? null : usage.lastDownloadedAt,
  };
}

/** By-user order: downloads desc, views desc, resource id asc, user id asc (collections: no downloads). */
export function byUserSortKey(type: ResourceType, resourceId: string, userId: string, u: Pick<UsageCounts, 'views' | 'downloads'>): SortKey {
  const downloads = type === ResourceType.COLLECTION ? 0 : u.downloads;
  return [-downloads, -u.views, resourceId, userId];
}

export function byUserRowKey(r: ByUserReportRow): SortKey {
  return byUserSortKey(r.type, r.id, r.user.id, { views: r.views, downloads: r.downloads ?? 0 });
}

// ---------------------------------------------------------------------------
// Monthly export rows
// ---------------------------------------------------------------------------

/** One row of the monthly export: one dataset in one month (UTC). */
export interface MonthlyUsageRow {
  datasetId: string;
  datasetTitle: string | null;
  /** `YYYY-MM`. */
  month: string;
  views: number;
  downloads: number;
  apiCalls: number;
}

export function monthlyRowKey(r: MonthlyUsageRow): SortKey {
  return [r.datasetId, r.month];
}

// CSV records live in report-records.ts; re-exported for the routes and tests.
export * from './report-records';
