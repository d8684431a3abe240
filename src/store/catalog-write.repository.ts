import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { Store } from './store';
import { bulkWriteTolerant } from './bulk';
import { findByIds } from './find-in';
import type { CatalogCollection, CatalogDocs } from './catalog.repository';

/** Write side of the catalog: upserts by id and the look-ups that check them first. */
export class CatalogWriteRepository {
  constructor(private readonly store: Store) {}

  /** Which of `ids` are stored in `name` (one `$in` read per chunk). */
  async existingIds(name: CatalogCollection, ids: readonly string[]): Promise<Set<string>> {
    return new Set((await findByIds(this.col(name), ids)).map((d) => d._id));
  }

  /** The stored parent links of these collections (those found). */
  async collectionParents(ids: readonly string[]): Promise<Map<string, readonly string[]>> {
    const docs = await findByIds(this.store.collections, ids);
    return new Map(docs.map((d) => [d._id, d.parentCollectionIds ?? []]));
  }

  /**
   * Upserts `items` by `_id`: every field is `$set`, except those
   * `insertOnly` names, which are written only when the document is new.
   * Returns the ids that existed before the write.
   */
  async upsertById<K extends CatalogCollection>(
    name: K,
    items: readonly CatalogDocs[K][],
    insertOnly: (item: CatalogDocs[K]) => Record<string, unknown>,
  ): Promise<Set<string>> {
    const col = this.col(name);
    const existing = new Set((await findByIds(col, items.map((i) => i._id))).map((d) => d._id));
    const ops = items.map((item): AnyBulkWriteOperation<Document> => {
      const { _id, ...fields } = item as { _id: string } & Document;
      const onInsert = insertOnly(item);
      for (const k of Object.keys(onInsert)) delete fields[k];
      const update: Document = { $set: fields };
      if (Object.keys(onInsert).length) update.$setOnInsert = onInsert;
      return { updateOne: { filter: { _id } as Document, update, upsert: true } };
    });
    await bulkWriteTolerant(col as unknown as Collection<Document>, ops);
    return existing;
  }

  private col(name: CatalogCollection): Collection<{ _id: string }> {
    return this.store[name] as unknown as Collection<{ _id: string }>;
  }
}
