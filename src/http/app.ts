import http from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { Services } from '../services';
import type { GatewayContext } from '../graphql/context';
import { createLoaders } from '../loaders/create-loaders';
import { credentialsFromHeaders } from '../auth/credentials';
import { ANONYMOUS, type Caller } from '../domain/caller';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { createMetrics, registerQuarantineGauge, type GatewayMetrics } from '../metrics/metrics';
import { routeLabel } from './metric-labels';
import { requestSignal } from '../graphql/request-budget';
import { costLimitPlugin } from '../graphql/plugins/cost-limit.plugin';
import { databaseStatusPlugin } from '../graphql/plugins/database-status.plugin';
import { metricsPlugin } from '../graphql/plugins/metrics.plugin';
import { requestBudgetPlugin } from '../graphql/plugins/request-budget.plugin';
import { GatewayLimits, authFailureLimit, requestRateLimit } from './rate-limits';
import { databaseGate, databaseUnavailable, isDatabaseUnavailable } from './database-unavailable';
import { KNOWN_CODES, errorHandler, maskError } from './error-masking';
import { jsonClientErrors, notFound } from './json-errors';
import { metricsAuth, strictCredentials } from './credential-checks';
import { securityHeaders } from './security-headers';
import { mountWeb } from './web.routes';
import { corsMiddleware } from './cors';
import { bodyReadDeadline, limitConnections, serverOptions } from './connection-limits';
import { StorageHealth } from './storage-health';
import { noUnsupportedOperations } from './graphql-rules';
import { documentCache, persistedQueryCache } from './query-caches';

export interface GatewayApp {
  server: http.Server;
  apollo: ApolloServer<GatewayContext>;
  metrics: GatewayMetrics;
  /** Listens on `port` (0 = any free port); resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting requests, finishes in-flight ones, flushes ingestion. */
  stop(): Promise<void>;
}

export interface AppOptions {
  schema: GraphQLSchema;
  services: Services;
  config: GatewayConfig;
  logger: Logger;
  /** Extra routes (reports) mounted before the GraphQL endpoint. */
  routes?: (app: express.Express, deps: { services: Services; resolveCaller: (req: express.Request) => Promise<Caller | 'invalid'> }) => void;
  /** False while the embedded database is down and being restarted: requests get 503 at once. */
  databaseUp?: () => boolean;
  /** Directory of the embedded database, whose free space `/ready` checks (MIN_FREE_DISK_MB); none with MONGODB_URI. */
  storageDir?: string;
}

export async function createApp(opts: AppOptions): Promise<GatewayApp> {
  const { services, config, logger } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const server = http.createServer(serverOptions(config), app);
  jsonClientErrors(server);
  limitConnections(server, config, logger);
  const storage = new StorageHealth({ logger, dataDir: opts.storageDir ?? null, minFreeBytes: config.minFreeDiskMb * 1024 * 1024 });
  const authLimit = authFailureLimit(config);
  const limits = new GatewayLimits(config);
  const metrics = createMetrics();
  registerQuarantineGauge(metrics, () => services.quarantine.count());
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const armor = new ApolloArmor({
    maxDepth: { n: config.maxQueryDepth },
    maxAliases: { n: config.maxAliases },
    // Cost: src/graphql/cost.ts (reads variables and defaults, weighs heavy
    // fields). Tokens: the parser's own limit (parseOptions below), so that
    // an over-long document is a 400 GRAPHQL_PARSE_FAILED like any syntax error.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
  });
  const protection = armor.protect();

  const apqCache = persistedQueryCache(config.apqCacheBytes);
  const apollo = new ApolloServer<GatewayContext>({
    schema: opts.schema,
    // Our own GraphiQL (web.routes.ts) replaces the landing page, which loads Apollo Sandbox from a CDN.
    plugins: [
      ...protection.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      metricsPlugin({ metrics, knownOperations: config.metricsOperations, knownCodes: KNOWN_CODES }),
      costLimitPlugin({ schema: opts.schema, maxCost: config.maxQueryCost }),
      requestBudgetPlugin(),
      databaseStatusPlugin(),
      ApolloServerPluginLandingPageDisabled(),
    ],
    validationRules: [...protection.validationRules, noUnsupportedOperations],
    // Both bounded by bytes of query text (src/http/query-caches.ts).
    documentStore: documentCache(),
    persistedQueries: apqCache ? { cache: apqCache } : false,
    parseOptions: { maxTokens: config.maxQueryTokens },
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: maskError(logger, storage),
    introspection: true,
    // The process owns SIGTERM/SIGINT (src/index.ts): it drains HTTP, flushes
    // ingestion and closes the database in order. Apollo's own handler would
    // race it and leave the process hanging.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const resolveCaller = async (req: express.Request): Promise<Caller | 'invalid'> => {
    const credentials = credentialsFromHeaders(req.headers);
    if (credentials.kind === 'none') return ANONYMOUS;
    if (credentials.kind === 'malformed') return 'invalid'; // strictCredentials() answers first
    try {
      const caller = await services.auth.callerForKey(credentials.key);
      if (!caller) return 'invalid';
      authLimit.verified(req);
      return caller;
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw databaseUnavailable();
      throw err;
    }
  };

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const method = /^(GET|POST|HEAD|OPTIONS|PUT|DELETE|PATCH)$/.test(req.method) ? req.method : 'other';
      metrics.httpRequests.inc({ method, route: routeLabel(req, res), status: String(res.statusCode) });
      logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });

  app.use(securityHeaders());
  app.use(bodyReadDeadline(config));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    if (opts.databaseUp && !opts.databaseUp()) {
      res.status(503).json({ status: 'unavailable', reason: 'database restarting' });
      return;
    }
    try {
      await services.store.db.command({ ping: 1 });
      // A full disk leaves ping (and reads) working while every write fails.
      const problem = await storage.problem();
      if (problem) {
        res.status(503).json({ status: 'unavailable', reason: problem });
        return;
      }
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  app.get('/metrics', metricsAuth(config.metricsToken), async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const cors = corsMiddleware(config.corsOrigins);
  if (cors) app.use(['/graphql', '/api/reports'], cors);
  // Order: outage first (no database work), then key guessing, request
  // rates, and malformed credentials (401, counted as a failed authentication).
  app.use(['/graphql', '/api'], databaseGate(opts.databaseUp), authLimit.middleware, requestRateLimit(config), strictCredentials());
  opts.routes?.(app, { services, resolveCaller });
  mountWeb(app);

  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const caller = await resolveCaller(req);
        if (caller === 'invalid') {
          throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'unknown or revoked API key', { http: { status: 401 } });
        }
        const { signal, dispose } = requestSignal(req, res, config.requestTimeoutMs);
        res.once('finish', dispose);
        res.once('close', dispose);
        return { caller, loaders: createLoaders(services.store), services, signal, limits };
      },
    }),
  );

  // Every client error is a coded JSON 4xx; unknown routes a JSON 404.
  app.use(notFound());
  app.use(errorHandler(logger, config, storage));

  let stopped = false;
  return {
    server,
    apollo,
    metrics,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address();
          resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Apollo's drain plugin stops the listener and waits for in-flight
      // requests; then queued events are flushed before the database closes.
      const timer = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, config.shutdownTimeoutMs);
      try {
        await apollo.stop();
        await services.ingest.drain();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
