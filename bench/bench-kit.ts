/*
 * What every `npm run bench` scenario shares: the run's result rows, fresh
 * database names, a gateway with an admin key, a seeded catalog and events.
 */
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { connectStore, ensureIndexes, type Store } from '../src/store/store';
import { createServices } from '../src/services';
import { Visibility } from '../src/domain/resources';
import type { Caller } from '../src/domain/caller';
import type { TrackEventInput } from '../src/domain/tracking';
import type { MixEvent } from '../test/support/event-mix';

const log = pino({ level: 'silent' });

/** One run's results: the table rows, notes below it, and a counter for fresh database names. */
export interface BenchRun {
  readonly rows: string[][];
  readonly notes: string[];
  /** The run's "now": every scenario's events are generated around it. */
  readonly now: Date;
  /** Records one table row and prints it. */
  row(...cells: (string | number)[]): void;
  /** A database name no scenario of this run has used. */
  freshDbName(): string;
}

export function createBenchRun(): BenchRun {
  const rows: string[][] = [];
  let dbCounter = 0;
  return {
    rows,
    notes: [],
    now: new Date(),
    row(...cells) {
      rows.push(cells.map(String));
      console.log(cells.join(' | '));
    },
    freshDbName: () => `bench_${process.pid}_${dbCounter++}`,
  };
}


export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}


export async function seedCatalog(store: Store, opts: { collections: number; datasetsPer: number; filesPer: number }): Promise<{ type: MixEvent['resourceType']; id: string }[]> {
  const services = createServices(store, loadConfig({ MONGODB_URI: 'x' }));
  const w = services.catalogWriter;
  await w.portals([{ _id: 'p', name: 'Portal', url: null }]);
  await w.users(Array.from({ length: 20 }, (_, i) => ({ _id: `u${i}`, name: `User ${i}`, email: null, role: 'USER' as const, automated: false })));
  await w.spaces([{ _id: 's', name: 'Space', memberIds: ['u1'] }]);
  const cols = Array.from({ length: opts.collections }, (_, c) => `c${String(c).padStart(3, '0')}`);
  await w.collections(cols.map((id, i) => ({ _id: id, name: `Collection ${id}`, parentCollectionIds: i > 0 && i % 5 === 0 ? [cols[0]] : [], spaceIds: ['s'] })));
  const resources: { type: MixEvent['resourceType']; id: string }[] = cols.map((id) => ({ type: 'COLLECTION', id }));
  const datasets = [];
  const files = [];
  for (const c of cols) {
    for (let d = 0; d < opts.datasetsPer; d++) {
      const id = `${c}-d${String(d).padStart(3, '0')}`;
      datasets.push({
        _id: id, title: `Dataset ${id}`, description: null, portalId: 'p', ownerId: 'u0', spaceIds: ['s'], collectionIds: [c],
        themeIds: [], licence: 'ODbL', publisher: 'Org', published: true, visibility: Visibility.PUBLIC, recordCount: 10,
      });
      resources.push({ type: 'DATASET', id });
      for (let f = 0; f < opts.filesPer; f++) {
        files.push({ _id: `${id}-f${f}`, title: `file-${f}.csv`, sizeBytes: 1000, contentType: 'text/csv', datasetIds: [id], ownerId: null });
        resources.push({ type: 'FILE', id: `${id}-f${f}` });
      }
    }
  }
  for (let i = 0; i < datasets.length; i += 500) await w.datasets(datasets.slice(i, i + 500));
  for (let i = 0; i < files.length; i += 1000) await w.files(files.slice(i, i + 1000));
  return resources;
}

export const SEEDER: Caller = { kind: 'user', userId: 'bench-seed', role: 'ADMIN', automated: false, spaceIds: [] };

/** Stores events through the ingestion service and builds the figures in one bulk pass. */
export async function seedEvents(store: Store, events: MixEvent[]): Promise<void> {
  const services = createServices(store, loadConfig({ MONGODB_URI: 'mongodb://unused', DEMO_DATA: 'false' }));
  const inputs = events.map((e) => ({ ...e, timestamp: new Date(e.timestamp) })) as unknown as TrackEventInput[];
  for (let i = 0; i < inputs.length; i += 500) await services.ingest.track(inputs.slice(i, i + 500), SEEDER);
  await services.aggregator.rebuildAll();
}

export async function withGateway<T>(uri: string, dbName: string, fn: (gw: RunningGateway, key: string) => Promise<T>, monitor = false): Promise<T> {
  const gw = await startGateway(
    loadConfig({
      MONGODB_URI: uri, MONGODB_DB: dbName, DEMO_DATA: 'false', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MONGODB_MAX_POOL_SIZE: '4',
      // The load generator is one client on one address: production limits off.
      AUTH_FAILURE_LIMIT: '0', RATE_LIMIT_PER_KEY: '100000000', TRACK_EVENTS_PER_MINUTE: '100000000', MAX_QUERY_COST: '100000000',
    }),
    { logger: log, monitorCommands: monitor },
  );
  try {
    await gw.services.catalogWriter.users([{ _id: 'bench-admin', name: 'Bench', email: null, role: 'ADMIN', automated: false }]);
    const { key } = await gw.services.auth.issueKey('bench-admin');
    return await fn(gw, key);
  } finally {
    await gw.stop();
  }
}

/** The gateway's GraphQL endpoint on the address it listens on. */
export const endpoint = (gw: RunningGateway) => `http://127.0.0.1:${gw.port}/graphql`;

export async function post(gw: RunningGateway, key: string, query: string, variables: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: { message: string }[] }> {
  const res = await fetch(`http://127.0.0.1:${gw.port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as never;
}

export async function connect(run: BenchRun, uri: string, monitor = false): Promise<Store> {
  const store = await connectStore({ uri, dbName: run.freshDbName(), maxPoolSize: 4, monitorCommands: monitor });
  await ensureIndexes(store);
  return store;
}

/** Per-event CPU, in microseconds, for the table. */
export const us = (cpuSeconds: number, events: number) => `${((cpuSeconds / events) * 1e6).toFixed(0)} µs`;

/** p50 of `requests` calls made by `concurrency` clients. */
export async function p50(concurrency: number, requests: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const t0 = performance.now();
        await call(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  return median(times);
}
