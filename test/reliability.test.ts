import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded-database';
import { makeEvents, prng, type MixEvent } from './support/event-mix';
import { usageSnapshot } from './support/usage-snapshot';

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

/**
 * What "never lost, never counted twice" means, checked end to end: the
 * event log holds exactly the acknowledged events, once each, and the
 * figures aggregated live (two instances, retries, crashes) equal a
 * rebuild of every figure from that log in one pass. Returns the number
 * of counted actions.
 */
async function expectFiguresMatch(t: TestGateway, acknowledged: Map<string, MixEvent>): Promise<number> {
  const store = t.gw.store;
  // Stored events keep their eventId in `_id` (`sender|eventId`).
  const logged = await store.eventLog.find({ _id: { $lt: '~' } }, { projection: { _id: 1 } }).toArray();
  const eventIds = logged.map((d) => String(d._id).slice(String(d._id).indexOf('|') + 1));
  expect(logged.length).toBe(acknowledged.size);
  expect(new Set(eventIds)).toEqual(new Set(acknowledged.keys()));

  await t.settle();
  const live = await usageSnapshot(store);
  await t.gw.services.aggregator.rebuildAll();
  const rebuilt = await usageSnapshot(store);
  expect(live).toEqual(rebuilt);

  // Day documents add up to the totals.
  const totals = live.totals as Record<string, number | string>[];
  for (const tot of totals) {
    const days = (live.daily as Record<string, number | string>[]).filter(
      (d) => d.resourceType === tot.resourceType && d.resourceId === tot.resourceId,
    );
    for (const f of ['views', 'downloads', 'apiCalls', 'uniqueInvestigations', 'machineDownloads']) {
      expect({ id: tot._id, f, sum: days.reduce((n, d) => n + ((d[f] as number) ?? 0), 0) }).toEqual({ id: tot._id, f, sum: (tot[f] as number) ?? 0 });
    }
  }
  return totals
    .filter((x) => x.resourceType !== 'DATASET')
    .reduce((n, x) => n + (((x.views as number) ?? 0) + ((x.downloads as number) ?? 0) + ((x.apiCalls as number) ?? 0)), 0);
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
    const counted = await expectFiguresMatch(a, acked);
    expect(counted).toBeGreaterThan(500);
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
    t = await startTestGateway({ env: { MONGODB_URI: db.uri, AGGREGATION_LEASE_MS: '1000' } });
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
      makeEvents({ count: 1000, seed: 500 + c, prefix: `o${c}`, resources, users: ['u1', 'u2'], now: NOW }),
    );
    const running = Promise.all(clients.map((evs, c) => runClient(evs, [send], 40 + c, acked)));

    // Kill the database hard while events flow; its supervisor brings it back.
    while (acked.size < 150) await new Promise((r) => setTimeout(r, 2));
    const ackedBeforeCrash = acked.size;
    const victim = db.process;
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    const deadline = Date.now() + 60_000;
    while (db.restarts < 1) {
      if (Date.now() > deadline) throw new Error('the database was not restarted');
      await new Promise((r) => setTimeout(r, 100));
    }
    await running;

    expect(ackedBeforeCrash).toBeGreaterThan(0);
    expect(ackedBeforeCrash).toBeLessThan(3000);
    expect(acked.size).toBe(3000);
    // An aggregation cut by the crash is finished from its journal; the
    // lock it held expires after its lease.
    await new Promise((r) => setTimeout(r, 1100));
    await expectFiguresMatch(t, acked);
  }, 300_000);
});
