/**
 * Measures what keyed identity keys (issue 19 item 1) cost ingestion, on a
 * throw-away embedded FerretDB:
 *
 * - the keys of one event, HMAC with the day's secret vs the unkeyed SHA-256
 *   of before (pure, µs per event);
 * - the day-secret look-up of one request of 500 events, served from the
 *   process's memory (µs per request), and a day's first look-up (the
 *   database read + insert, ms, once per day and process);
 * - `IngestService.track` end to end (requests of 500 events, 4 at once),
 *   with the secrets cached as the gateway runs, and with the cache emptied
 *   before every request (what it would cost without the cache).
 *
 *   node_modules/.bin/ts-node --transpile-only scripts/measure-identity-keys.ts [events=20000]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedDatabase } from '../src/db/embedded-database';
import { connectStore, ensureIndexes } from '../src/store/store';
import { loadConfig } from '../src/config';
import { createServices } from '../src/services';
import { clickIdentity, clickItem, eventKeys, hashKey, secretDaysOf, uniqueSession, type EventKeyInput, type KeyPart } from '../src/counting/identity';
import { IdentitySecretRepository } from '../src/store/identity-secret.repository';
import type { Caller } from '../src/domain/caller';
import type { TrackEventInput } from '../src/domain/tracking';
import { AccessAction, ResourceType, Visibility } from '../src/domain/resources';

const N = Number(process.argv[2] ?? 20_000);
const BATCH = 500;
const CONCURRENCY = 4;
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0';

function legacyKeys(e: EventKeyInput, eventKey: string): { ck: string; sk: string } {
  const alone: KeyPart[] = ['e', eventKey];
  return { ck: hashKey('k', [e.scope, clickIdentity(e) ?? alone, clickItem(e)], null), sk: hashKey('s', [e.scope, uniqueSession(e) ?? alone], null) };
}

function pure(): void {
  const secret = Buffer.alloc(32, 7);
  const base = Date.now() - 86_400_000;
  const inputs: EventKeyInput[] = Array.from({ length: 100_000 }, (_, i) => ({
    scope: 'svc', ipAddress: `10.0.${(i >> 8) & 255}.${i & 255}`, userAgent: UA, timestamp: new Date(base + i * 500),
    resourceType: 'DATASET', resourceId: `ds-${i % 300}`, action: 'VIEW', url: null,
  }));
  for (const [label, fn] of [
    ['unkeyed SHA-256 (before)', (e: EventKeyInput, i: number) => legacyKeys(e, `k${i}`)],
    ['HMAC-SHA-256 with the day secret', (e: EventKeyInput, i: number) => eventKeys(e, `k${i}`, () => secret)],
  ] as const) {
    for (let i = 0; i < 5000; i++) fn(inputs[i], i); // warm-up
    const t0 = process.hrtime.bigint();
    inputs.forEach((e, i) => fn(e, i));
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / inputs.length;
    console.log(`keys of one event, ${label.padEnd(34)} ${us.toFixed(2)} µs`);
  }
}

async function main(): Promise<void> {
  pure();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'identity-keys-'));
  const db = await startEmbeddedDatabase({ dataDir, supervise: false });
  const store = await connectStore({ uri: db.uri, dbName: 'measure', maxPoolSize: 8 });
  try {
    await ensureIndexes(store);
    const services = createServices(store, loadConfig({ MONGODB_URI: db.uri, DEMO_DATA: 'false', MAX_EVENTS_PER_REQUEST: String(BATCH) }), pino({ level: 'silent' }));
    await services.rules.sync();
    await services.catalogWriter.portals([{ _id: 'p1', name: 'P', url: null }]);
    await services.catalogWriter.datasets(
      Array.from({ length: 300 }, (_, i) => ({
        _id: `ds-${i}`, title: `d${i}`, description: null, licence: null, publisher: null, recordCount: 1, spaceIds: [], themeIds: [], collectionIds: [],
        ownerId: null, portalId: 'p1', published: true, visibility: Visibility.PUBLIC,
      })),
    );
    const caller: Caller = { kind: 'user', userId: 'svc', role: 'TRACKER', automated: false, spaceIds: [], portalIds: null };

    // A day's first look-up: read, then insert (once per day and process).
    const repo = new IdentitySecretRepository(store);
    const days = Array.from({ length: 50 }, (_, i) => `2025-01-${String(i % 28 + 1).padStart(2, '0')}`).slice(0, 28);
    let t0 = process.hrtime.bigint();
    for (const d of days) await repo.getOrCreate(d);
    console.log(`a day's first look-up (database read + insert)        ${(Number(process.hrtime.bigint() - t0) / 1e6 / days.length).toFixed(2)} ms`);
    t0 = process.hrtime.bigint();
    for (const d of days) await repo.getOrCreate(d);
    console.log(`a day's look-up in the database (read, secret exists)  ${(Number(process.hrtime.bigint() - t0) / 1e6 / days.length).toFixed(2)} ms`);

    const base = Date.now() - 3_600_000;
    const stamps = Array.from({ length: BATCH }, (_, i) => new Date(base + i * 1000));
    await services.daySecrets.forDays(secretDaysOf(stamps));
    const reps = 2000;
    t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) await services.daySecrets.forDays(secretDaysOf(stamps));
    console.log(`secrets of a ${BATCH}-event request, from memory           ${(Number(process.hrtime.bigint() - t0) / 1e3 / reps).toFixed(1)} µs`);

    let run = 0;
    const ingest = async (label: string, before: () => void): Promise<void> => {
      run++;
      const requests: TrackEventInput[][] = [];
      for (let i = 0; i < N; i += BATCH) {
        requests.push(
          Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => ({
            eventId: `r${run}-${i + j}`, resourceType: ResourceType.DATASET, resourceId: `ds-${(i + j) % 300}`, action: AccessAction.VIEW,
            timestamp: new Date(base + (i + j) * 100), ipAddress: `10.${run}.${((i + j) >> 8) & 255}.${(i + j) & 255}`, userAgent: UA,
          })),
        );
      }
      const start = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < requests.length) {
            const req = requests[next++];
            before();
            const out = await services.ingest.track(req, caller);
            if (out.some((o) => o.status !== 'RECORDED')) throw new Error(`${label}: ${JSON.stringify(out.find((o) => o.status !== 'RECORDED'))}`);
          }
        }),
      );
      const s = Number(process.hrtime.bigint() - start) / 1e9;
      console.log(`track, ${label.padEnd(46)} ${N} events in ${s.toFixed(1)} s = ${Math.round(N / s)} events/s`);
    };
    const cache = (services.daySecrets as unknown as { cache: Map<string, unknown> }).cache;
    await ingest('secrets cached (as the gateway runs)', () => undefined);
    await ingest('cache emptied before every request', () => cache.clear());
    await ingest('secrets cached (again)', () => undefined);
    await services.ingest.drain();
  } finally {
    await store.client.close();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
