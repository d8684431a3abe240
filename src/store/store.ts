import { MongoClient, type Collection, type Db, type Document, type MongoClientOptions } from 'mongodb';
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc, SpaceDoc, ThemeDoc, UserDoc } from './catalog.documents';
import type { DailyUsageDoc, UsageTotalsDoc, UserUsageDoc, UserDailyUsageDoc } from './usage.documents';
import type { ApiKeyDoc } from './api-key.documents';
import type { ReuseDoc } from './reuse.documents';
import type { LockDoc } from './db-lock';

/** Typed handles on every MongoDB collection the gateway uses. */
export interface Store {
  client: MongoClient;
  db: Db;
  /** The server is FerretDB (its updates are not atomic under concurrency; see db-lock.ts). */
  isFerretDb: boolean;
  portals: Collection<PortalDoc>;
  spaces: Collection<SpaceDoc>;
  collections: Collection<CollectionDoc>;
  datasets: Collection<DatasetDoc>;
  files: Collection<FileDoc>;
  users: Collection<UserDoc>;
  themes: Collection<ThemeDoc>;
  reuses: Collection<ReuseDoc>;
  apiKeys: Collection<ApiKeyDoc>;
  usageTotals: Collection<UsageTotalsDoc>;
  usageByUser: Collection<UserUsageDoc>;
  usageDaily: Collection<DailyUsageDoc>;
  usageByUserDaily: Collection<UserDailyUsageDoc>;
  /** The event log (see event-log.repository.ts). */
  eventLog: Collection<{ _id: string; [field: string]: unknown }>;
  locks: Collection<LockDoc>;
}

export function storeFor(client: MongoClient, dbName: string, isFerretDb = false): Store {
  const db = client.db(dbName);
  return {
    client,
    db,
    isFerretDb,
    locks: db.collection('locks'),
    portals: db.collection('portals'),
    spaces: db.collection('spaces'),
    collections: db.collection('collections'),
    datasets: db.collection('datasets'),
    files: db.collection('files'),
    users: db.collection('users'),
    themes: db.collection('themes'),
    reuses: db.collection('reuses'),
    apiKeys: db.collection('api_keys'),
    usageTotals: db.collection('usage_totals'),
    usageByUser: db.collection('usage_by_user'),
    usageDaily: db.collection('usage_daily'),
    usageByUserDaily: db.collection('usage_by_user_daily'),
    eventLog: db.collection('event_log'),
  };
}

/**
 * Creates the secondary indexes MongoDB uses. (The embedded FerretDB, as
 * patched here, answers `_id` equality, `$in` and ranges from an index and
 * scans for every other filter, so hot paths are keyed by `_id`; see
 * docs/ferretdb.md, "Indexes that work".) `createIndex` is a no-op for an
 * index that exists with the same spec, so this runs at every start.
 */
export async function ensureIndexes(store: Store): Promise<void> {
  await Promise.all([
    store.datasets.createIndex({ portalId: 1 }),
    store.datasets.createIndex({ collectionIds: 1 }),
    store.datasets.createIndex({ spaceIds: 1 }),
    store.datasets.createIndex({ themeIds: 1 }),
    store.datasets.createIndex({ ownerId: 1 }),
    store.files.createIndex({ datasetIds: 1 }),
    store.collections.createIndex({ parentCollectionIds: 1 }),
    store.collections.createIndex({ spaceIds: 1 }),
    store.spaces.createIndex({ memberIds: 1 }),
    store.reuses.createIndex({ datasetIds: 1 }),
    store.apiKeys.createIndex({ userId: 1 }),
    ensureUsageIndexes(store.usageTotals as unknown as Collection<Document>, 'totals'),
    ensureUsageIndexes(store.usageByUser as unknown as Collection<Document>, 'byUser'),
    ensureUsageIndexes(store.usageDaily as unknown as Collection<Document>, 'daily'),
    ensureUsageIndexes(store.usageByUserDaily as unknown as Collection<Document>, 'userDaily'),
  ]);
}

/**
 * Indexes of the derived figure collections (also created on the fresh
 * collections of a rebuild before they are swapped in).
 */
export async function ensureUsageIndexes(col: Collection<Document>, kind: 'totals' | 'byUser' | 'daily' | 'userDaily'): Promise<void> {
  const specs: Record<typeof kind, Document[]> = {
    totals: [{ resourceType: 1, resourceId: 1 }],
    byUser: [{ userId: 1 }, { resourceType: 1, resourceId: 1 }],
    daily: [{ resourceType: 1, day: 1 }, { resourceType: 1, resourceId: 1, day: 1 }],
    userDaily: [{ resourceType: 1, day: 1 }, { userId: 1, day: 1 }],
  };
  for (const spec of specs[kind]) await col.createIndex(spec);
}

export interface ConnectOptions {
  uri: string;
  dbName: string;
  maxPoolSize: number;
  /** Turn on driver command monitoring (tests and benchmarks count commands). */
  monitorCommands?: boolean;
}

export async function connectStore(opts: ConnectOptions): Promise<Store> {
  const clientOptions: MongoClientOptions = {
    maxPoolSize: opts.maxPoolSize,
    monitorCommands: opts.monitorCommands ?? false,
    // An unreachable database is answered with 503 DATABASE_UNAVAILABLE after
    // this, not after the driver's default 30 s.
    serverSelectionTimeoutMS: 3_000,
    // FerretDB has no sessions to end; retryable writes are idempotent here anyway.
    retryWrites: false,
  };
  const client = new MongoClient(opts.uri, clientOptions);
  await client.connect();
  const info = await client.db('admin').command({ buildInfo: 1 });
  return storeFor(client, opts.dbName, typeof info.ferretdbVersion === 'string');
}
