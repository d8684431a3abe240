import DataLoader from 'dataloader';
import type { Collection } from 'mongodb';
import type { Store } from '../store/store';
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc, SpaceDoc, ThemeDoc, UserDoc } from '../store/catalog.documents';
import type { UsageTotalsDoc } from '../store/usage.documents';
import type { ReuseDoc } from '../store/reuse.documents';
import { findByArrayField, findByIds, findIn, IN_CHUNK } from '../store/find-in';
import type { CountryMap } from '../domain/country-usage';
import { orderByKey, groupByKey } from './order-by-key';

/** The per-request DataLoaders. Never shared between requests. */
export interface Loaders {
  dataset: DataLoader<string, DatasetDoc | null>;
  file: DataLoader<string, FileDoc | null>;
  collection: DataLoader<string, CollectionDoc | null>;
  space: DataLoader<string, SpaceDoc | null>;
  portal: DataLoader<string, PortalDoc | null>;
  user: DataLoader<string, UserDoc | null>;
  theme: DataLoader<string, ThemeDoc | null>;
  reuse: DataLoader<string, ReuseDoc | null>;
  /** Usage totals by `totalsId(type, id)`, without their countries. */
  usageTotals: DataLoader<string, UsageTotalsDoc | null>;
  /** The `countries` of usage totals by `totalsId(type, id)` (null: none stored). */
  countryTotals: DataLoader<string, CountryMap | null>;
  filesOfDataset: DataLoader<string, FileDoc[]>;
  datasetsOfCollection: DataLoader<string, DatasetDoc[]>;
  datasetsOfSpace: DataLoader<string, DatasetDoc[]>;
  datasetsOfTheme: DataLoader<string, DatasetDoc[]>;
  datasetsOfPortal: DataLoader<string, DatasetDoc[]>;
  childCollections: DataLoader<string, CollectionDoc[]>;
  collectionsOfSpace: DataLoader<string, CollectionDoc[]>;
  reusesOfDataset: DataLoader<string, ReuseDoc[]>;
  /** Every collection's parents (one read per request): subtree figures walk it. */
  collectionLinks(): Promise<Map<string, string[]>>;
  /** Values computed once per request, by key (dashboard scopes and scores, see DashboardService). */
  memo: Map<string, unknown>;
}

function byId<T extends { _id: string }>(col: Collection<T>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => orderByKey(ids, await findByIds(col, ids), (d) => d._id), {
    maxBatchSize: IN_CHUNK,
  });
}

/**
 * One-to-many loader. Children it loads are primed into `primeInto`, so a
 * later look-up of the same document by id (a file's parent dataset, say)
 * costs no extra query.
 */
function byArrayField<T extends { _id: string }>(
  col: Collection<T>,
  field: keyof T & string,
  primeInto?: DataLoader<string, T | null>,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(
    async (ids) => {
      const rows = await findByArrayField(col, field, ids);
      if (primeInto) for (const r of rows) primeInto.prime(r._id, r);
      return groupByKey(ids, rows, (d) => (d[field] as unknown as string[]) ?? []);
    },
    { maxBatchSize: IN_CHUNK },
  );
}

export function createLoaders(store: Store): Loaders {
  const dataset = byId(store.datasets);
  const file = byId(store.files);
  const collection = byId(store.collections);
  return {
    dataset,
    file,
    collection,
    space: byId(store.spaces),
    portal: byId(store.portals),
    user: byId(store.users),
    theme: byId(store.themes),
    reuse: byId(store.reuses),
    // Countries apart: only `countries` fields read them (hundreds of numbers on a popular dataset).
    usageTotals: new DataLoader<string, UsageTotalsDoc | null>(
      async (ids) => orderByKey(ids, await findIn(store.usageTotals, '_id', ids, { projection: { countries: 0, batches: 0 } }), (d) => d._id),
      { maxBatchSize: IN_CHUNK },
    ),
    countryTotals: new DataLoader<string, CountryMap | null>(
      async (ids) => {
        const docs = await findIn(store.usageTotals, '_id', ids, { projection: { countries: 1 } });
        const byKey = new Map(docs.map((d) => [d._id, ((d as { countries?: CountryMap }).countries ?? null) as CountryMap | null]));
        return ids.map((id) => byKey.get(id) ?? null);
      },
      { maxBatchSize: IN_CHUNK },
    ),
    filesOfDataset: byArrayField(store.files, 'datasetIds', file),
    datasetsOfCollection: byArrayField(store.datasets, 'collectionIds', dataset),
    datasetsOfSpace: byArrayField(store.datasets, 'spaceIds', dataset),
    datasetsOfTheme: byArrayField(store.datasets, 'themeIds', dataset),
    datasetsOfPortal: new DataLoader<string, DatasetDoc[]>(async (ids) => {
      const rows = await findByArrayField(store.datasets, 'portalId', ids);
      for (const r of rows) dataset.prime(r._id, r);
      return groupByKey(ids, rows, (d) => [d.portalId]);
    }),
    childCollections: byArrayField(store.collections, 'parentCollectionIds', collection),
    collectionsOfSpace: byArrayField(store.collections, 'spaceIds', collection),
    reusesOfDataset: byArrayField(store.reuses, 'datasetIds'),
    collectionLinks: (() => {
      let links: Promise<Map<string, string[]>> | null = null;
      return () =>
        (links ??= store.collections
          .find({}, { projection: { _id: 1, parentCollectionIds: 1 } })
          .toArray()
          .then((docs) => new Map(docs.map((d) => [d._id, d.parentCollectionIds ?? []]))));
    })(),
    memo: new Map(),
  };
}
