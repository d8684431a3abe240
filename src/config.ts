import { readFileSync } from 'node:fs';

/**
 * Gateway configuration, read once from the environment at start-up.
 * Every option is documented with its unit and default; README.md lists the
 * same table.
 */
export interface GatewayConfig {
  /** HTTP port. Env `PORT`, default 4000. */
  port: number;
  /**
   * Bind address. Env `HOST`, default `127.0.0.1` (loopback: a first
   * `npm start` prints a demo admin key and must not be reachable from the
   * network). Set `0.0.0.0` behind a reverse proxy on another host or in a
   * container (the Dockerfile does).
   */
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
  /**
   * How long a UTC day's identity-key secret is kept, days after the day:
   * events older than this are refused (INVALID_TIMESTAMP), then the secret
   * is destroyed and that day's double-click and session keys can no longer
   * be recomputed from a guessed IP, agent or id (docs/counting.md,
   * "Keyed identity keys"). Env `IDENTITY_KEY_DAYS`, default unset =
   * `MAX_EVENT_AGE_DAYS`; a larger value has no effect.
   */
  identityKeyDays: number | null;
  /** Query depth limit. Env `MAX_QUERY_DEPTH`, default 12. */
  maxQueryDepth: number;
  /** Aliases per operation. Env `MAX_ALIASES`, default 30. */
  maxAliases: number;
  /**
   * Query cost limit, units of about one object resolved (src/graphql/cost.ts:
   * `first` from literals, variables or defaults multiplies, heavy fields
   * weighted). Env `MAX_QUERY_COST`, default 100000 (a 10 × 20 × 20 usage
   * tree with stats costs ~25000; one `dataDashboard` 10000).
   */
  maxQueryCost: number;
  /** Tokens in one GraphQL document (parser limit). Env `MAX_QUERY_TOKENS`, default 20000. */
  maxQueryTokens: number;
  /**
   * Time budget of one request, ms: when exceeded (or when the client goes
   * away) no new resolver starts and the answer is HTTP 504 `REQUEST_TIMEOUT`.
   * Env `REQUEST_TIMEOUT_MS`, default 15000.
   */
  requestTimeoutMs: number;
  /** Length of the rate-limit windows below, ms. Env `RATE_LIMIT_WINDOW_MS`, default 60000. */
  rateLimitWindowMs: number;
  /** HTTP requests per API key per window (`/graphql`, `/api`). Env `RATE_LIMIT_PER_KEY`, default 6000; 0 = off. */
  rateLimitPerKey: number;
  /** HTTP requests per client IP per window without a key. Env `RATE_LIMIT_ANONYMOUS`, default 300; 0 = off. */
  rateLimitAnonymous: number;
  /** Failed authentications (HTTP 401) per client IP per 15 minutes. Env `AUTH_FAILURE_LIMIT`, default 20; 0 = off. */
  authFailureLimit: number;
  /** Access events a USER account (all its keys together) may record per minute. Env `TRACK_EVENTS_PER_MINUTE_USER`, default 60; 0 = off. */
  trackEventsPerMinuteUser: number;
  /** Access events a TRACKER or ADMIN account may record per minute. Env `TRACK_EVENTS_PER_MINUTE`, default 60000; 0 = off. */
  trackEventsPerMinute: number;
  /** `registerReuse` calls per USER key per hour (admins are not limited). Env `REUSE_REGISTRATIONS_PER_HOUR`, default 5; 0 = off. */
  reuseRegistrationsPerHour: number;
  /** Items in one catalog upsert call. Env `MAX_CATALOG_BATCH`, default 1000 (`BATCH_TOO_LARGE` above). */
  maxCatalogBatch: number;
  /**
   * Bearer token required by `GET /metrics`. Env `METRICS_TOKEN`; default
   * unset, and then `/metrics` is off (404): Prometheus metrics describe the
   * traffic and are not for the public.
   */
  metricsToken: string | null;
  /**
   * GraphQL operation names kept as the `operation` metrics label (comma
   * separated); other operations are labelled by their first root field, or
   * `other`. Env `METRICS_OPERATIONS`, default none.
   */
  metricsOperations: readonly string[];
  /**
   * Express `trust proxy`: how client IPs (rate limits) are read behind a
   * reverse proxy. Env `TRUST_PROXY`: `false` (default: the socket address),
   * a hop count (`1`), or addresses/subnets (`loopback, 10.0.0.0/8`).
   */
  trustProxy: boolean | number | string;
  /**
   * Longest a client may take to send the request line and headers, ms
   * (Node `server.headersTimeout`); then the connection gets 408
   * `REQUEST_READ_TIMEOUT` and is closed. Env `HEADERS_TIMEOUT_MS`, default 20000.
   */
  headersTimeoutMs: number;
  /**
   * Longest a client may take to send a request body once its headers are
   * in, ms; then 408 `REQUEST_READ_TIMEOUT` and the connection is closed.
   * Node's `server.requestTimeout` (whole request) is set to headers + body
   * + 5 s as a backstop. Env `BODY_READ_TIMEOUT_MS`, default 10000.
   */
  bodyReadTimeoutMs: number;
  /**
   * How long an idle keep-alive connection stays open, ms (Node
   * `server.keepAliveTimeout`). Behind a reverse proxy that reuses
   * connections, keep it above the proxy's own idle timeout. Env
   * `KEEP_ALIVE_TIMEOUT_MS`, default 5000.
   */
  keepAliveTimeoutMs: number;
  /**
   * Open connections per client address (IPv6: per /56); further ones are
   * closed at once. Counted on the socket, so behind a reverse proxy every
   * connection comes from the proxy: the default is then 0 (off). Env
   * `MAX_CONNECTIONS_PER_IP`, default 64 (0 when `TRUST_PROXY` is set); 0 = off.
   */
  maxConnectionsPerIp: number;
  /**
   * Open connections in all (Node `server.maxConnections`), kept below the
   * process's file-descriptor limit so that the database, logs and files
   * still get descriptors. Env `MAX_CONNECTIONS`, default the soft
   * `RLIMIT_NOFILE` minus 512 (at least 256; 4096 when unknown).
   */
  maxConnections: number;
  /**
   * Size of the automatic persisted query (APQ) cache, bytes of query text
   * (least recently used entries are dropped). Env `APQ_CACHE_BYTES`,
   * default 8388608 (8 MiB); parsed documents have their own bounded cache.
   */
  apqCacheBytes: number;
  /**
   * `/ready` is 503 when the filesystem of `DATA_DIR` has less free space
   * than this, MiB (embedded database only). Env `MIN_FREE_DISK_MB`,
   * default 64; 0 = off.
   */
  minFreeDiskMb: number;
  /** Largest group-commit batch, events. Env `INGEST_MAX_BATCH`, default 500. */
  ingestMaxBatch: number;
  /**
   * Longest a flush of events may take to be stored, ms; beyond it the
   * requests in the flush get 503 DATABASE_UNAVAILABLE (retry with the same
   * eventIds). Env `INGEST_WRITE_TIMEOUT_MS`, default 10000.
   */
  ingestWriteTimeoutMs: number;
  /**
   * Lease of the aggregation lock, ms: an aggregator that dies holding it
   * is replaced after this long (it renews while it works). Env
   * `AGGREGATION_LEASE_MS`, default 15000.
   */
  aggregationLeaseMs: number;
  /** How often an idle aggregator looks for new events, ms. Env `AGGREGATE_POLL_MS`, default 200. */
  aggregatePollMs: number;
  /**
   * Events of recent flushes kept in memory for this instance's aggregator,
   * so it need not read them back from the database (~1 KB each; 0 = off).
   * Env `RECENT_FLUSH_EVENTS`, default 50000.
   */
  recentFlushEvents: number;
  /**
   * How long stored events are kept, days (also how long an eventId is
   * remembered). Figures derived from them stay. Env
   * `EVENT_LOG_RETENTION_DAYS`, default 396 (13 months).
   */
  eventLogRetentionDays: number;
  /**
   * Keep stored user agents after the identity-key window. By default
   * (`false`) an event's user agent is removed once its day has left the
   * window (`IDENTITY_KEY_DAYS`, else `MAX_EVENT_AGE_DAYS`) and only its
   * traffic class is kept, which recounts then use (docs/counting.md).
   * Env `KEEP_USER_AGENT`, default `false`.
   */
  keepUserAgent: boolean;
  /**
   * Store event URLs whole. By default (`false`) the query string and
   * fragment are cut before storing (the double-click key is made from the
   * full URL first, so counting is unchanged). Env `KEEP_URL_QUERY`,
   * default `false`.
   */
  keepUrlQuery: boolean;
  /**
   * How long API keys, users and catalog facts are cached per process, ms;
   * changes made through another instance show within this time. 0 turns
   * the caches off. Env `CACHE_TTL_MS`, default 10000.
   */
  cacheTtlMs: number;
  /** Extra robot user-agent regexes separated by newlines or `;;`. Env `ROBOT_PATTERNS`. */
  robotPatterns: string | undefined;
  /** Extra machine user-agent regexes. Env `MACHINE_PATTERNS`. */
  machinePatterns: string | undefined;
  /** Popularity weights, `downloads=0.5,apiCalls=0.3,reuses=0.2`. Env `POPULARITY_WEIGHTS`. */
  popularityWeights: string | undefined;
  /** Graceful shutdown bound, ms. Env `SHUTDOWN_TIMEOUT_MS`, default 10000. */
  shutdownTimeoutMs: number;
  /**
   * Platform (and `created-by`) named in COUNTER SUSHI reports: the name
   * DataCite knows the service by. Env `SUSHI_PLATFORM`, default `usage-gateway`.
   */
  sushiPlatform: string;
  /**
   * Origins (scheme://host[:port]) allowed to call /graphql and the report
   * routes from a browser (CORS), comma-separated. Env `CORS_ORIGINS`,
   * default none: no CORS headers are sent.
   */
  corsOrigins: string[];
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

/** Comma-separated origins; each must be exactly an origin (no path), or start-up fails. */
function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of list) {
    let origin: string | null = null;
    try {
      origin = new URL(o).origin;
    } catch {
      /* reported below */
    }
    if (origin !== o) throw new Error(`${name}: "${o}" is not an origin like https://portal.example.org`);
  }
  return list;
}

function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || /^(0|false|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * The soft open-files limit minus 512 descriptors for the database pool,
 * logs and files (Linux: /proc/self/limits; elsewhere 4096).
 */
function defaultMaxConnections(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return Math.max(256, Number(m[1]) - 512);
  } catch {
    // not Linux
  }
  return 4096;
}

/**
 * The window in which events are accepted and their days' identity-key
 * secrets kept, days: `IDENTITY_KEY_DAYS` when set and shorter, else
 * `MAX_EVENT_AGE_DAYS`.
 */
export function identityKeyWindowDays(c: Pick<GatewayConfig, 'maxEventAgeDays' | 'identityKeyDays'>): number {
  return c.identityKeyDays === null ? c.maxEventAgeDays : Math.min(c.identityKeyDays, c.maxEventAgeDays);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const mongodbUri = env.MONGODB_URI ? env.MONGODB_URI : null;
  return {
    port: int(env, 'PORT', 4000),
    host: env.HOST || '127.0.0.1',
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
    identityKeyDays: env.IDENTITY_KEY_DAYS ? int(env, 'IDENTITY_KEY_DAYS', 1, 1) : null,
    maxQueryDepth: int(env, 'MAX_QUERY_DEPTH', 12, 2),
    maxAliases: int(env, 'MAX_ALIASES', 30, 1),
    maxQueryCost: int(env, 'MAX_QUERY_COST', 100_000, 1),
    maxQueryTokens: int(env, 'MAX_QUERY_TOKENS', 20_000, 100),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 15_000, 100),
    rateLimitWindowMs: int(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000),
    rateLimitPerKey: int(env, 'RATE_LIMIT_PER_KEY', 6000),
    rateLimitAnonymous: int(env, 'RATE_LIMIT_ANONYMOUS', 300),
    authFailureLimit: int(env, 'AUTH_FAILURE_LIMIT', 20),
    trackEventsPerMinuteUser: int(env, 'TRACK_EVENTS_PER_MINUTE_USER', 60),
    trackEventsPerMinute: int(env, 'TRACK_EVENTS_PER_MINUTE', 60_000),
    reuseRegistrationsPerHour: int(env, 'REUSE_REGISTRATIONS_PER_HOUR', 5),
    maxCatalogBatch: int(env, 'MAX_CATALOG_BATCH', 1000, 1),
    metricsToken: env.METRICS_TOKEN ? env.METRICS_TOKEN : null,
    metricsOperations: (env.METRICS_OPERATIONS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    trustProxy: trustProxy(env.TRUST_PROXY),
    headersTimeoutMs: int(env, 'HEADERS_TIMEOUT_MS', 20_000, 100),
    bodyReadTimeoutMs: int(env, 'BODY_READ_TIMEOUT_MS', 10_000, 100),
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 100),
    maxConnectionsPerIp: int(env, 'MAX_CONNECTIONS_PER_IP', trustProxy(env.TRUST_PROXY) === false ? 64 : 0),
    maxConnections: int(env, 'MAX_CONNECTIONS', defaultMaxConnections(), 1),
    apqCacheBytes: int(env, 'APQ_CACHE_BYTES', 8 * 1024 * 1024, 0),
    minFreeDiskMb: int(env, 'MIN_FREE_DISK_MB', 64),
    ingestMaxBatch: int(env, 'INGEST_MAX_BATCH', 500, 1),
    ingestWriteTimeoutMs: int(env, 'INGEST_WRITE_TIMEOUT_MS', 10_000, 100),
    aggregationLeaseMs: int(env, 'AGGREGATION_LEASE_MS', 15_000, 1000),
    aggregatePollMs: int(env, 'AGGREGATE_POLL_MS', 200, 10),
    recentFlushEvents: int(env, 'RECENT_FLUSH_EVENTS', 50_000, 0),
    eventLogRetentionDays: int(env, 'EVENT_LOG_RETENTION_DAYS', 396, 1),
    keepUserAgent: bool(env, 'KEEP_USER_AGENT', false),
    keepUrlQuery: bool(env, 'KEEP_URL_QUERY', false),
    cacheTtlMs: int(env, 'CACHE_TTL_MS', 10_000, 0),
    robotPatterns: env.ROBOT_PATTERNS,
    machinePatterns: env.MACHINE_PATTERNS,
    popularityWeights: env.POPULARITY_WEIGHTS,
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10000),
    sushiPlatform: env.SUSHI_PLATFORM || 'usage-gateway',
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}
