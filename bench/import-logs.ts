/**
 * Log import benchmark: events/s and peak RSS of `import-logs` on a
 * generated Combined Log Format file (bench/log-gen.ts).
 *
 *   npm run bench:import-logs -- [MB] [--dry-run] [--gzip] [--no-legacy-check]
 *
 * Default: 20 MB through the real ingestion path into a fresh embedded
 * FerretDB (the database is the bottleneck). `--dry-run` parses, maps and
 * batches everything but acknowledges events without storing them: it
 * measures the streaming part alone (parser throughput, flat memory) on
 * files of any size, e.g. 1024 MB. `--no-legacy-check` leaves out the
 * look-up of pre-issue-19 ids the CLI makes per batch (its cost).
 * Not part of `npm test`.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startEmbeddedDatabase } from '../src/db/embedded-database';
import { connectStore, ensureIndexes } from '../src/store/store';
import { createServices } from '../src/services';
import { Visibility } from '../src/domain/resources';
import { compileUrlRules } from '../src/logs/url-rules';
import { importLogFiles } from '../src/logs/log-import';
import { IMPORT_SENDER, importCaller } from '../src/logs/log-import';
import { EventIdsRepository } from '../src/store/event-ids.repository';
import { SushiRepository } from '../src/store/sushi.repository';
import type { TrackOutcome } from '../src/ingest/ingest.service';
import { generateCombinedLog, type GenCatalog } from './log-gen';
import { REPO_ROOT } from './paths';

const args = process.argv.slice(2);
const MB = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
const DRY = args.includes('--dry-run');
const GZIP = args.includes('--gzip');
const LEGACY_CHECK = !args.includes('--no-legacy-check');
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

const CATALOG: GenCatalog = {
  datasets: Array.from({ length: 200 }, (_, i) => ({ id: `ds-${i}`, files: [`f-${i}-a`, `f-${i}-b`, `f-${i}-c`] })),
};

async function writeLog(file: string): Promise<{ lines: number; bytes: number }> {
  const target = MB * 1024 * 1024;
  // ~190 bytes a line; spread over the last 300 days (MAX_EVENT_AGE_DAYS is 400).
  const estimate = Math.ceil(target / 190);
  const start = Date.now() - 300 * 86_400_000;
  const gap = Math.max(1, Math.floor((299 * 86_400_000) / estimate / 1.05));
  const raw = fs.createWriteStream(file);
  const out: NodeJS.WritableStream = GZIP ? zlib.createGzip() : raw;
  if (GZIP) (out as zlib.Gzip).pipe(raw);
  let bytes = 0;
  let lines = 0;
  let buf = '';
  for (const l of generateCombinedLog(CATALOG, Number.MAX_SAFE_INTEGER, start, 1, gap)) {
    buf += `${l.line}\n`;
    lines++;
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
      if (bytes >= target) break;
    }
  }
  out.end(buf);
  await once(raw, 'close');
  return { lines, bytes: bytes + Buffer.byteLength(buf) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const file = path.join(dir, GZIP ? 'access.log.gz' : 'access.log');
  const t0 = Date.now();
  const written = await writeLog(file);
  console.log(`generated ${written.lines} lines, ${mb(written.bytes)} MB uncompressed, file ${mb(fs.statSync(file).size)} MB, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const rules = compileUrlRules(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples/log-mapping.json'), 'utf8')));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const rssStart = process.memoryUsage().rss;
  let stop = async (): Promise<void> => undefined;
  let track: (inputs: readonly unknown[]) => Promise<TrackOutcome[]>;
  let dois: () => Promise<Map<string, string>>;
  let storedEventIds: ((ids: readonly string[]) => Promise<ReadonlySet<string>>) | undefined;
  let settle = async (): Promise<void> => undefined;
  if (DRY) {
    track = async (inputs) => inputs.map((_, index) => ({ index, eventId: null, status: 'RECORDED', trafficClass: null, error: null }));
    dois = async () => new Map();
  } else {
    const db = await startEmbeddedDatabase({ dataDir: path.join(dir, 'ferretdb') });
    const config = loadConfig({ MONGODB_URI: db.uri, MONGODB_DB: 'bench', LOG_LEVEL: 'silent' });
    const store = await connectStore({ uri: db.uri, dbName: 'bench', maxPoolSize: 4 });
    await ensureIndexes(store);
    const services = createServices(store, config, pino({ level: 'silent' }));
    await services.catalogWriter.portals([{ _id: 'p1', name: 'Bench portal', url: null }]);
    const base = { description: null, licence: null, publisher: null, recordCount: 1, spaceIds: [], themeIds: [], collectionIds: [], ownerId: null, portalId: 'p1', published: true, visibility: Visibility.PUBLIC, doi: null };
    await services.catalogWriter.datasets(CATALOG.datasets.map((d) => ({ ...base, _id: d.id, title: d.id })));
    await services.catalogWriter.files(CATALOG.datasets.flatMap((d) => d.files.map((f) => ({ _id: f, title: f, sizeBytes: 1, contentType: null, datasetIds: [d.id], ownerId: null }))));
    track = (inputs) => services.ingest.track(inputs as never, importCaller('p1'));
    dois = () => new SushiRepository(store).datasetDois();
    // As the CLI does (src/logs/log-cli.ts).
    if (LEGACY_CHECK) storedEventIds = (ids) => new EventIdsRepository(store).stored(IMPORT_SENDER, ids);
    settle = () => services.aggregator.settle(3_600_000);
    stop = async () => {
      await services.ingest.drain();
      await store.client.close();
      await db.stop();
    };
  }
  const t1 = Date.now();
  let lastReport = t1;
  const summary = await importLogFiles([file], { track: (i) => track(i), datasetDois: dois, storedEventIds }, {
    rules,
    caller: importCaller('p1'),
    onProgress: (n) => {
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        console.log(`  ${mb(n)} MB read, ${((Date.now() - t1) / 1000).toFixed(0)} s, RSS ${mb(process.memoryUsage().rss)} MB`);
      }
    },
  });
  const importSecs = (Date.now() - t1) / 1000;
  const importPeak = Math.max(peak, summary.peakRssBytes, process.memoryUsage().rss);
  const t2 = Date.now();
  await settle();
  const settleSecs = (Date.now() - t2) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, summary.peakRssBytes);
  const events = summary.recorded + summary.duplicates;
  console.log(
    JSON.stringify({
      mode: DRY ? 'dry-run (no database)' : 'embedded FerretDB',
      file_mb: Number(mb(fs.statSync(file).size)),
      uncompressed_mb: Number(mb(written.bytes)),
      gzip: GZIP,
      legacy_id_check: !DRY && LEGACY_CHECK,
      lines: summary.lines,
      recorded: summary.recorded,
      skipped: summary.skipped,
      import_s: Number(importSecs.toFixed(1)),
      lines_per_s: Math.round(summary.lines / importSecs),
      events_per_s: Math.round(events / importSecs),
      aggregate_s: Number(settleSecs.toFixed(1)),
      rss_start_mb: Number(mb(rssStart)),
      // While reading and sending the log (the importer's own memory).
      rss_peak_import_mb: Number(mb(importPeak)),
      // Including the aggregation that derives the figures afterwards (src/aggregate/aggregator.ts).
      rss_peak_with_aggregation_mb: Number(mb(peak)),
    }),
  );
  await stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
