/**
 * Pure row building for the usage reports: from catalog lookup maps and
 * usage counts (report-usage.ts) to typed row objects, what GraphQL
 * returns; report-records.ts turns rows into CSV records and
 * report-order.ts orders them. No I/O here: the data is read by
 * `src/store/report.repository.ts` and the row sources are
 * resource-report.ts, by-user-report.ts and monthly-export.ts.
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
import type { ReportAccess } from '../auth/report-access';
import type { CollectionInfo, DatasetInfo, FileInfo, SpaceInfo, UserInfo } from '../store/report.repository';
import { dateOf, num, type UsageCounts } from './report-usage';

// ---------------------------------------------------------------------------
// Inputs: what the repository reads (its projections of the stored
// documents are defined in store/report.repository.ts)
// ---------------------------------------------------------------------------

/** A resource referenced by id, with its display name. */
export interface NamedRef {
  id: string;
  name: string;
}

/** The catalog, read once per report into maps keyed by id. */
export interface CatalogLookup {
  users: ReadonlyMap<string, UserInfo>;
  spaces: ReadonlyMap<string, SpaceInfo>;
  collections: ReadonlyMap<string, CollectionInfo>;
  datasets: ReadonlyMap<string, DatasetInfo>;
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
