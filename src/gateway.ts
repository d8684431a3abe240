import 'reflect-metadata';
import path from 'node:path';
import type { Logger } from 'pino';
import { identityKeyWindowDays, type GatewayConfig } from './config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded-database';
import { connectStore, ensureIndexes, type Store } from './store/store';
import { createServices, type Services } from './services';
import { buildGatewaySchema } from './graphql/schema';
import { createApp, type GatewayApp } from './http/app';
import { maintenanceOptions, startMaintenance } from './maintenance';
import { startSecretExpiry } from './ingest/secret-expiry';
import { loadDemoData } from './demo/load-demo';
import { apiRoutes } from './http/api-routes';

export interface RunningGateway {
  url: string;
  port: number;
  store: Store;
  services: Services;
  app: GatewayApp;
  embedded: EmbeddedDatabase | null;
  /** Graceful stop: HTTP drain, ingestion flush, database close. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  /** Driver command monitoring (tests and benchmarks). */
  monitorCommands?: boolean;
  /** Clock for demo data. Default: now. */
  now?: Date;
}

/** Starts the database (embedded unless MONGODB_URI), the services and the HTTP server. */
export async function startGateway(config: GatewayConfig, opts: StartOptions): Promise<RunningGateway> {
  const { logger } = opts;
  let embedded: EmbeddedDatabase | null = null;
  let uri = config.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedDatabase({ dataDir: path.join(config.dataDir, 'ferretdb') });
    uri = embedded.uri;
    logger.info({ uri, dataDir: config.dataDir }, 'embedded FerretDB started');
    // Supervised: restarted with back-off when it dies; /ready is 503 and
    // requests get DATABASE_UNAVAILABLE at once meanwhile.
    embedded.events.on('down', (e: unknown) => logger.error(e, 'embedded FerretDB died; restarting'));
    embedded.events.on('failed', (err: unknown) => logger.error({ err }, 'embedded FerretDB restart failed; retrying'));
    embedded.events.on('up', (e: unknown) => logger.warn(e, 'embedded FerretDB restarted'));
  }
  let store: Store | null = null;
  try {
    store = await connectStore({
      uri,
      dbName: config.dbName,
      maxPoolSize: config.maxPoolSize,
      monitorCommands: opts.monitorCommands,
    });
    await ensureIndexes(store);
    const services = createServices(store, config, logger);
    // The shared counting rules (published from this process into an empty
    // database), so acknowledgements classify with them from the start.
    await services.rules.sync();
    if (config.demoData) {
      // The demo history reaches back a year: recorded as an archived import
      // is (IDENTITY_KEY_DAYS lifted), the closed days' identity secrets then
      // go at the first expiry pass below.
      const demoServices = config.identityKeyDays === null ? services : createServices(store, { ...config, identityKeyDays: null }, logger);
      if (demoServices !== services) await demoServices.rules.sync();
      const demo = await loadDemoData(demoServices, opts.now ?? new Date(), logger, {
        datasetCount: config.demoDatasets,
        eventCount: config.demoEvents,
      });
      if (demo.adminKey) {
        logger.warn({ adminKey: demo.adminKey }, 'demo data loaded; this admin API key is shown once');
      }
    }
    const schema = await buildGatewaySchema();
    const app = await createApp({ schema, services, config, logger, routes: apiRoutes(config), databaseUp: embedded ? () => embedded!.up : undefined, storageDir: embedded ? config.dataDir : undefined });
    const port = await app.listen(config.port, config.host);
    services.aggregator.start();
    const stopMaintenance = startMaintenance(services, logger, maintenanceOptions(config, app.metrics));
    const stopSecretExpiry = startSecretExpiry(services.daySecrets, logger, { keyDays: identityKeyWindowDays(config) });
    const url = `http://localhost:${port}/graphql`;
    logger.info({ url }, 'usage-gateway ready');
    let stopping: Promise<void> | null = null;
    return {
      url,
      port,
      store,
      services,
      app,
      embedded,
      stop() {
        stopping ??= (async () => {
          stopMaintenance();
          stopSecretExpiry();
          await app.stop();
          await services.aggregator.stop(config.shutdownTimeoutMs);
          await store!.client.close();
          await embedded?.stop();
          logger.info('usage-gateway stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await store?.client.close().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
}
