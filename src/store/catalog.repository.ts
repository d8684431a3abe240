import type { Collection, Document, Filter } from 'mongodb';
import type { Store } from './store';
import type { DatasetDoc, FileDoc, UserDoc } from './documents';
import { ResourceType } from '../domain/resources';

/**
 * Keys per `$in` query, and documents per reply batch. Large enough that a
 * whole level of a usage tree is one command (so the command count of a
 * nested query follows its depth, not its size), small enough to stay far
 * below the 16 MiB command and reply limits.
 */
export const IN_CHUNK = 20_000;
const BATCH_SIZE = 20_000;

/** Documents whose `_id` is in `ids`, in no particular order. */
export async function findByIds<T extends { _id: string }>(
  col: Collection<T>,
  ids: readonly string[],
  filter: Filter<T> = {},
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    const f = { $and: [{ _id: { $in: chunk } }, filter] } as unknown as Filter<T>;
    out.push(...((await col.find(f).batchSize(BATCH_SIZE).toArray()) as T[]));
  }
  return out;
}

/** Documents whose array field `field` contains one of `ids`. */
export async function findByArrayField<T extends Document>(
  col: Collection<T>,
  field: string,
  ids: readonly string[],
  filter: Filter<T> = {},
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    const f = { $and: [{ [field]: { $in: chunk } }, filter] } as unknown as Filter<T>;
    out.push(...((await col.find(f).sort({ _id: 1 }).batchSize(BATCH_SIZE).toArray()) as T[]));
  }
  return out;
}

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
    const col = this.collectionFor(type);
    const found: string[] = [];
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const docs = await col.find({ _id: { $in: ids.slice(i, i + IN_CHUNK) } }, { projection: { _id: 1 } }).toArray();
      found.push(...docs.map((d) => d._id));
    }
    return new Set(found);
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

  filesPage(filter: Filter<FileDoc>, first: number, after: string | null): Promise<Page<FileDoc>> {
    return this.page(this.store.files, filter, first, after);
  }
}
