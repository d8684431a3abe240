import type { Collection, Filter } from 'mongodb';
import type { Store } from './store';
import type { DatasetDoc, UserDoc } from './catalog.documents';
import { ResourceType, Visibility } from '../domain/resources';
import { findByIds, findIn } from './find-in';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Read side of the catalog. */
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

export class CatalogRepository {
  constructor(readonly store: Store) {}

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

  datasetsPage(filter: Filter<DatasetDoc>, first: number, after: string | null): Promise<Page<DatasetDoc>> {
    return this.page(this.store.datasets, filter, first, after);
  }
}
