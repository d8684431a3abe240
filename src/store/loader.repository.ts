import type { Collection } from 'mongodb';
import type { Store } from './store';
import type { UsageTotalsDoc } from './usage.documents';
import type { CatalogCollection, CatalogDocs } from './catalog.repository';
import { findByArrayField, findByIds, findIn } from './find-in';
import type { CountryMap } from '../domain/country-usage';

/**
 * The batched reads behind the per-request DataLoaders (loaders/create-loaders.ts):
 * each is one `$in` command per `IN_CHUNK` keys (find-in.ts), so a level of a usage
 * tree costs one command whatever its width.
 */
export class LoaderRepository {
  constructor(private readonly store: Store) {}

  /** Documents of `name` whose `_id` is in `ids`, in no particular order. */
  byIds<K extends CatalogCollection>(name: K, ids: readonly string[]): Promise<CatalogDocs[K][]> {
    return findByIds(this.col(name), ids);
  }

  /** Documents of `name` whose `field` (a value or an array) holds one of `ids`, by `_id`. */
  byField<K extends CatalogCollection>(name: K, field: keyof CatalogDocs[K] & string, ids: readonly string[]): Promise<CatalogDocs[K][]> {
    return findByArrayField(this.col(name), field, ids);
  }

  /**
   * Usage totals by key, without their countries (hundreds of numbers on a
   * popular dataset, read apart by {@link countries}) nor their batch marks.
   */
  usageTotals(keys: readonly string[]): Promise<UsageTotalsDoc[]> {
    return findIn(this.store.usageTotals, '_id', keys, { projection: { countries: 0, batches: 0 } });
  }

  /** The `countries` of usage totals by key (null: none stored; absent: no document). */
  async countries(keys: readonly string[]): Promise<Map<string, CountryMap | null>> {
    const docs = await findIn(this.store.usageTotals, '_id', keys, { projection: { countries: 1 } });
    return new Map(docs.map((d) => [d._id, ((d as { countries?: CountryMap }).countries ?? null) as CountryMap | null]));
  }

  /** Every collection's parents, in one read. */
  async collectionParents(): Promise<Map<string, string[]>> {
    const docs = await this.store.collections.find({}, { projection: { _id: 1, parentCollectionIds: 1 } }).toArray();
    return new Map(docs.map((d) => [d._id, d.parentCollectionIds ?? []]));
  }

  private col<K extends CatalogCollection>(name: K): Collection<CatalogDocs[K]> {
    return this.store[name] as unknown as Collection<CatalogDocs[K]>;
  }
}
