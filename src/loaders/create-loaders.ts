import DataLoader from 'dataloader';
import type { Collection } from 'mongodb';
import type { Store } from '../store/store';
import type {
  CollectionDoc,
  DatasetDoc,
  FileDoc,
  PortalDoc,
  SpaceDoc,
  ThemeDoc,
  UsageTotalsDoc,
  UserDoc,
} from '../store/documents';
import type { ReuseDoc } from '../store/documents-ingest';
import { findByArrayField, findByIds } from '../store/catalog.repository';
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
  /** Usage totals by `resourceKey(type, id)`. */
  usageTotals: DataLoader<string, UsageTotalsDoc | null>;
  filesOfDataset: DataLoader<string, FileDoc[]>;
  datasetsOfCollection: DataLoader<string, DatasetDoc[]>;
  datasetsOfSpace: DataLoader<string, DatasetDoc[]>;
  datasetsOfTheme: DataLoader<string, DatasetDoc[]>;
  datasetsOfPortal: DataLoader<string, DatasetDoc[]>;
  childCollections: DataLoader<string, CollectionDoc[]>;
  collectionsOfSpace: DataLoader<string, CollectionDoc[]>;
  reusesOfDataset: DataLoader<string, ReuseDoc[]>;
}

function byId<T extends { _id: string }>(col: Collection<T>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => orderByKey(ids, await findByIds(col, ids), (d) => d._id), {
    maxBatchSize: 1000,
  });
}

function byArrayField<T extends { _id: string }>(
  col: Collection<T>,
  field: keyof T & string,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(
    async (ids) =>
      groupByKey(ids, await findByArrayField(col, field, ids), (d) => (d[field] as unknown as string[]) ?? []),
    { maxBatchSize: 1000 },
  );
}

export function createLoaders(store: Store): Loaders {
  return {
    dataset: byId(store.datasets),
    file: byId(store.files),
    collection: byId(store.collections),
    space: byId(store.spaces),
    portal: byId(store.portals),
    user: byId(store.users),
    theme: byId(store.themes),
    reuse: byId(store.reuses),
    usageTotals: byId(store.usageTotals),
    filesOfDataset: byArrayField(store.files, 'datasetIds'),
    datasetsOfCollection: byArrayField(store.datasets, 'collectionIds'),
    datasetsOfSpace: byArrayField(store.datasets, 'spaceIds'),
    datasetsOfTheme: byArrayField(store.datasets, 'themeIds'),
    datasetsOfPortal: new DataLoader<string, DatasetDoc[]>(async (ids) => {
      const rows = await findByArrayField(store.datasets, 'portalId', ids);
      return groupByKey(ids, rows, (d) => [d.portalId]);
    }),
    childCollections: byArrayField(store.collections, 'parentCollectionIds'),
    collectionsOfSpace: byArrayField(store.collections, 'spaceIds'),
    reusesOfDataset: byArrayField(store.reuses, 'datasetIds'),
  };
}
