import http from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { Services } from '../services';
import type { GatewayContext } from '../graphql/context';
import { createLoaders } from '../loaders/create-loaders';
import { apiKeyFromHeaders } from '../auth/api-keys';
import { ANONYMOUS, type Caller } from '../auth/caller';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { createMetrics, metricsPlugin, type GatewayMetrics } from './metrics';
import { mountWeb } from './web.routes';
import { corsMiddleware } from './cors';

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
}

const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * Errors without a code we chose are internal: their message may carry
 * database details, so the client gets a generic message and the log gets
 * the real one.
 */
export function maskError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? '');
    if (KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
    logger.error({ err: error, path: formatted.path }, 'internal error in GraphQL request');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

export async function createApp(opts: AppOptions): Promise<GatewayApp> {
  const { services, config, logger } = opts;
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const metrics = createMetrics();
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const armor = new ApolloArmor({
    maxDepth: { n: config.maxQueryDepth },
    maxAliases: { n: config.maxAliases },
    // The cost rule multiplies by literal `first` sizes and weighs fields by
    // depth. A factor of 1.2 (instead of 1.5) keeps legitimate usage trees
    // (20 collections × 10 datasets × 10 files with stats and parents costs
    // ~84,000) well inside the default limit.
    costLimit: { maxCost: config.maxQueryCost, depthCostFactor: 1.2 },
    maxTokens: { n: 20000 },
  });
  const protection = armor.protect();

  const apollo = new ApolloServer<GatewayContext>({
    schema: opts.schema,
    // Our own GraphiQL (web.routes.ts) replaces the landing page, which loads Apollo Sandbox from a CDN.
    plugins: [...protection.plugins, ApolloServerPluginDrainHttpServer({ httpServer: server }), metricsPlugin(metrics), ApolloServerPluginLandingPageDisabled()],
    validationRules: protection.validationRules,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: maskError(logger),
    introspection: true,
    // The process owns SIGTERM/SIGINT (src/index.ts): it drains HTTP, flushes
    // ingestion and closes the database in order. Apollo's own handler would
    // race it and leave the process hanging.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const resolveCaller = async (req: express.Request): Promise<Caller | 'invalid'> => {
    const key = apiKeyFromHeaders(req.headers);
    if (!key) return ANONYMOUS;
    return (await services.auth.callerForKey(key)) ?? 'invalid';
  };

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ?? (req.path.startsWith('/api/reports') ? '/api/reports' : req.path);
      metrics.httpRequests.inc({ method: req.method, route: String(route), status: String(res.statusCode) });
      logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await services.store.db.command({ ping: 1 });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const cors = corsMiddleware(config.corsOrigins);
  if (cors) app.use(['/graphql', '/api/reports'], cors);
  opts.routes?.(app, { services, resolveCaller });
  mountWeb(app);

  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const caller = await resolveCaller(req);
        if (caller === 'invalid') {
          throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'unknown or revoked API key', { http: { status: 401 } });
        }
        return { caller, loaders: createLoaders(services.store), services };
      },
    }),
  );

  // Body parser errors (too large, bad JSON) get a stable code too.
  app.use((err: Error & { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    if (err.type === 'entity.too.large') {
      return res.status(413).json({ errors: [{ message: `request body larger than ${config.maxBodyBytes} bytes`, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE } }] });
    }
    if (err.type === 'entity.parse.failed') {
      return res.status(400).json({ errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    }
    logger.error({ err }, 'unhandled HTTP error');
    return res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
  });

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
