import { MongoClient, type Collection, type Db, type MongoClientOptions } from 'mongodb';
import type {
  CollectionDoc,
  DailyUsageDoc,
  DatasetDoc,
  FileDoc,
  PortalDoc,
  SpaceDoc,
  ThemeDoc,
  UserDoc,
  UsageTotalsDoc,
  UserUsageDoc,
  UserDailyUsageDoc,
} from './documents';
import type { LockDoc } from './db-lock';
import type { ApiKeyDoc, EventDoc, PendingBatchDoc, ReuseDoc, ClickStateDoc, SessionMarkDoc } from './documents-ingest';

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
  events: Collection<EventDoc>;
  pendingBatches: Collection<PendingBatchDoc>;
  clickState: Collection<ClickStateDoc>;
  sessionMarks: Collection<SessionMarkDoc>;
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
    events: db.collection('events'),
    pendingBatches: db.collection('pending_batches'),
    clickState: db.collection('click_state'),
    sessionMarks: db.collection('session_marks'),
  };
}

/**
 * Creates every index the queries rely on on MongoDB. (FerretDB 1.24 on
 * SQLite pushes down only `{_id: value}` filters, so the hot paths use
 * point reads and writes by `_id`; see docs/design.md.) `createIndex` is a no-op for an
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
    store.usageTotals.createIndex({ resourceType: 1, resourceId: 1 }),
    store.usageByUser.createIndex({ userId: 1 }),
    store.usageByUser.createIndex({ resourceType: 1, resourceId: 1 }),
    store.usageDaily.createIndex({ resourceType: 1, day: 1 }),
    store.usageDaily.createIndex({ resourceType: 1, resourceId: 1, day: 1 }),
    store.usageByUserDaily.createIndex({ resourceType: 1, day: 1 }),
    store.usageByUserDaily.createIndex({ userId: 1, day: 1 }),
    store.events.createIndex({ receivedAt: 1 }),
    store.pendingBatches.createIndex({ leaseUntil: 1 }),
    store.clickState.createIndex({ lastAt: 1 }),
    store.sessionMarks.createIndex({ createdAt: 1 }),
  ]);
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
    serverSelectionTimeoutMS: 10_000,
    // FerretDB has no sessions to end; retryable writes are idempotent here anyway.
    retryWrites: false,
  };
  const client = new MongoClient(opts.uri, clientOptions);
  await client.connect();
  const info = await client.db('admin').command({ buildInfo: 1 });
  return storeFor(client, opts.dbName, typeof info.ferretdbVersion === 'string');
}
