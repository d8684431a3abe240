/**
 * The order of every report, given once. Each order is a list of sort-key
 * parts ({@link rowOrder}); the comparator that sorts a row source (CSV and
 * GraphQL alike) and the key that GraphQL keyset cursors hold are both
 * derived from that list, so a page boundary always falls where the sorted
 * source puts it. Pure.
 *
 * @packageDocumentation
 */
import { ResourceType } from '../domain/resources';
import type { ByUserReportRow, MonthlyUsageRow, ResourceReportRow } from './report-rows';
import type { UsageCounts } from './report-usage';

/** A sort key: compared element by element (numbers numerically, strings by code unit). */
export type SortKey = readonly (string | number)[];

/** One element of two sort keys, in the order {@link compareKeys} gives. */
function compareKeyParts(x: string | number | undefined, y: string | number | undefined): number {
  if (x === y) return 0;
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
  const sx = String(x);
  const sy = String(y);
  if (sx !== sy) return sx < sy ? -1 : 1;
  return 0;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareKeyParts(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** One element of a row's sort key. */
export type KeyPart<T> = (row: T) => string | number;

/**
 * An order of rows: `key` is the row's sort key (what a cursor holds);
 * `compare` sorts rows exactly as {@link compareKeys} sorts their keys,
 * without building them.
 */
export interface RowOrder<T> {
  readonly key: (row: T) => SortKey;
  readonly compare: (a: T, b: T) => number;
}

/** The order whose sort key is `parts`, compared in turn. */
export function rowOrder<T>(parts: readonly KeyPart<T>[]): RowOrder<T> {
  return Object.freeze({
    key: (row: T): SortKey => parts.map((part) => part(row)),
    compare: (a: T, b: T): number => {
      for (const part of parts) {
        const c = compareKeyParts(part(a), part(b));
        if (c !== 0) return c;
      }
      return 0;
    },
  });
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

/** Types of the merged report, in {@link TYPE_ORDER}. */
export const MERGED_TYPES: readonly ResourceType[] = Object.freeze(
  (Object.keys(TYPE_ORDER) as ResourceType[]).sort((a, b) => TYPE_ORDER[a] - TYPE_ORDER[b]),
);

/** What places a row of the file, dataset or collection report among the rows of its type. */
export interface ResourceOrderFields {
  readonly id: string;
  readonly views: number;
  /** Null (collections' rows) counts as 0. */
  readonly downloads: number | null;
}

/** What places a row of a by-user report. */
export interface ByUserOrderFields {
  readonly resourceId: string;
  readonly userId: string;
  readonly views: number;
  /** Null (collections' rows) counts as 0. */
  readonly downloads: number | null;
}

function perType<T>(orderOf: (type: ResourceType) => RowOrder<T>): Readonly<Record<ResourceType, RowOrder<T>>> {
  return Object.freeze({
    [ResourceType.COLLECTION]: orderOf(ResourceType.COLLECTION),
    [ResourceType.DATASET]: orderOf(ResourceType.DATASET),
    [ResourceType.FILE]: orderOf(ResourceType.FILE),
  });
}

/**
 * Resource rows, per type: type ({@link TYPE_ORDER}, for the merged report),
 * downloads desc, views desc, id asc. Collections have no downloads: views
 * desc, id asc.
 */
export const RESOURCE_ORDER = perType((type) => {
  const rank = TYPE_ORDER[type];
  const byDownloads = type !== ResourceType.COLLECTION;
  return rowOrder<ResourceOrderFields>([() => rank, (r) => -(byDownloads ? (r.downloads ?? 0) : 0), (r) => -r.views, (r) => r.id]);
});

/** By-user rows, per type: downloads desc, views desc, resource id asc, user id asc (collections: no downloads). */
export const BY_USER_ORDER = perType((type) => {
  const byDownloads = type !== ResourceType.COLLECTION;
  return rowOrder<ByUserOrderFields>([(r) => -(byDownloads ? (r.downloads ?? 0) : 0), (r) => -r.views, (r) => r.resourceId, (r) => r.userId]);
});

/** Monthly export rows: dataset id, then month. */
export const MONTHLY_ORDER = rowOrder<Pick<MonthlyUsageRow, 'datasetId' | 'month'>>([(r) => r.datasetId, (r) => r.month]);

/** The sort key of a resource of a type with this usage. */
export function resourceSortKey(type: ResourceType, id: string, u: Pick<UsageCounts, 'views' | 'downloads'>): SortKey {
  return RESOURCE_ORDER[type].key({ id, views: u.views, downloads: u.downloads });
}

export function resourceRowKey(r: ResourceReportRow): SortKey {
  return RESOURCE_ORDER[r.type].key(r);
}

export function byUserRowKey(r: ByUserReportRow): SortKey {
  return BY_USER_ORDER[r.type].key({ resourceId: r.id, userId: r.user.id, views: r.views, downloads: r.downloads });
}

export function monthlyRowKey(r: MonthlyUsageRow): SortKey {
  return MONTHLY_ORDER.key(r);
}
