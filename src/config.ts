/**
 * Gateway configuration, read once from the environment at start-up.
 * Every option is documented with its unit and default; README.md lists the
 * same table.
 */
export interface GatewayConfig {
  /** HTTP port. Env `PORT`, default 4000. */
  port: number;
  /** Bind address. Env `HOST`, default `0.0.0.0`. */
  host: string;
  /**
   * MongoDB connection string. Env `MONGODB_URI`; when unset the embedded
   * FerretDB is started. Always wins over the embedded database.
   */
  mongodbUri: string | null;
  /** Database name. Env `MONGODB_DB`, default `usage_gateway`. */
  dbName: string;
  /**
   * Driver connection pool size. Env `MONGODB_MAX_POOL_SIZE`; default 4 on
   * the embedded FerretDB (its SQLite pool deadlocks past ~100 concurrently
   * open update iterators, see docs/design.md), 20 otherwise.
   */
  maxPoolSize: number;
  /** Where the embedded database keeps its files. Env `DATA_DIR`, default `.data`. */
  dataDir: string;
  /** Load the demo catalog and history into an empty database. Env `DEMO_DATA`, default `true`. */
  demoData: boolean;
  /** Datasets in the demo catalog. Env `DEMO_DATASETS`, default 300. */
  demoDatasets: number;
  /** Access events in the demo history. Env `DEMO_EVENTS`, default 6000. */
  demoEvents: number;
  /** Log level (pino). Env `LOG_LEVEL`, default `info`. */
  logLevel: string;
  /** Largest accepted HTTP body, bytes. Env `MAX_BODY_BYTES`, default 1 MiB. */
  maxBodyBytes: number;
  /** Most events in one `trackAccesses` call. Env `MAX_EVENTS_PER_REQUEST`, default 1000. */
  maxEventsPerRequest: number;
  /** How far in the future an event timestamp may be, ms (clock skew). Env `MAX_FUTURE_SKEW_MS`, default 300000 (5 min). */
  maxFutureSkewMs: number;
  /** Oldest accepted event age, days. Env `MAX_EVENT_AGE_DAYS`, default 400. */
  maxEventAgeDays: number;
  /** Query depth limit. Env `MAX_QUERY_DEPTH`, default 12. */
  maxQueryDepth: number;
  /** Aliases per operation. Env `MAX_ALIASES`, default 30. */
  maxAliases: number;
  /** Query cost limit (graphql-armor cost, depth factor 1.2). Env `MAX_QUERY_COST`, default 500000 (a 20 × 10 × 10 usage tree with `first` literals costs ~84000). */
  maxQueryCost: number;
  /** Largest group-commit batch, events. Env `INGEST_MAX_BATCH`, default 500. */
  ingestMaxBatch: number;
  /**
   * How long a flushing instance holds its batch before another instance may
   * replay it, ms. Env `INGEST_LEASE_MS`, default 30000.
   */
  ingestLeaseMs: number;
  /** How long the dedup records of events are kept, days. Env `EVENT_RETENTION_DAYS`, default 7. */
  eventRetentionDays: number;
  /** Extra robot user-agent regexes separated by newlines or `;;`. Env `ROBOT_PATTERNS`. */
  robotPatterns: string | undefined;
  /** Extra machine user-agent regexes. Env `MACHINE_PATTERNS`. */
  machinePatterns: string | undefined;
  /** Popularity weights, `downloads=0.5,apiCalls=0.3,reuses=0.2`. Env `POPULARITY_WEIGHTS`. */
  popularityWeights: string | undefined;
  /** Graceful shutdown bound, ms. Env `SHUTDOWN_TIMEOUT_MS`, default 10000. */
  shutdownTimeoutMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const mongodbUri = env.MONGODB_URI ? env.MONGODB_URI : null;
  return {
    port: int(env, 'PORT', 4000),
    host: env.HOST || '0.0.0.0',
    mongodbUri,
    dbName: env.MONGODB_DB || 'usage_gateway',
    maxPoolSize: int(env, 'MONGODB_MAX_POOL_SIZE', mongodbUri ? 20 : 4, 1),
    dataDir: env.DATA_DIR || '.data',
    demoData: bool(env, 'DEMO_DATA', true),
    demoDatasets: int(env, 'DEMO_DATASETS', 300, 1),
    demoEvents: int(env, 'DEMO_EVENTS', 6000, 0),
    logLevel: env.LOG_LEVEL || 'info',
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024),
    maxEventsPerRequest: int(env, 'MAX_EVENTS_PER_REQUEST', 1000, 1),
    maxFutureSkewMs: int(env, 'MAX_FUTURE_SKEW_MS', 5 * 60 * 1000),
    maxEventAgeDays: int(env, 'MAX_EVENT_AGE_DAYS', 400, 1),
    maxQueryDepth: int(env, 'MAX_QUERY_DEPTH', 12, 2),
    maxAliases: int(env, 'MAX_ALIASES', 30, 1),
    maxQueryCost: int(env, 'MAX_QUERY_COST', 500_000, 1),
    ingestMaxBatch: int(env, 'INGEST_MAX_BATCH', 500, 1),
    ingestLeaseMs: int(env, 'INGEST_LEASE_MS', 30_000, 100),
    eventRetentionDays: int(env, 'EVENT_RETENTION_DAYS', 7, 1),
    robotPatterns: env.ROBOT_PATTERNS,
    machinePatterns: env.MACHINE_PATTERNS,
    popularityWeights: env.POPULARITY_WEIGHTS,
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10000),
  };
}
