/*
 * Usage report streaming benchmark (not part of `npm test`):
 *
 *   npm run bench:reports -- [files=200000]
 *
 * Seeds a fresh embedded FerretDB with N files (in 2,000 datasets) and one
 * FILE usage_totals document per file (direct insertMany), starts a real
 * gateway in this process, then downloads reports through the real HTTP
 * endpoints, sampling process.memoryUsage() every 50 ms. Prints time to
 * headers, to the first data row, total time, rows, bytes, and peak RSS and
 * heap above the idle baseline. The HTTP client only counts bytes.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/gateway';
import { startEmbeddedDatabase } from '../src/db/embedded-database';
import { connectStore, type Store } from '../src/store/store';
import { Visibility } from '../src/domain/resources';
import type { DatasetDoc, FileDoc } from '../src/store/catalog.documents';
import type { UsageTotalsDoc } from '../src/store/usage.documents';

const N = Number(process.argv[2] ?? 200_000);
const DATASETS = 2_000;
const CHUNK = 5_000;

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

async function seed(store: Store): Promise<void> {
  const t0 = Date.now();
  const created = new Date('2024-01-01T00:00:00Z');
  await store.portals.insertOne({ _id: 'p1', name: 'Portal', url: null });
  await store.users.insertMany(
    Array.from({ length: 50 }, (_, i) => ({ _id: `u${i}`, name: `User ${i}`, email: null, role: 'USER' as const, automated: false, createdAt: created })),
  );
  await store.spaces.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `s${i}`, name: `Space ${i}`, memberIds: ['u1'], createdAt: created })));
  await store.collections.insertMany(
    Array.from({ length: 100 }, (_, i) => ({ _id: `c${i}`, name: `Collection ${i}`, ownerId: 'u0', parentCollectionIds: [], spaceIds: [`s${i % 5}`], createdAt: created })),
  );
  const datasets: DatasetDoc[] = Array.from({ length: DATASETS }, (_, i) => ({
    _id: `d${String(i).padStart(5, '0')}`,
    title: `Dataset ${i}, "bench"`,
    description: null,
    portalId: 'p1',
    ownerId: `u${i % 50}`,
    spaceIds: [`s${i % 5}`],
    collectionIds: [`c${i % 100}`],
    themeIds: [],
    licence: null,
    publisher: null,
    published: i % 10 !== 9,
    visibility: i % 3 === 0 ? Visibility.PRIVATE : Visibility.PUBLIC,
    recordCount: 0,
    createdAt: created,
    modifiedAt: created,
  }));
  await store.datasets.insertMany(datasets);
  const day = new Date('2026-01-15T10:00:00Z');
  for (let start = 0; start < N; start += CHUNK) {
    const files: FileDoc[] = [];
    const usage: UsageTotalsDoc[] = [];
    for (let i = start; i < Math.min(N, start + CHUNK); i++) {
      const id = `f${String(i).padStart(7, '0')}`;
      const ds = [`d${String(i % DATASETS).padStart(5, '0')}`];
      if (i % 7 === 0) ds.push(`d${String((i * 13) % DATASETS).padStart(5, '0')}`);
      files.push({ _id: id, title: `file-${i}.csv`, sizeBytes: (i * 7919) % 10_000_000, contentType: 'text/csv', datasetIds: ds, ownerId: `u${i % 50}`, createdAt: created });
      usage.push({
        _id: `FILE:${id}`,
        resourceType: 'FILE' as UsageTotalsDoc['resourceType'],
        resourceId: id,
        views: 1 + (i % 97),
        downloads: i % 13,
        apiCalls: i % 5,
        lastViewedAt: day,
        ...(i % 13 ? { lastDownloadedAt: day } : {}),
        batches: ['seed'],
      });
    }
    await store.files.insertMany(files, { ordered: false });
    await store.usageTotals.insertMany(usage, { ordered: false });
    if ((start / CHUNK) % 8 === 0) console.log(`  seeded ${Math.min(N, start + CHUNK)} / ${N} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  console.log(`seeded ${N} files + ${N} usage_totals docs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

interface Measure {
  label: string;
  status: number;
  headersMs: number;
  firstRowMs: number;
  totalMs: number;
  rows: number;
  bytes: number;
  peakRssDeltaMb: string;
  peakHeapDeltaMb: string;
  /** Peak heap right after a forced full GC (sampled once a second), i.e. what the report really retains. */
  peakLiveHeapDeltaMb: string;
  baselineRssMb: string;
  baselineHeapMb: string;
}

async function measure(label: string, url: string, init: RequestInit, body: 'csv' | 'json', liveGc = false): Promise<Measure> {
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  let peakLive = base.heapUsed;
  let lastGc = performance.now();
  const timer = setInterval(() => {
    if (liveGc && gc && performance.now() - lastGc >= 1000) {
      gc();
      lastGc = performance.now();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  }, 50);
  const t0 = performance.now();
  const res = await fetch(url, init);
  const headersMs = performance.now() - t0;
  let bytes = 0;
  let newlines = 0;
  let firstRowMs = -1;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines++;
    // Header line + first data row seen.
    if (firstRowMs < 0 && (body === 'json' || newlines >= 2)) firstRowMs = performance.now() - t0;
  }
  const totalMs = performance.now() - t0;
  clearInterval(timer);
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
  return {
    label,
    status: res.status,
    headersMs: Math.round(headersMs),
    firstRowMs: Math.round(firstRowMs),
    totalMs: Math.round(totalMs),
    rows: body === 'csv' ? newlines - 1 : 0,
    bytes,
    peakRssDeltaMb: mb(peakRss - base.rss),
    peakHeapDeltaMb: mb(peakHeap - base.heapUsed),
    peakLiveHeapDeltaMb: liveGc && gc ? mb(peakLive - base.heapUsed) : 'n/a',
    baselineRssMb: mb(base.rss),
    baselineHeapMb: mb(base.heapUsed),
  };
}

async function main(): Promise<void> {
  if (!gc) console.log('(run with node --expose-gc for a steadier baseline)');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ug-report-bench-'));
  const db = await startEmbeddedDatabase({ dataDir, synchronous: 'normal' });
  try {
    const dbName = 'report_bench';
    const seedStore = await connectStore({ uri: db.uri, dbName, maxPoolSize: 4 });
    await seed(seedStore);
    await seedStore.client.close();

    const gw = await startGateway(loadConfig({ MONGODB_URI: db.uri, MONGODB_DB: dbName, DEMO_DATA: 'false', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), {
      logger: pino({ level: 'silent' }),
    });
    try {
      await gw.services.catalogWriter.users([
        { _id: 'root', name: 'Root', email: null, role: 'ADMIN', automated: false },
      ]);
      const admin = (await gw.services.auth.issueKey('root')).key;
      const user = (await gw.services.auth.issueKey('u1')).key;
      const base = `http://127.0.0.1:${gw.port}`;
      const results: Measure[] = [];
      const auth = (k: string) => ({ headers: { authorization: `Bearer ${k}` } });
      results.push(await measure('CSV files, ADMIN', `${base}/api/reports/metrics/files`, auth(admin), 'csv'));
      console.log(results[results.length - 1]);
      results.push(await measure('CSV files, USER (visibility filter)', `${base}/api/reports/metrics/files`, auth(user), 'csv'));
      console.log(results[results.length - 1]);
      results.push(await measure('CSV files, ADMIN, order=none (streamed as read)', `${base}/api/reports/metrics/files?order=none`, auth(admin), 'csv'));
      console.log(results[results.length - 1]);
      results.push(await measure('CSV files, USER, order=none', `${base}/api/reports/metrics/files?order=none`, auth(user), 'csv'));
      console.log(results[results.length - 1]);
      if (gc) {
        results.push(await measure('CSV files, ADMIN, forced GC each 1 s', `${base}/api/reports/metrics/files`, auth(admin), 'csv', true));
        console.log(results[results.length - 1]);
      }
      const query = JSON.stringify({ query: '{ usageReport(type: FILE, first: 50) { totalCount nodes { id downloads views parentDatasets { id name } } } }' });
      results.push(
        await measure('GraphQL usageReport(FILE, first: 50), ADMIN', `${base}/graphql`, { method: 'POST', body: query, headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` } }, 'json'),
      );
      console.log(results[results.length - 1]);

      console.log(`\nReport streaming, ${N} files with usage (FerretDB 1.24 embedded, ${os.cpus().length} CPUs, Node ${process.version})`);
      console.log('| report | status | headers ms | first row ms | total ms | rows | MB | peak RSS Δ MB | peak heap Δ MB | peak live heap Δ MB |');
      console.log('|---|---|---|---|---|---|---|---|---|---|');
      for (const r of results) {
        console.log(
          `| ${r.label} | ${r.status} | ${r.headersMs} | ${r.firstRowMs} | ${r.totalMs} | ${r.rows} | ${mb(r.bytes)} | ${r.peakRssDeltaMb} | ${r.peakHeapDeltaMb} | ${r.peakLiveHeapDeltaMb} |`,
        );
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
