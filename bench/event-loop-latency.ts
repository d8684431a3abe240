/*
 * `npm run bench:latency`: does the worst request the limits allow stall
 * everyone else? Not part of `npm test`.
 *
 * Starts a real gateway (embedded FerretDB) on demo data of bench size
 * (`LATENCY_DATASETS`, default 1000 datasets; `LATENCY_EVENTS`, default
 * 100,000 events over a year), then, for each heavy field, finds the most
 * aliases of it the cost limit lets through (a refused count answers 400
 * `QUERY_TOO_COMPLEX` at once) and runs that request while a second client
 * sends `{ __typename }` back to back. Prints the probe latency p50 / p99 /
 * max during the heavy request, its ratio to an idle baseline measured in
 * the same run, and how the heavy request ended (HTTP status, time).
 *
 * `LATENCY_MAX_ALIASES` (default 30) is the most copies tried per field;
 * `LATENCY_FIELDS=usageTable,sushi` runs only the heavy requests whose
 * label starts so.
 * `LATENCY_DATA_DIR` keeps the database between runs (the demo load is
 * the slow part); default a fresh temporary directory, removed at the end.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';

const DATASETS = Number(process.env.LATENCY_DATASETS ?? 1000);
/** Most aliases tried per heavy field (`LATENCY_MAX_ALIASES`, default 30: the probe of issue 16). */
const MAX_ALIASES = Number(process.env.LATENCY_MAX_ALIASES ?? 30);
const EVENTS = Number(process.env.LATENCY_EVENTS ?? 100_000);
/** Pause between two probes (ms): the probe client is not a flood. */
const PROBE_GAP_MS = 10;

interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function probeOnce(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  await res.text();
  return performance.now() - t0;
}

/** Probes until `done` resolves (at least `min` probes). */
async function probeWhile(url: string, done: Promise<unknown>, min = 0): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const out: number[] = [];
  while (!finished || out.length < min) {
    out.push(await probeOnce(url));
    await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
  }
  return out;
}

interface Heavy {
  label: string;
  /** The request with `n` copies of the heavy field; resolves to the HTTP status and a short outcome. */
  run(n: number): Promise<{ status: number; code: string | null }>;
  /** Largest n tried. */
  maxN: number;
}

/** A GET or POST without client time-outs (fetch gives up after 300 s without headers; the heavy request may take longer). */
function request(url: string, opts: { method?: string; body?: string; key?: string | null }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: { 'content-type': 'application/json', ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function gql(url: string, query: string, key: string | null): Promise<{ status: number; code: string | null }> {
  const res = await request(url, { method: 'POST', body: JSON.stringify({ query }), key });
  const body = JSON.parse(res.body) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: body.errors?.[0]?.extensions?.code ?? null };
}

/** Distinct windows defeat the per-request memo: the worst case reads once per alias. */
function sinceDay(i: number, first: Date): string {
  return new Date(first.getTime() + i * 86_400_000).toISOString().slice(0, 10);
}

/** A row of `npm run bench`'s table (area, scenario, size, result, ratio). */
export type BenchRow = (...cells: (string | number)[]) => void;

/**
 * The measurement; `row`, when given, also gets one table row per heavy
 * request (`npm run bench` passes it; `npm run bench:latency` prints only).
 */
export async function benchEventLoopLatency(row?: BenchRow): Promise<void> {
  const keep = process.env.LATENCY_DATA_DIR;
  const dataDir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'ug-latency-'));
  const now = new Date();
  const t0 = Date.now();
  const gw: RunningGateway = await startGateway(
    loadConfig({
      DATA_DIR: dataDir,
      DEMO_DATA: 'true',
      DEMO_DATASETS: String(DATASETS),
      DEMO_EVENTS: String(EVENTS),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_KEY: '0',
      RATE_LIMIT_ANONYMOUS: '0',
    }),
    { logger: pino({ level: 'silent' }), now },
  );
  try {
    await gw.services.aggregator.settle();
    console.log(`gateway up on ${DATASETS} datasets / ${EVENTS} demo events in ${((Date.now() - t0) / 1000).toFixed(0)} s (${os.cpus().length} CPUs, Node ${process.version})`);
    await gw.services.catalogWriter.users([
      { _id: 'bench-admin', name: 'Bench admin', email: null, role: 'ADMIN', automated: false },
      { _id: 'bench-user', name: 'Bench user', email: null, role: 'USER', automated: false },
    ]);
    const admin = (await gw.services.auth.issueKey('bench-admin')).key;
    const user = (await gw.services.auth.issueKey('bench-user')).key;
    const url = `http://127.0.0.1:${gw.port}/graphql`;
    const base = `http://127.0.0.1:${gw.port}`;
    const firstDay = new Date(now.getTime() - 365 * 86_400_000);
    const thisMonth = now.toISOString().slice(0, 7);

    const aliases = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;
    const heavies: Heavy[] = [
      {
        label: 'usageTable (USER, first: 1, distinct since)',
        maxN: MAX_ALIASES,
        run: (n) => gql(url, aliases(n, (i) => `usageTable(first: 1, filter: { since: "${sinceDay(i, firstDay)}" }) { totalCount }`), user),
      },
      {
        label: 'dataDashboard (anonymous, distinct from)',
        maxN: MAX_ALIASES,
        run: (n) => gql(url, aliases(n, (i) => `dataDashboard(from: "${sinceDay(i, firstDay)}T00:00:00Z") { totals { views } }`), null),
      },
      {
        label: 'networkUsage (anonymous, DAY, 1096 days, distinct to)',
        maxN: MAX_ALIASES,
        run: (n) =>
          gql(url, aliases(n, (i) => `networkUsage(from: "${new Date(now.getTime() - (1095 + i) * 86_400_000).toISOString()}", to: "${new Date(now.getTime() - i * 86_400_000).toISOString()}") { total { views } }`), null),
      },
      {
        label: 'dataDashboard countries (anonymous, distinct from)',
        maxN: MAX_ALIASES,
        run: (n) => gql(url, aliases(n, (i) => `dataDashboard(from: "${sinceDay(i, firstDay)}T00:00:00Z") { countries { country views } }`), null),
      },
      {
        label: 'usageReport (ADMIN, all types, distinct since)',
        maxN: MAX_ALIASES,
        run: (n) => gql(url, aliases(n, (i) => `usageReport(first: 1, since: "${sinceDay(i, firstDay)}") { totalCount }`), admin),
      },
      {
        label: 'SUSHI DSR 0001-01..9999-12, 3 at once (ADMIN)',
        maxN: 1,
        run: async () => {
          const one = async () => (await request(`${base}/api/sushi/reports/dsr?begin_date=0001-01&end_date=9999-12&format=tsv`, { key: admin })).status;
          const statuses = await Promise.all([one(), one(), one()]);
          return { status: Math.max(...statuses), code: null };
        },
      },
      {
        label: `SUSHI DSR ${firstDay.toISOString().slice(0, 7)}..${thisMonth} TSV, 3 at once (ADMIN)`,
        maxN: 1,
        run: async () => {
          const one = async () =>
            (await request(`${base}/api/sushi/reports/dsr?begin_date=${firstDay.toISOString().slice(0, 7)}&end_date=${thisMonth}&format=tsv`, { key: admin })).status;
          const statuses = await Promise.all([one(), one(), one()]);
          return { status: Math.max(...statuses), code: null };
        },
      },
    ];

    // Warm up (JIT, catalog caches), then the idle baseline.
    for (let i = 0; i < 20; i++) await probeOnce(url);
    const idle = stats(await probeWhile(url, new Promise((r) => setTimeout(r, 2000)), 100));
    row?.('latency', '{ __typename } alone (idle baseline)', `${idle.n} probes`, `p50 ${fmt(idle.p50)} ms, p99 ${fmt(idle.p99)} ms, max ${fmt(idle.max)} ms`, '1.00');
    console.log(`\nidle baseline: n=${idle.n} p50 ${fmt(idle.p50)} ms, p99 ${fmt(idle.p99)} ms, max ${fmt(idle.max)} ms`);
    console.log('\nheavy request | one alone: status, time | aliases allowed | heavy: status, time | probes | p50 ms (×idle) | p99 ms (×idle) | max ms (×idle)');
    const only = process.env.LATENCY_FIELDS?.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
    for (const h of heavies) {
      if (only?.length && !only.some((f) => h.label.toLowerCase().startsWith(f))) continue;
      const single = performance.now();
      const one = await h.run(1);
      const singleMs = performance.now() - single;
      // The most copies the cost limit lets through: a refusal comes back at once.
      for (let n = h.maxN; n >= 1; n--) {
        const started = performance.now();
        const heavy = h.run(n).then((r) => ({ ...r, ms: performance.now() - started }));
        const during = stats(await probeWhile(url, heavy, 5));
        const r = await heavy;
        if (r.code === 'QUERY_TOO_COMPLEX' && n > 1) continue;
        const ratio = (a: number, b: number) => `${fmt(a)} (×${(a / b).toFixed(1)})`;
        console.log(
          `${h.label} | ${one.status}, ${(singleMs / 1000).toFixed(2)} s | ${n}${n < h.maxN ? ` (${n + 1}: QUERY_TOO_COMPLEX)` : ''} | ${r.status}${r.code ? ` ${r.code}` : ''}, ${(r.ms / 1000).toFixed(2)} s | ${during.n} | ${ratio(during.p50, idle.p50)} | ${ratio(during.p99, idle.p99)} | ${ratio(during.max, idle.max)}`,
        );
        row?.(
          'latency',
          `{ __typename } while the worst allowed ${h.label} runs (${DATASETS} datasets, ${EVENTS} events)`,
          `${n} alias${n === 1 ? '' : 'es'}`,
          `heavy: ${r.status}${r.code ? ` ${r.code}` : ''} in ${(r.ms / 1000).toFixed(1)} s; probes p50 ${fmt(during.p50)} ms, p99 ${fmt(during.p99)} ms, max ${fmt(during.max)} ms`,
          `p99 ×${(during.p99 / idle.p99).toFixed(1)} idle`,
        );
        break;
      }
    }
  } finally {
    await gw.stop();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchEventLoopLatency().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
