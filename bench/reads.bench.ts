/*
 * The read rows of `npm run bench`: one dataset at two catalog sizes, the
 * nested usage tree against its baselines, the dashboard, and the scale run
 * (200,000 events stored, rebuilt and read).
 */
import type { CommandStartedEvent } from 'mongodb';
import { loadConfig } from '../src/config';
import { connectStore, ensureIndexes, type Store } from '../src/store/store';
import { createServices } from '../src/services';
import { makeEvents } from '../test/support/event-mix';
import { Visibility } from '../src/domain/resources';
import type { TrackEventInput } from '../src/domain/tracking';
import { median, p50, post, seedCatalog, seedEvents, SEEDER, time, us, withGateway, type BenchRun } from './bench-kit';
import { withCpu } from './cpu';
import { handWrittenTree, naiveTree } from './tree-baselines';

const ONE_DATASET = 'query D($id: ID!) { dataset(id: $id) { id title stats { views downloads } } }';

/** A catalog of `count` datasets written straight into the collection (the bench's seed, not a scenario). */
async function seedDatasets(store: Store, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `ds-${String(i).padStart(6, '0')}`);
  const now = new Date();
  for (let i = 0; i < ids.length; i += 2000) {
    await store.datasets.insertMany(
      ids.slice(i, i + 2000).map((id) => ({
        _id: id, title: `Dataset ${id}`, description: null, portalId: 'p', ownerId: null, spaceIds: [], collectionIds: [], themeIds: [],
        licence: 'ODbL', publisher: 'Org', published: true, visibility: Visibility.PUBLIC, recordCount: 1, createdAt: now, modifiedAt: now,
      })),
    );
    await store.usageTotals.insertMany(ids.slice(i, i + 2000).map((id, k) => ({ _id: `DATASET:${id}`, resourceType: 'DATASET' as never, resourceId: id, views: k, downloads: k % 7 })));
  }
  return ids;
}

export async function benchOneDataset(run: BenchRun, uri: string, dbPid: number): Promise<void> {
  const results: Record<string, number> = {};
  for (const size of [300, 30_000]) {
    const dbName = run.freshDbName();
    const store = await connectStore({ uri, dbName, maxPoolSize: 4 });
    await ensureIndexes(store);
    await store.portals.insertOne({ _id: 'p', name: 'Portal', url: null });
    const ids = await seedDatasets(store, size);
    const pick = (i: number) => ids[(i * 7919) % ids.length];
    const rawP50 = await p50(10, 300, async (i) => {
      await store.datasets.findOne({ _id: pick(i) });
      await store.usageTotals.findOne({ _id: `DATASET:${pick(i)}` });
    });
    await store.client.close();
    await withGateway(uri, dbName, async (gw, key) => {
      await p50(10, 50, (i) => post(gw, key, ONE_DATASET, { id: pick(i) })); // warm-up
      const typename = await p50(10, 300, () => post(gw, key, '{ __typename }', {}));
      const cpu = await withCpu(dbPid, () => p50(10, 300, (i) => post(gw, key, ONE_DATASET, { id: pick(i) })));
      results[size] = cpu.value;
      run.row(
        'reads',
        `one dataset with stats, 10 concurrent clients (${size.toLocaleString('en')} datasets)`,
        '300 requests',
        `p50 ${cpu.value.toFixed(1)} ms; DB ${((cpu.dbCpu / 300) * 1000).toFixed(2)} ms/request`,
        `${(cpu.value / typename).toFixed(2)}× { __typename } (p50 ${typename.toFixed(1)} ms); raw finds by _id p50 ${rawP50.toFixed(1)} ms`,
      );
    });
  }
  run.row('reads', 'one dataset: 30,000 datasets vs 300', '', '', `${(results[30_000] / results[300]).toFixed(2)}`);
}

/**
 * The scale row: `datasets` datasets and `events` events through the real
 * ingestion service, then every figure rebuilt from the log (the recount
 * of that many stored events), and the dashboard over them.
 */
export async function benchScale(run: BenchRun, uri: string, dbPid: number, datasets: number, events: number): Promise<void> {
  const dbName = run.freshDbName();
  const store = await connectStore({ uri, dbName, maxPoolSize: 4 });
  await ensureIndexes(store);
  const resources = await seedCatalog(store, { collections: Math.ceil(datasets / 100), datasetsPer: 100, filesPer: 1 });
  const users = Array.from({ length: 200 }, (_, i) => `u${i}`);
  const services = createServices(store, loadConfig({ MONGODB_URI: 'mongodb://unused', DEMO_DATA: 'false', MAX_EVENTS_PER_REQUEST: '5000' }));
  const ingest = await withCpu(dbPid, async () => {
    for (let i = 0; i < events; i += 5000) {
      const evs = makeEvents({ count: Math.min(5000, events - i), seed: 1000 + i, prefix: `scale${i}`, resources, users, now: run.now });
      await services.ingest.track(evs.map((e) => ({ ...e, timestamp: new Date(e.timestamp) })) as unknown as TrackEventInput[], SEEDER);
    }
  });
  run.row('scale', `${events.toLocaleString('en')} events stored through the ingestion service (${datasets.toLocaleString('en')} datasets)`, `${events} events`, `${(events / (ingest.ms / 1000)).toFixed(0)} events/s; DB ${us(ingest.dbCpu, events)}/event`, '');
  const rebuild = await withCpu(dbPid, () => services.aggregator.rebuildAll());
  run.row(
    'scale',
    `recount --rebuild: every figure from the ${events.toLocaleString('en')} stored events`,
    `${rebuild.value.days} days`,
    `${(rebuild.ms / 1000).toFixed(1)} s (${(events / (rebuild.ms / 1000)).toFixed(0)} events/s); DB ${(rebuild.dbCpu).toFixed(1)} s, Node ${rebuild.nodeCpu.toFixed(1)} s`,
    '',
  );
  await store.client.close();
  await withGateway(uri, dbName, async (gw, key) => {
    await post(gw, key, DASHBOARD, {});
    const samples: number[] = [];
    for (let r = 0; r < 5; r++) samples.push((await time(() => post(gw, key, DASHBOARD, {}))).ms);
    const windowed: number[] = [];
    const from = new Date(run.now.getTime() - 7 * 86_400_000).toISOString();
    for (let r = 0; r < 5; r++) windowed.push((await time(() => post(gw, key, DASHBOARD_WINDOW, { from }))).ms);
    run.row('scale', `dataDashboard, all time (${datasets.toLocaleString('en')} datasets, ${events.toLocaleString('en')} events)`, '5 runs', `median ${median(samples).toFixed(0)} ms`, '');
    run.row('scale', 'dataDashboard, last 7 days (day documents of the window)', '5 runs', `median ${median(windowed).toFixed(0)} ms`, '');
  });
}

function commandCounter(store: Store): { count(): number; reset(): void } {
  let n = 0;
  store.client.on('commandStarted', (_e: CommandStartedEvent) => {
    n++;
  });
  return { count: () => n, reset: () => (n = 0) };
}

const TREE = `query T { collections(first: 20) { nodes { id name stats { views } parentCollections { id name }
  datasets(first: 10) { nodes { id title stats { views downloads apiCalls } collections { id name } spaces { id name }
    files(first: 10) { nodes { id title stats { downloads } datasets { id title } } } } } } } }`;

export async function benchTree(run: BenchRun, uri: string): Promise<void> {
  const dbName = run.freshDbName();
  const store = await connectStore({ uri, dbName, maxPoolSize: 4, monitorCommands: true });
  await ensureIndexes(store);
  const resources = await seedCatalog(store, { collections: 20, datasetsPer: 10, filesPer: 10 });
  await seedEvents(store, makeEvents({ count: 5000, seed: 7, prefix: 'tree', resources, users: ['u1', 'u2'], now: run.now }));
  const counter = commandCounter(store);
  const runs = 5;

  // One run of the N+1 baseline: it is slow enough that its spread does not matter.
  const naive: number[] = [];
  let naiveCmds = 0;
  for (let r = 0; r < 1; r++) {
    counter.reset();
    naive.push((await time(() => naiveTree(store, 20))).ms);
    naiveCmds = counter.count();
  }
  const hand: number[] = [];
  let handCmds = 0;
  let nodes = 0;
  for (let r = 0; r < runs; r++) {
    counter.reset();
    const t = await time(() => handWrittenTree(store, 20));
    hand.push(t.ms);
    nodes = t.value;
    handCmds = counter.count();
  }
  await store.client.close();

  const gwTimes: number[] = [];
  let gwCmds = 0;
  await withGateway(
    uri,
    dbName,
    async (gw, key) => {
      let n = 0;
      gw.store.client.on('commandStarted', () => n++);
      for (let r = 0; r < runs; r++) {
        n = 0;
        const t = await time(() => post(gw, key, TREE, {}));
        if (t.value.errors) throw new Error(t.value.errors[0].message);
        gwTimes.push(t.ms);
        gwCmds = n;
      }
    },
    true,
  );
  run.row('usage tree', `GraphQL with DataLoader (${nodes} nodes, over HTTP)`, `${gwCmds} commands`, `${median(gwTimes).toFixed(0)} ms`, '');
  run.row('usage tree', 'resolvers without DataLoader (N+1, direct driver, no HTTP)', `${naiveCmds} commands`, `${median(naive).toFixed(0)} ms`, (median(naive) / median(gwTimes)).toFixed(2) + '× the GraphQL time');
  run.row('usage tree', 'fewest hand-written queries (direct driver, no HTTP)', `${handCmds} commands`, `${median(hand).toFixed(0)} ms`, (median(hand) / median(gwTimes)).toFixed(2) + '× the GraphQL time');
}

const DASHBOARD = `query D { dataDashboard { totals { datasets downloads apiCalls robotShare } top5 { downloads { datasetId count } } popularity { mostPopular { datasetId score } } themes { name averageScore } } }`;
const DASHBOARD_WINDOW = `query W($from: DateTime) { dataDashboard(from: $from) { totals { datasets downloads apiCalls } top5 { downloads { datasetId count } } } }`;

export async function benchDashboard(run: BenchRun, uri: string): Promise<void> {
  const times: Record<string, number> = {};
  for (const [label, factor] of [['1×', 1], ['10×', 10]] as const) {
    const dbName = run.freshDbName();
    const store = await connectStore({ uri, dbName, maxPoolSize: 4 });
    await ensureIndexes(store);
    const resources = await seedCatalog(store, { collections: 10, datasetsPer: 30, filesPer: 1 });
    await seedEvents(store, makeEvents({ count: 2000 * factor, seed: 11, prefix: 'dash', resources, users: ['u1'], now: run.now }));
    await store.client.close();
    const supported = await withGateway(uri, dbName, async (gw, key) => {
      const probe = await post(gw, key, DASHBOARD, {});
      if (probe.errors) return false;
      const samples: number[] = [];
      for (let r = 0; r < 5; r++) samples.push((await time(() => post(gw, key, DASHBOARD, {}))).ms);
      times[label] = median(samples);
      return true;
    });
    if (!supported) {
      run.notes.push('The dashboard query is not available in this build; skipped.');
      return;
    }
    run.row('dashboard', `dataDashboard, ${2000 * factor} events recorded (300 datasets)`, `${2000 * factor} events`, `${times[label].toFixed(0)} ms`, label === '1×' ? '1.00' : (times['10×'] / times['1×']).toFixed(2));
  }
}
