import type { Collection, Filter } from 'mongodb';
import type { Store } from './store';
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc, SpaceDoc, ThemeDoc, UserDoc } from './catalog.documents';
import type { ReuseDoc } from './reuse.documents';
import { ResourceType, Visibility } from '../domain/resources';
import { findByIds, findIn } from './find-in';

/** The documents of each catalog collection, by collection name (portals push them all). */
export interface CatalogDocs {
  portals: PortalDoc;
  themes: ThemeDoc;
  users: UserDoc;
  spaces: SpaceDoc;
  collections: CollectionDoc;
  datasets: DatasetDoc;
  files: FileDoc;
  reuses: ReuseDoc;
}

export type CatalogCollection = keyof CatalogDocs;

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number;
}

/**
 * Which datasets a caller may list, as decided by `auth/visibility.ts`
 * (docs/permissions.md) and turned into a filter here.
 */
export type DatasetListScope =
  /** Every dataset (admins). */
  | { kind: 'all' }
  /** Published PUBLIC datasets only (anonymous callers, TRACKER keys). */
  | { kind: 'public' }
  /** Published PUBLIC ones, the user's own, and published ones in the user's spaces. */
  | { kind: 'user'; userId: string; spaceIds: readonly string[] };

/** The filter a dataset listing applies to the caller's visible datasets. */
export interface DatasetQueryFilter {
  portalId?: string | null;
  themeId?: string | null;
  collectionId?: string | null;
  spaceId?: string | null;
  visibility?: Visibility | null;
  published?: boolean | null;
}

/** The same rule as `canSeeDataset` (auth/visibility.ts), as a MongoDB filter. */
function datasetVisibilityFilter(scope: DatasetListScope): Filter<DatasetDoc> {
  const everyone: Filter<DatasetDoc> = { published: true, visibility: Visibility.PUBLIC };
  if (scope.kind === 'public') return everyone;
  if (scope.kind === 'all') return {};
  const or: Filter<DatasetDoc>[] = [everyone, { ownerId: scope.userId }];
  if (scope.spaceIds.length) or.push({ published: true, spaceIds: { $in: [...scope.spaceIds] } });
  return { $or: or };
}

/** What decides who may see a dataset, and its portal. */
export interface DatasetFacts {
  _id: string;
  portalId: string;
  published: boolean;
  visibility: Visibility;
  ownerId: string | null;
  spaceIds: string[];
}

/** A trackable resource as ingestion sees it. */
export interface ResourceFacts {
  /** Portals it belongs to (a file: its datasets' portals; a collection: none). */
  portalIds: string[];
  /** The datasets a FILE event also counts for. */
  datasetIds: string[];
  /** Visibility facts: the resource is visible when one of these is. */
  datasets: DatasetFacts[];
}

/** Read side of the catalog. */
export class CatalogRepository {
  constructor(private readonly store: Store) {}

  collectionFor(type: ResourceType): Collection<{ _id: string }> {
    switch (type) {
      case ResourceType.DATASET:
        return this.store.datasets as unknown as Collection<{ _id: string }>;
      case ResourceType.FILE:
        return this.store.files as unknown as Collection<{ _id: string }>;
      case ResourceType.COLLECTION:
        return this.store.collections as unknown as Collection<{ _id: string }>;
    }
  }

  async existingResourceIds(type: ResourceType, ids: readonly string[]): Promise<Set<string>> {
    const docs = await findIn(this.collectionFor(type), '_id', ids, { projection: { _id: 1 } });
    return new Set(docs.map((d) => d._id));
  }

  /**
   * What ingestion needs to know of resources: that they exist, their
   * portal, the datasets a file counts for, and what decides who may see
   * them. Three `$in` reads at most.
   */
  async ingestFacts(type: ResourceType, ids: readonly string[]): Promise<Map<string, ResourceFacts>> {
    const out = new Map<string, ResourceFacts>();
    if (!ids.length) return out;
    const datasetFacts = async (dsIds: readonly string[]): Promise<Map<string, DatasetFacts>> => {
      const docs = await findIn(this.store.datasets, '_id', dsIds, {
        projection: { _id: 1, portalId: 1, published: 1, visibility: 1, ownerId: 1, spaceIds: 1 },
      });
      return new Map(
        docs.map((d) => [
          d._id,
          { _id: d._id, portalId: d.portalId, published: d.published, visibility: d.visibility, ownerId: d.ownerId ?? null, spaceIds: d.spaceIds ?? [] },
        ]),
      );
    };
    if (type === ResourceType.DATASET) {
      for (const [id, d] of await datasetFacts(ids)) out.set(id, { portalIds: [d.portalId], datasetIds: [], datasets: [d] });
    } else if (type === ResourceType.FILE) {
      const files = await findIn(this.store.files, '_id', ids, { projection: { _id: 1, datasetIds: 1 } });
      const ds = await datasetFacts([...new Set(files.flatMap((f) => f.datasetIds ?? []))]);
      for (const f of files) {
        const datasets = (f.datasetIds ?? []).map((d) => ds.get(d)).filter((d): d is DatasetFacts => !!d);
        out.set(f._id, { portalIds: [...new Set(datasets.map((d) => d.portalId))], datasetIds: datasets.map((d) => d._id), datasets });
      }
    } else {
      const cols = await findIn(this.store.collections, '_id', ids, { projection: { _id: 1, ownerId: 1, spaceIds: 1 } });
      for (const c of cols) {
        // A collection is visible as a public published resource would be:
        // its name and figures are public in the usage tree.
        const facts: DatasetFacts = { _id: c._id, portalId: '', published: true, visibility: Visibility.PUBLIC, ownerId: c.ownerId ?? null, spaceIds: c.spaceIds ?? [] };
        out.set(c._id, { portalIds: [], datasetIds: [], datasets: [facts] });
      }
    }
    return out;
  }

  async usersAutomated(ids: readonly string[]): Promise<Map<string, boolean>> {
    if (!ids.length) return new Map();
    const users = await findByIds(this.store.users, ids);
    return new Map(users.map((u: UserDoc) => [u._id, u.automated === true]));
  }

  /** A page of documents sorted by `_id`, after the cursor `after`. */
  async page<T extends { _id: string }>(
    col: Collection<T>,
    filter: Filter<T>,
    first: number,
    after: string | null,
  ): Promise<Page<T>> {
    const f = (after ? { $and: [filter, { _id: { $gt: after } }] } : filter) as Filter<T>;
    const [docs, totalCount] = await Promise.all([
      col.find(f).sort({ _id: 1 }).limit(first + 1).batchSize(first + 1).toArray() as Promise<T[]>,
      col.countDocuments(filter),
    ]);
    return { nodes: docs.slice(0, first), hasNextPage: docs.length > first, totalCount };
  }

  /** A page of the datasets in `scope` that match `f`. */
  datasetsPage(scope: DatasetListScope, f: DatasetQueryFilter, first: number, after: string | null): Promise<Page<DatasetDoc>> {
    const and: Filter<DatasetDoc>[] = [datasetVisibilityFilter(scope)];
    if (f.portalId) and.push({ portalId: f.portalId });
    if (f.themeId) and.push({ themeIds: f.themeId });
    if (f.collectionId) and.push({ collectionIds: f.collectionId });
    if (f.spaceId) and.push({ spaceIds: f.spaceId });
    if (f.visibility) and.push({ visibility: f.visibility });
    if (f.published != null) and.push({ published: f.published });
    return this.page(this.store.datasets, { $and: and }, first, after);
  }

  /** A page of collections, of one space and/or roots only. */
  collectionsPage(f: { spaceId: string | null; rootsOnly: boolean }, first: number, after: string | null): Promise<Page<CollectionDoc>> {
    const filter: Filter<CollectionDoc> = {};
    if (f.spaceId) filter.spaceIds = f.spaceId;
    if (f.rootsOnly) filter.parentCollectionIds = { $size: 0 };
    return this.page(this.store.collections, filter, first, after);
  }

  portals(): Promise<PortalDoc[]> {
    return this.store.portals.find({}).sort({ _id: 1 }).toArray();
  }

  themes(): Promise<ThemeDoc[]> {
    return this.store.themes.find({}).sort({ name: 1, _id: 1 }).toArray();
  }
}
