import type { Collection, Filter } from 'mongodb';
import type { Store } from './store';
import type { DatasetDoc, UserDoc } from './documents';
import { ResourceType } from '../domain/resources';
import { findByIds, findIn } from './find-in';

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number;
}

/** Read side of the catalog. */
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
