import DataLoader from 'dataloader';
import type { Store } from '../store/store';
import type { CatalogCollection, CatalogDocs } from '../store/catalog.repository';
import { LoaderRepository } from '../store/loader.repository';
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc, SpaceDoc, ThemeDoc, UserDoc } from '../store/catalog.documents';
import type { UsageTotalsDoc } from '../store/usage.documents';
import type { ReuseDoc } from '../store/reuse.documents';
import { IN_CHUNK } from '../store/find-in';
import { totalsId } from '../store/storage-keys';
import type { ResourceType } from '../domain/resources';
import type { CountryMap } from '../domain/country-usage';
import { orderByKey, groupByKey } from './order-by-key';

/** A resource's key in the `usageTotals` and `countryTotals` loaders: its `_id` in `usage_totals` (store/storage-keys.ts). */
export function usageKey(type: ResourceType, id: string): string {
  return totalsId(type, id);
}

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
  /** Usage totals by {@link usageKey}, without their countries. */
  usageTotals: DataLoader<string, UsageTotalsDoc | null>;
  /** The `countries` of usage totals by {@link usageKey} (null: none stored). */
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

function byId<K extends CatalogCollection>(reads: LoaderRepository, name: K): DataLoader<string, CatalogDocs[K] | null> {
  return new DataLoader<string, CatalogDocs[K] | null>(async (ids) => orderByKey(ids, await reads.byIds(name, ids), (d) => d._id), {
    maxBatchSize: IN_CHUNK,
  });
}

/**
 * One-to-many loader. Children it loads are primed into `primeInto`, so a
 * later look-up of the same document by id (a file's parent dataset, say)
 * costs no extra query.
 */
function byArrayField<K extends CatalogCollection>(
  reads: LoaderRepository,
  name: K,
  field: keyof CatalogDocs[K] & string,
  primeInto?: DataLoader<string, CatalogDocs[K] | null>,
): DataLoader<string, CatalogDocs[K][]> {
  return new DataLoader<string, CatalogDocs[K][]>(
    async (ids) => {
      const rows = await reads.byField(name, field, ids);
      if (primeInto) for (const r of rows) primeInto.prime(r._id, r);
      return groupByKey(ids, rows, (d) => (d[field] as unknown as string[]) ?? []);
    },
    { maxBatchSize: IN_CHUNK },
  );
}

export function createLoaders(store: Store): Loaders {
  const reads = new LoaderRepository(store);
  const dataset = byId(reads, 'datasets');
  const file = byId(reads, 'files');
  const collection = byId(reads, 'collections');
  return {
    dataset,
    file,
    collection,
    space: byId(reads, 'spaces'),
    portal: byId(reads, 'portals'),
    user: byId(reads, 'users'),
    theme: byId(reads, 'themes'),
    reuse: byId(reads, 'reuses'),
    // Countries apart: only `countries` fields read them (hundreds of numbers on a popular dataset).
    usageTotals: new DataLoader<string, UsageTotalsDoc | null>(async (ids) => orderByKey(ids, await reads.usageTotals(ids), (d) => d._id), {
      maxBatchSize: IN_CHUNK,
    }),
    countryTotals: new DataLoader<string, CountryMap | null>(
      async (ids) => {
        const byKey = await reads.countries(ids);
        return ids.map((id) => byKey.get(id) ?? null);
      },
      { maxBatchSize: IN_CHUNK },
    ),
    filesOfDataset: byArrayField(reads, 'files', 'datasetIds', file),
    datasetsOfCollection: byArrayField(reads, 'datasets', 'collectionIds', dataset),
    datasetsOfSpace: byArrayField(reads, 'datasets', 'spaceIds', dataset),
    datasetsOfTheme: byArrayField(reads, 'datasets', 'themeIds', dataset),
    datasetsOfPortal: new DataLoader<string, DatasetDoc[]>(async (ids) => {
      const rows = await reads.byField('datasets', 'portalId', ids);
      for (const r of rows) dataset.prime(r._id, r);
      return groupByKey(ids, rows, (d) => [d.portalId]);
    }),
    childCollections: byArrayField(reads, 'collections', 'parentCollectionIds', collection),
    collectionsOfSpace: byArrayField(reads, 'collections', 'spaceIds', collection),
    reusesOfDataset: byArrayField(reads, 'reuses', 'datasetIds'),
    collectionLinks: (() => {
      let links: Promise<Map<string, string[]>> | null = null;
      return () => (links ??= reads.collectionParents());
    })(),
    memo: new Map(),
  };
}
