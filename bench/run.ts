/*
 * `npm run bench`: ingestion, nested-tree and dashboard benchmarks on the
 * embedded FerretDB, every figure next to a baseline measured in the same
 * run on the same database server. Prints a table and writes
 * docs/benchmarks.md. Not part of `npm test`.
 */
import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../src/db/embedded-database';
import { REPO_ROOT } from './paths';
import { createBenchRun } from './bench-kit';
import { benchIngestion } from './ingestion.bench';
import { benchDashboard, benchOneDataset, benchScale, benchTree } from './reads.bench';
import { benchLargeDay } from './large-day';
import { benchEventLoopLatency } from './event-loop-latency';

/** docs/benchmarks.md: what follows this line is written by hand and kept by every run. */
const KEEP_MARKER = '<!-- Below: written by hand, kept by npm run bench. -->';

async function main(): Promise<void> {
  const run = createBenchRun();
  const started = Date.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ug-bench-'));
  const db = await startEmbeddedDatabase({ dataDir: dir });
  const n = Number(process.env.BENCH_EVENTS ?? 20_000);
  const scaleEvents = Number(process.env.BENCH_SCALE_EVENTS ?? 200_000);
  const dbPid = db.process.pid!;
  console.log('area | scenario | size | result | ratio');
  try {
    // BENCH_ONLY=ingestion|reads|tree|dashboard|scale|latency|largeday runs one part (docs are written either way).
    const only = process.env.BENCH_ONLY;
    if (!only || only === 'ingestion') await benchIngestion(run, db.uri, dbPid, n);
    if (!only || only === 'reads') await benchOneDataset(run, db.uri, dbPid);
    if (!only || only === 'tree') await benchTree(run, db.uri);
    if (!only || only === 'dashboard') await benchDashboard(run, db.uri);
    if (!only || only === 'scale') await benchScale(run, db.uri, db.process.pid!, 3000, scaleEvents);
    if (!only || only === 'latency') await benchEventLoopLatency(run.row);
    if (!only || only === 'largeday') await benchLargeDay(db.uri, dbPid, run.freshDbName(), Number(process.env.BENCH_LARGE_DAY_EVENTS ?? 1_000_000), run.row);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
  const md = [
    '# Benchmarks',
    '',
    `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} — ${machine}. Database: the embedded FerretDB 1.24.0 on SQLite, one server for every scenario (each scenario in a fresh database). Total run time ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    'Every ratio compares figures measured in the same run on the same database server.',
    '',
    '| area | scenario | size | result | ratio |',
    '| --- | --- | --- | --- | --- |',
    ...run.rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '## How to read it',
    '',
    '- **Floors.** Every scenario is compared with the cheapest thing the same database can do for it, in the same run: `insertMany` of the same events (ingestion), `find` by `_id` (one dataset), the fewest hand-written queries (usage tree). CPU is read from `/proc` for the database process and from `process.cpuUsage()` for Node. The ingestion load comes from a child process (`bench/load-client.ts`, keep-alive connections), so Node CPU there is the gateway\'s alone; the client\'s own CPU is in brackets. The benchmark is compiled with `tsc` and run with plain `node`, as the gateway runs in production (under ts-node, Node\'s `domain` module is loaded and slows every event emitter).',
    '- **Ingestion.** Acknowledging an event is one inserted document in the event log (plus, per flush, one index document per day of its events and one queue entry). Batched and single-event rows are measured alike: the aggregator paused, acknowledgements only; the steady-state row repeats the single-event load with the aggregator running beside it. The aggregator derives every figure behind the acknowledgements; its row shows what that costs when it catches up on a burst spread over 20 days (day documents written, totals updated once per target per pass), taking the flushes its own instance stored from memory. In steady state a pass every `AGGREGATE_POLL_MS` (200 ms) keeps figures within a fraction of a second of the acknowledgement.',
    '- **Single-event mutations** pay one HTTP request each: Express, Apollo\'s request pipeline, parsing and validation (cached per query text), authentication, the rate-limit, cost and metrics plugins, input coercion, then one flush per group of waiting requests (with 32 clients a flush carries at most 32 events, spread over up to 20 days). The two ceiling rows bound what any single-event mutation can reach here: `{ __typename }` through the same gateway (no resolver, no database) and a bare Node HTTP server that parses the body and answers, both with the same client and concurrency.',
    '- **One dataset**: the same query at 300 and at 30,000 datasets; every read is an indexed `_id` look-up on the patched FerretDB ([ferretdb.md](ferretdb.md#indexes-that-work-the-ferretdb-patch)), so the time does not grow with the catalog.',
    '- **Usage tree**: the same 20 collections × 10 datasets × 10 files query; commands are counted with the driver\'s command monitoring. The baselines run in-process without HTTP, so their times exclude what the GraphQL figure includes (HTTP, parsing, validation, auth).',
    '- **Dashboard**: the catalog and the figures are cached per process (until a catalog write, or the aggregator\'s next write), so a dashboard request reads one mark document and the reuses.',
    '- **Scale**: the events go through the ingestion service (no HTTP); the recount row is `usage-gateway recount --rebuild` on them: every figure rebuilt from the log into fresh collections. Its cost is reading the stored events back from FerretDB (~0.4 ms of database CPU per event); MongoDB reads documents far faster.',
    '- **Latency**: `bench/event-loop-latency.ts` (also `npm run bench:latency` alone) loads a demo of 1,000 datasets and 100,000 events, then for each heavy field runs the most aliases the cost limit allows while a second client sends `{ __typename }` back to back; the ratio is its 99th percentile against the idle baseline of the same run.',
    '- **Large day**: `bench/large-day.ts` stores 1,000,000 events of one UTC day with the aggregator stopped, restarts a gateway on them (nothing in memory), then times the first aggregation, a new event, `recount --since` and `recount --rebuild`, with this process\'s peak RSS above what it held when each step started.',
    '- Report memory and time to first byte are measured separately by `npm run bench:reports` (200,000-row CSV reports); results in [reports.md](reports.md#memory-and-time).',
    '- Log import speed and memory (`import-logs`) are measured separately by `npm run bench:import-logs` (a 1 GB log streamed with flat memory; events/s into the embedded FerretDB); results in [formats.md](formats.md#speed-and-memory).',
    ...run.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  // Sections written by hand below the marker (runs of the separate
  // benchmarks, several runs compared) are kept.
  const file = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = previous.includes(KEEP_MARKER) ? previous.slice(previous.indexOf(KEEP_MARKER)) : `${KEEP_MARKER}\n`;
  writeFileSync(file, `${md}\n${kept}`);
  console.log(`\nwrote docs/benchmarks.md (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
