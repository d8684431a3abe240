import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { loadConfig, type GatewayConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/gateway';
import type { Role } from '../../src/domain/caller';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown>; path?: (string | number)[] }[];
}

export interface TestGateway {
  gw: RunningGateway;
  url: string;
  baseUrl: string;
  dbName: string;
  /** POSTs a GraphQL operation over real HTTP; `key` is sent as a Bearer token. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  /** Waits until every stored event is aggregated into the figures. */
  settle(): Promise<void>;
  /** Stored events in the event log. */
  eventCount(): Promise<number>;
  /** Creates a user with a role and returns a fresh API key for it. */
  keyFor(userId: string, role: Role, opts?: { automated?: boolean; keyAutomated?: boolean; name?: string }): Promise<string>;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Environment overrides (same names as the real configuration). */
  env?: Record<string, string>;
  monitorCommands?: boolean;
  /** Database name; default a fresh one. */
  dbName?: string;
}

/** A real gateway (HTTP server, services, database) on the test database server. */
export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through jest (globalSetup)');
  const dbName = opts.dbName ?? `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const config: GatewayConfig = loadConfig({
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    DEMO_DATA: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    // Rate limits and event budgets are off in tests unless a test sets them
    // (test/security/*): functional tests send bursts from one address.
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_ANONYMOUS: '0',
    AUTH_FAILURE_LIMIT: '0',
    TRACK_EVENTS_PER_MINUTE_USER: '0',
    TRACK_EVENTS_PER_MINUTE: '0',
    REUSE_REGISTRATIONS_PER_HOUR: '0',
    // Load tests open more than 64 connections from 127.0.0.1.
    MAX_CONNECTIONS_PER_IP: '0',
    ...opts.env,
  });
  const gw = await startGateway(config, { logger: pino({ level: 'silent' }), monitorCommands: opts.monitorCommands });
  const baseUrl = `http://127.0.0.1:${gw.port}`;
  const url = `${baseUrl}/graphql`;
  return {
    gw,
    url,
    baseUrl,
    dbName,
    settle: () => gw.services.aggregator.settle(),
    // Events are the log documents whose ids are not `~` index/queue entries.
    eventCount: () => gw.store.eventLog.countDocuments({ _id: { $lt: '~' } }),
    async gql(query, variables, key) {
      // Figures are derived from the event log a moment after an event is
      // acknowledged; a read in a test waits for that, as a dashboard
      // refreshed a second later would see it.
      if (!/^\s*mutation\b/.test(query)) await gw.services.aggregator.settle();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as never;
    },
    async keyFor(userId, role, o = {}) {
      await gw.services.catalogWriter.users([{ _id: userId, name: o.name ?? userId, email: null, role, automated: o.automated ?? false }]);
      const { key } = await gw.services.auth.issueKey(userId, { automated: o.keyAutomated ?? false });
      return key;
    },
    async stop() {
      await gw.store.db.dropDatabase().catch(() => undefined);
      await gw.stop();
    },
  };
}
