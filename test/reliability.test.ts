import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded-database';
import { makeEvents, prng, referenceCounts, zero, type ExpectedCounts, type MixEvent } from './support/event-mix';
import type { Store } from '../src/store/store';

const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { results { status eventId error { code } } } }`;
const NOW = new Date();

async function seedCatalog(t: TestGateway): Promise<{ type: MixEvent['resourceType']; id: string }[]> {
  const w = t.gw.services.catalogWriter;
  await w.portals([{ _id: 'p', name: 'P', url: null }]);
  await w.users(['u1', 'u2', 'u3', 'u4'].map((id) => ({ _id: id, name: id, email: null, role: 'USER' as const, automated: false })));
  await w.collections([{ _id: 'c1', name: 'C1', parentCollectionIds: [], spaceIds: [] }]);
  const ds = Array.from({ length: 8 }, (_, i) => `d${i}`);
  await w.datasets(
    ds.map((id) => ({
      _id: id, title: id, description: null, portalId: 'p', ownerId: null, spaceIds: [], collectionIds: ['c1'], themeIds: [],
      licence: null, publisher: null, published: true, visibility: 'PUBLIC' as never, recordCount: 1,
    })),
  );
  await w.files(ds.map((d, i) => ({ _id: `f${i}`, title: `f${i}.csv`, sizeBytes: 1, contentType: null, datasetIds: [d], ownerId: null })));
  return [
    ...ds.map((id) => ({ type: 'DATASET' as const, id })),
    ...ds.map((_, i) => ({ type: 'FILE' as const, id: `f${i}` })),
    { type: 'COLLECTION' as const, id: 'c1' },
  ];
}

/** Compares every stored total with the reference count. */
async function expectTotalsMatch(store: Store, acknowledged: Iterable<MixEvent>): Promise<number> {
  const { perResource, perUser } = referenceCounts(acknowledged);
  const fields = Object.keys(zero()) as (keyof ExpectedCounts)[];
  const pick = (doc: Record<string, unknown> | null): ExpectedCounts => {
    const c = zero();
    for (const f of fields) c[f] = typeof doc?.[f] === 'number' ? (doc[f] as number) : 0;
    return c;
  };
  const totals = await store.usageTotals.find({}).toArray();
  expect(totals.length).toBe(perResource.size);
  for (const [key, expected] of perResource) {
    expect({ key, ...pick((await store.usageTotals.findOne({ _id: key })) as never) }).toEqual({ key, ...expected });
  }
  // Per-day buckets add up to the totals.
  const daily = await store.usageDaily.find({}).toArray();
  for (const [key, expected] of perResource) {
    const sum = zero();
    for (const d of daily.filter((x) => x._id.startsWith(`${key}|`))) for (const f of fields) sum[f] += (d as never as Record<string, number>)[f] ?? 0;
    expect({ key, ...sum }).toEqual({ key, ...expected });
  }
  for (const [key, expected] of perUser) {
    const doc = pick((await store.usageByUser.findOne({ _id: key })) as never);
    expect({ key, views: doc.views, downloads: doc.downloads, apiCalls: doc.apiCalls }).toEqual({
      key, views: expected.views, downloads: expected.downloads, apiCalls: expected.apiCalls,
    });
  }
  expect(await store.usageByUser.countDocuments({})).toBe(perUser.size);
  // Per-user daily buckets add up to the per-user totals.
  const userDaily = await store.usageByUserDaily.find({}).toArray();
  for (const [key, expected] of perUser) {
    const days = userDaily.filter((x) => x._id.startsWith(`${key}|`)) as never as Record<string, number>[];
    const sum = (f: string) => days.reduce((n, d) => n + (d[f] ?? 0), 0);
    expect({ key, views: sum('views'), downloads: sum('downloads'), apiCalls: sum('apiCalls') }).toEqual({
      key, views: expected.views, downloads: expected.downloads, apiCalls: expected.apiCalls,
    });
  }
  return [...perResource.values()].reduce((n, c) => n + fields.reduce((m, f) => m + c[f], 0), 0);
}

type Send = (batch: MixEvent[]) => Promise<{ status: string; eventId: string | null }[]>;

function sender(t: TestGateway, key: string): Send {
  return async (batch) => {
    const res = await t.gql<{ trackAccesses: { results: { status: string; eventId: string | null }[] } }>(TRACK_MANY, { inputs: batch }, key);
    if (res.errors?.length) throw new Error(res.errors[0].extensions?.code ?? res.errors[0].message);
    return res.data!.trackAccesses.results;
  };
}

/**
 * One client: sends its events in random batches, re-sends random earlier
 * events (same eventId) through a random instance, and retries failed
 * requests until they are acknowledged.
 */
async function runClient(events: MixEvent[], senders: Send[], seed: number, acked: Map<string, MixEvent>): Promise<void> {
  const rnd = prng(seed);
  let i = 0;
  while (i < events.length) {
    const size = 1 + Math.floor(rnd() * 40);
    const batch = events.slice(i, i + size);
    i += size;
    // Retries of events already sent, possibly by another instance.
    const sent = events.slice(0, i - size);
    for (let r = 0; r < 3 && sent.length; r++) if (rnd() < 0.3) batch.push(sent[Math.floor(rnd() * sent.length)]);
    const unique = [...new Map(batch.map((e) => [e.eventId, e])).values()];
    for (let attempt = 0; ; attempt++) {
      try {
        const results = await senders[Math.floor(rnd() * senders.length)](unique);
        results.forEach((r, k) => {
          expect(['RECORDED', 'DUPLICATE']).toContain(r.status);
          acked.set(unique[k].eventId, unique[k]);
        });
        break;
      } catch (err) {
        if (attempt > 200) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

describe('counting under concurrency, retries and mixed traffic', () => {
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    a = await startTestGateway();
    b = await startTestGateway({ dbName: a.dbName });
  });
  afterAll(async () => {
    await b.gw.stop();
    await a.stop();
  });

  it('totals equal a plain count of acknowledged, de-duplicated, non-robot events across two instances', async () => {
    const resources = await seedCatalog(a);
    const keyA = await a.keyFor('svc', 'TRACKER');
    const senders = [sender(a, keyA), sender(b, keyA)];
    const acked = new Map<string, MixEvent>();
    const clients = Array.from({ length: 5 }, (_, c) =>
      makeEvents({ count: 400, seed: 100 + c, prefix: `c${c}`, resources, users: ['u1', 'u2', 'u3', 'u4'], now: NOW }),
    );
    await Promise.all(clients.map((evs, c) => runClient(evs, senders, 7 + c, acked)));
    expect(acked.size).toBe(2000);
    const counted = await expectTotalsMatch(a.gw.store, acked.values());
    expect(counted).toBe(2000);
    expect(await a.gw.store.events.countDocuments({})).toBe(2000);
    expect(await a.gw.store.pendingBatches.countDocuments({})).toBe(0);
  }, 300_000);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('database outage in the middle of ingestion', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let port: number;
  let t: TestGateway;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ug-outage-'));
    port = await freePort();
    db = await startEmbeddedDatabase({ dataDir: dir, port });
    t = await startTestGateway({ env: { MONGODB_URI: db.uri, INGEST_LEASE_MS: '500' } });
  });
  afterAll(async () => {
    await t.stop();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged event and counts no retried event twice', async () => {
    const resources = await seedCatalog(t);
    const key = await t.keyFor('svc', 'TRACKER');
    const send = sender(t, key);
    const acked = new Map<string, MixEvent>();
    const clients = Array.from({ length: 3 }, (_, c) =>
      makeEvents({ count: 300, seed: 500 + c, prefix: `o${c}`, resources, users: ['u1', 'u2'], now: NOW }),
    );
    const running = Promise.all(clients.map((evs, c) => runClient(evs, [send], 40 + c, acked)));

    // Kill the database hard while events flow, then bring it back.
    await new Promise((r) => setTimeout(r, 1500));
    const ackedBeforeCrash = acked.size;
    db.process.kill('SIGKILL');
    await new Promise((r) => db.process.once('exit', r));
    await new Promise((r) => setTimeout(r, 1500));
    db = await startEmbeddedDatabase({ dataDir: dir, port });
    await running;

    expect(ackedBeforeCrash).toBeGreaterThan(0);
    expect(ackedBeforeCrash).toBeLessThan(900);
    expect(acked.size).toBe(900);
    // Batches cut by the crash are replayed once their lease is over.
    await new Promise((r) => setTimeout(r, 600));
    await t.gw.services.ingest.repairPending();
    expect(await t.gw.store.pendingBatches.countDocuments({})).toBe(0);
    await expectTotalsMatch(t.gw.store, acked.values());
  }, 300_000);
});
