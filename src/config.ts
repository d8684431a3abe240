import { readFileSync } from 'node:fs';

/**
 * Gateway configuration, read once from the environment at start-up.
 *
 * {@link SETTINGS} is the one place where a setting's environment variable,
 * unit, default, description and parsing are written: `loadConfig` reads
 * through it, {@link GatewayConfig} is derived from it, and the README's
 * configuration table is generated from it (`npx ts-node
 * scripts/config-doc.ts --write`; test/config-doc.unit.test.ts fails when
 * the README is stale).
 */

type Env = NodeJS.ProcessEnv;

/** The concerns settings are grouped by, in the README's order, with their headings. */
export const CONFIG_GROUPS = {
  server: 'Server and HTTP',
  database: 'Database',
  demo: 'Demo data',
  queries: 'GraphQL requests',
  rateLimits: 'Rate limits and batch sizes',
  ingestion: 'Ingestion',
  aggregation: 'Aggregation',
  counting: 'Counting and popularity',
  privacy: 'Privacy and retention',
  reports: 'Reports and SUSHI',
} as const;

export type ConfigGroup = keyof typeof CONFIG_GROUPS;

/** One setting: where it is read from, how it is documented and how it is parsed. */
export interface Setting<T> {
  /** Environment variable. */
  readonly env: string;
  readonly group: ConfigGroup;
  /** Unit of the value (`ms`, `bytes`, `days`, …); empty when it has none. */
  readonly unit: string;
  /** The default as the README shows it (Markdown); `—` when unset means off or absent. */
  readonly defaultText: string;
  /** What the setting does (Markdown; links are relative to the README). */
  readonly doc: string;
  /** The value from the environment, or the default; throws on a malformed value. */
  read(env: Env): T;
}

interface Meta {
  group: ConfigGroup;
  unit?: string;
  doc: string;
}

/** A default, or a default computed from other variables (then `defaultText` says how). */
type Default<T> = T | ((env: Env) => T);

function setting<T>(env: string, meta: Meta, defaultText: string, read: (env: Env) => T): Setting<T> {
  return { env, group: meta.group, unit: meta.unit ?? '', defaultText, doc: meta.doc, read };
}

function integer(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/** An integer `>= min`; unset or empty: the default. */
function int(name: string, def: Default<number>, min: number, meta: Meta & { defaultText?: string }): Setting<number> {
  return setting(name, meta, meta.defaultText ?? `\`${String(def)}\``, (env) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return typeof def === 'function' ? def(env) : def;
    return integer(name, raw, min);
  });
}

function bool(name: string, def: boolean, meta: Meta): Setting<boolean> {
  return setting(name, meta, `\`${String(def)}\``, (env) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new Error(`${name} must be true or false, got "${raw}"`);
  });
}

/** A text; unset or empty: the default. */
function text(name: string, def: string, meta: Meta): Setting<string> {
  return setting(name, meta, `\`${def}\``, (env) => env[name] || def);
}

/** A text with no default: null when unset or empty. */
function optional(name: string, meta: Meta): Setting<string | null> {
  return setting(name, meta, '—', (env) => env[name] || null);
}

/** The variable as given (the reader interprets an empty value). */
function raw(name: string, meta: Meta & { defaultText?: string }): Setting<string | undefined> {
  return setting(name, meta, meta.defaultText ?? '—', (env) => env[name]);
}

function commaList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function list(name: string, meta: Meta): Setting<string[]> {
  return setting(name, meta, '—', (env) => commaList(env[name]));
}

/** Comma-separated origins; each must be exactly an origin (no path), or start-up fails. */
function origins(name: string, meta: Meta): Setting<string[]> {
  return setting(name, meta, '—', (env) => {
    const all = commaList(env[name]);
    for (const o of all) {
      let origin: string | null = null;
      try {
        origin = new URL(o).origin;
      } catch {
        /* reported below */
      }
      if (origin !== o) throw new Error(`${name}: "${o}" is not an origin like https://portal.example.org`);
    }
    return all;
  });
}

function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || /^(0|false|no|off)$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
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

const server = { group: 'server' } as const;
const database = { group: 'database' } as const;
const demo = { group: 'demo' } as const;
const queries = { group: 'queries' } as const;
const rateLimits = { group: 'rateLimits' } as const;
const ingestion = { group: 'ingestion' } as const;
const aggregation = { group: 'aggregation' } as const;
const counting = { group: 'counting' } as const;
const privacy = { group: 'privacy' } as const;
const reports = { group: 'reports' } as const;

/** Every setting, by its {@link GatewayConfig} field. */
export const SETTINGS = {
  port: int('PORT', 4000, 0, { ...server, doc: 'HTTP port' }),
  host: text('HOST', '127.0.0.1', { ...server, doc: 'bind address. Loopback by default: a first `npm start` prints a demo admin key and should not be reachable from the network. Behind a reverse proxy on another host, or in a container (the Docker image sets it), use `0.0.0.0`' }),
  trustProxy: setting('TRUST_PROXY', { ...server, doc: 'Express `trust proxy`: `false` (the socket address), a hop count (`1`), or addresses/subnets (`loopback, 10.0.0.0/8`), so that rate limits see client addresses behind a reverse proxy' }, '`false`', (env) => trustProxy(env.TRUST_PROXY)),
  logLevel: text('LOG_LEVEL', 'info', { ...server, doc: 'pino level (`silent` … `trace`); logs are JSON on stdout' }),
  maxBodyBytes: int('MAX_BODY_BYTES', 1024 * 1024, 1024, { ...server, unit: 'bytes', doc: 'largest request body (413 `PAYLOAD_TOO_LARGE` above)' }),
  headersTimeoutMs: int('HEADERS_TIMEOUT_MS', 20_000, 100, { ...server, unit: 'ms', doc: 'longest a client may take to send its request line and headers (Node `headersTimeout`); then 408 `REQUEST_READ_TIMEOUT` and the connection is closed' }),
  bodyReadTimeoutMs: int('BODY_READ_TIMEOUT_MS', 10_000, 100, { ...server, unit: 'ms', doc: "longest a client may take to send a request body after its headers; then 408 `REQUEST_READ_TIMEOUT` and the connection is closed. Node's `requestTimeout` is headers + body + 5 s" }),
  keepAliveTimeoutMs: int('KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, { ...server, unit: 'ms', doc: "idle keep-alive connections are closed after this long (Node `keepAliveTimeout`); behind a proxy that reuses connections keep it above the proxy's idle timeout" }),
  maxConnectionsPerIp: int('MAX_CONNECTIONS_PER_IP', (env) => (trustProxy(env.TRUST_PROXY) === false ? 64 : 0), 0, {
    ...server,
    unit: 'connections',
    defaultText: '`64`, `0` when `TRUST_PROXY` is set',
    doc: 'open connections per client address (IPv6 per /56); more are closed at once. Behind a reverse proxy every connection comes from the proxy: leave it `0` (off) there and cap per client in the proxy',
  }),
  maxConnections: int('MAX_CONNECTIONS', defaultMaxConnections, 1, {
    ...server,
    unit: 'connections',
    defaultText: 'open-files limit − 512 (at least `256`; `4096` when unknown)',
    doc: 'open connections in all (Node `maxConnections`), below the file-descriptor limit so the database and files keep descriptors',
  }),
  minFreeDiskMb: int('MIN_FREE_DISK_MB', 64, 0, { ...server, unit: 'MiB', doc: "`/ready` is 503 when the embedded database's filesystem has less free space; `0` = not checked" }),
  metricsToken: optional('METRICS_TOKEN', { ...server, doc: 'bearer token of `GET /metrics`; unset: `/metrics` is off (404): the metrics describe the traffic and are not for the public' }),
  metricsOperations: list('METRICS_OPERATIONS', { ...server, doc: 'operation names kept as the `operation` metrics label (comma-separated); others are labelled by their first root field, or `other`' }),
  corsOrigins: origins('CORS_ORIGINS', { ...server, doc: 'origins (comma-separated, e.g. `https://portal.example.org`) allowed to call `/graphql` and `/api/reports` from a browser; none: no CORS headers' }),
  shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, { ...server, unit: 'ms', doc: 'graceful shutdown bound' }),

  mongodbUri: optional('MONGODB_URI', { ...database, doc: 'MongoDB connection string. When set, it always wins and no embedded database is started.' }),
  dbName: text('MONGODB_DB', 'usage_gateway', { ...database, doc: 'database name' }),
  maxPoolSize: int('MONGODB_MAX_POOL_SIZE', (env) => (env.MONGODB_URI ? 20 : 4), 1, {
    ...database,
    unit: 'connections',
    defaultText: '`4` embedded, `20` otherwise',
    doc: 'driver connection pool (the embedded FerretDB SQLite pool deadlocks past ~100 concurrently open update iterators)',
  }),
  dataDir: text('DATA_DIR', '.data', { ...database, doc: 'where the embedded FerretDB keeps its SQLite files' }),
  cacheTtlMs: int('CACHE_TTL_MS', 10_000, 0, { ...database, unit: 'ms', doc: 'how long API keys, users and catalog facts are cached per process; changes made through another instance show within this time; `0` = no caches' }),

  demoData: bool('DEMO_DATA', true, { ...demo, doc: 'load the demo catalog and history into an empty database' }),
  demoDatasets: int('DEMO_DATASETS', 300, 1, { ...demo, unit: 'datasets', doc: 'datasets in the demo catalog' }),
  demoEvents: int('DEMO_EVENTS', 6000, 0, { ...demo, unit: 'events', doc: 'access events in the demo history' }),

  maxQueryDepth: int('MAX_QUERY_DEPTH', 12, 2, { ...queries, unit: 'levels', doc: 'GraphQL depth limit (graphql-armor)' }),
  maxAliases: int('MAX_ALIASES', 30, 1, { ...queries, unit: 'aliases', doc: 'aliases per operation' }),
  maxQueryCost: int('MAX_QUERY_COST', 100_000, 1, { ...queries, unit: 'cost units', doc: 'query cost limit (`QUERY_TOO_COMPLEX` above), about one unit per object resolved: `first` from literals, variables or defaults multiplies, heavy fields weighted; a 10 × 20 × 20 usage tree with stats costs ~25000, one `dataDashboard` 10000 ([docs/security.md](docs/security.md))' }),
  maxQueryTokens: int('MAX_QUERY_TOKENS', 20_000, 100, { ...queries, unit: 'tokens', doc: 'tokens in one GraphQL document (400 `GRAPHQL_PARSE_FAILED` above)' }),
  requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 15_000, 100, { ...queries, unit: 'ms', doc: 'time budget of one GraphQL request; then no resolver starts and the answer is 504 `REQUEST_TIMEOUT` (also stops when the client leaves)' }),
  apqCacheBytes: int('APQ_CACHE_BYTES', 8 * 1024 * 1024, 0, { ...queries, unit: 'bytes', doc: 'automatic persisted query cache, bytes of query text (least recently used dropped); `0` = APQ off; parsed documents have their own bounded cache ([docs/security.md](docs/security.md))' }),

  rateLimitWindowMs: int('RATE_LIMIT_WINDOW_MS', 60_000, 1000, { ...rateLimits, unit: 'ms', doc: 'window of the two request rate limits below' }),
  rateLimitPerKey: int('RATE_LIMIT_PER_KEY', 6000, 0, { ...rateLimits, unit: 'requests per window', doc: 'requests per API key on `/graphql` and `/api` (429 `RATE_LIMITED`, `Retry-After`); `0` = off' }),
  rateLimitAnonymous: int('RATE_LIMIT_ANONYMOUS', 300, 0, { ...rateLimits, unit: 'requests per window', doc: 'requests per client IP without a key; `0` = off' }),
  authFailureLimit: int('AUTH_FAILURE_LIMIT', 20, 0, { ...rateLimits, unit: 'failures per 15 min', doc: 'failed authentications (401) per client IP, then 429 for its keyed requests; `0` = off' }),
  trackEventsPerMinuteUser: int('TRACK_EVENTS_PER_MINUTE_USER', 60, 0, { ...rateLimits, unit: 'events per minute', doc: 'access events a USER account (all its keys together) may record (events, not requests); `0` = off' }),
  trackEventsPerMinute: int('TRACK_EVENTS_PER_MINUTE', 60_000, 0, { ...rateLimits, unit: 'events per minute', doc: 'the same for TRACKER and ADMIN accounts' }),
  reuseRegistrationsPerHour: int('REUSE_REGISTRATIONS_PER_HOUR', 5, 0, { ...rateLimits, unit: 'calls per hour', doc: '`registerReuse` calls per USER (admins unlimited); `0` = off' }),
  maxCatalogBatch: int('MAX_CATALOG_BATCH', 1000, 1, { ...rateLimits, unit: 'items', doc: 'items in one catalog upsert (`BATCH_TOO_LARGE` above)' }),
  maxEventsPerRequest: int('MAX_EVENTS_PER_REQUEST', 1000, 1, { ...rateLimits, unit: 'events', doc: 'events in one `trackAccesses` call (`TOO_MANY_EVENTS` above)' }),

  maxFutureSkewMs: int('MAX_FUTURE_SKEW_MS', 5 * 60 * 1000, 0, { ...ingestion, unit: 'ms', doc: 'how far in the future an event time may be (clock skew)' }),
  maxEventAgeDays: int('MAX_EVENT_AGE_DAYS', 400, 1, { ...ingestion, unit: 'days', doc: 'oldest accepted event time' }),
  ingestMaxBatch: int('INGEST_MAX_BATCH', 500, 1, { ...ingestion, unit: 'events', doc: 'largest group-commit batch' }),
  ingestWriteTimeoutMs: int('INGEST_WRITE_TIMEOUT_MS', 10_000, 100, { ...ingestion, unit: 'ms', doc: 'longest a flush of events may take to be stored; beyond it its requests get 503 `DATABASE_UNAVAILABLE` (retry with the same eventIds)' }),

  aggregationLeaseMs: int('AGGREGATION_LEASE_MS', 15_000, 1000, { ...aggregation, unit: 'ms', doc: 'lease of the aggregation lock: an aggregator that dies holding it is replaced after this long (it renews while it works)' }),
  aggregatePollMs: int('AGGREGATE_POLL_MS', 200, 10, { ...aggregation, unit: 'ms', doc: 'how often an idle aggregator looks for new events' }),
  recentFlushEvents: int('RECENT_FLUSH_EVENTS', 50_000, 0, { ...aggregation, unit: 'events', doc: 'events this instance stored and keeps in memory for its aggregator, which then need not read them back (~1 KB each; `0` = off)' }),

  robotPatterns: raw('ROBOT_PATTERNS', { ...counting, doc: 'extra robot user-agent regexes, separated by newlines or `;;`; published into an empty database by the first process, later by `usage-gateway refresh-rules` (every instance counts with the database\'s version)' }),
  machinePatterns: raw('MACHINE_PATTERNS', { ...counting, doc: 'extra machine user-agent regexes, like `ROBOT_PATTERNS`' }),
  popularityWeights: raw('POPULARITY_WEIGHTS', { ...counting, defaultText: '`downloads=0.5,apiCalls=0.3,reuses=0.2`', doc: 'popularity weights; an invalid value stops start-up ([docs/popularity.md](docs/popularity.md))' }),

  identityKeyDays: setting(
    'IDENTITY_KEY_DAYS',
    {
      ...privacy,
      unit: 'days',
      doc: "days a UTC day's identity-key secret is kept: older events are refused (`INVALID_TIMESTAMP`), then the secret is destroyed and that day's double-click and session keys can no longer be recomputed; a value above `MAX_EVENT_AGE_DAYS` has no effect ([docs/counting.md](docs/counting.md#keyed-identity-keys))",
    },
    'unset (= `MAX_EVENT_AGE_DAYS`)',
    (env): number | null => (env.IDENTITY_KEY_DAYS ? integer('IDENTITY_KEY_DAYS', env.IDENTITY_KEY_DAYS, 1) : null),
  ),
  eventLogRetentionDays: int('EVENT_LOG_RETENTION_DAYS', 396, 1, {
    ...privacy,
    unit: 'days',
    doc: 'how long stored events are kept (13 months; also how long an eventId is remembered); figures derived from them stay. Dropped by every instance at start and hourly; `/metrics` shows `usage_gateway_retention_dropped_events_total`, `usage_gateway_retention_last_success_seconds` and `usage_gateway_event_log_oldest_day_seconds` ([docs/design.md](docs/design.md#retention))',
  }),
  keepUserAgent: bool('KEEP_USER_AGENT', false, { ...privacy, doc: "keep stored user agents for good. By default an event's user agent is removed once its day has left the identity-key window (`IDENTITY_KEY_DAYS`, else `MAX_EVENT_AGE_DAYS`); its traffic class is kept and recounts use it ([docs/counting.md](docs/counting.md#reduced-user-agents))" }),
  keepUrlQuery: bool('KEEP_URL_QUERY', false, { ...privacy, doc: 'store event URLs whole. By default the query string and fragment are cut before storing (the double-click key is made from the full URL first, so counting is unchanged)' }),

  sushiPlatform: text('SUSHI_PLATFORM', 'usage-gateway', { ...reports, doc: 'platform and `created-by` of COUNTER SUSHI reports: the name DataCite knows the service by ([docs/formats.md](docs/formats.md))' }),
  dataciteHub: raw('DATACITE_HUB', { ...reports, doc: "`sushi submit`: DataCite's hub, `test` (`https://api.test.datacite.org/reports`) or `production` (`https://api.datacite.org/reports`) ([docs/formats.md](docs/formats.md#reporting-to-datacite))" }),
  dataciteHubUrl: raw('DATACITE_HUB_URL', { ...reports, doc: "`sushi submit`: any other usage hub's `/reports` URL; wins over `DATACITE_HUB`" }),
  dataciteHubToken: raw('DATACITE_HUB_TOKEN', { ...reports, doc: "`sushi submit`: the hub's token (`Authorization: Bearer`)" }),
};

type Settings = typeof SETTINGS;

/** The parsed configuration: one field per entry of {@link SETTINGS}, documented there. */
export type GatewayConfig = { -readonly [K in keyof Settings]: ReturnType<Settings[K]['read']> };

/** One setting from the environment, without reading (and validating) the others. */
export function readSetting<K extends keyof Settings>(key: K, env: Env = process.env): GatewayConfig[K] {
  return SETTINGS[key].read(env) as GatewayConfig[K];
}

/**
 * The window in which events are accepted and their days' identity-key
 * secrets kept, days: `IDENTITY_KEY_DAYS` when set and shorter, else
 * `MAX_EVENT_AGE_DAYS`.
 */
export function identityKeyWindowDays(c: Pick<GatewayConfig, 'maxEventAgeDays' | 'identityKeyDays'>): number {
  return c.identityKeyDays === null ? c.maxEventAgeDays : Math.min(c.identityKeyDays, c.maxEventAgeDays);
}

/** Every setting from the environment; throws on the first malformed value. */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const config: Partial<Record<keyof Settings, unknown>> = {};
  for (const key of Object.keys(SETTINGS) as (keyof Settings)[]) config[key] = SETTINGS[key].read(env);
  return config as GatewayConfig;
}
