/*
 * The ingestion rows of `npm run bench`: raw insertMany (the floor), batched
 * and single-event tracking over HTTP, the aggregator behind them, the two
 * ceilings and the naive per-counter upserts.
 */
import http from 'node:http';
import { connectStore, ensureIndexes } from '../src/store/store';
import { makeEvents } from '../test/support/event-mix';
import { connect, endpoint, median, post, seedCatalog, us, withGateway, type BenchRun } from './bench-kit';
import { naiveUpserts, rawInsertMany } from './ingest-baselines';
import { runLoad, withCpu } from './cpu';

const TRACK_ONE = 'mutation T($i: TrackAccessInput!) { trackAccess(input: $i) { status } }';
const TRACK_BATCH = 'mutation M($i: [TrackAccessInput!]!) { trackAccesses(inputs: $i) { recorded } }';

/** A Node HTTP server with nothing else: reads and parses the JSON body, answers a fixed result. */
async function bareHttpServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const body = '{"data":{"trackAccess":{"status":"RECORDED"}}}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/graphql`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function benchIngestion(run: BenchRun, uri: string, dbPid: number, n: number): Promise<void> {
  const catalog = { collections: 5, datasetsPer: 10, filesPer: 2 };
  const users = Array.from({ length: 20 }, (_, i) => `u${i}`);

  // The floor: insertMany of the same events into a scratch collection.
  const rawStore = await connect(run, uri);
  const resources = await seedCatalog(rawStore, catalog);
  const events = (prefix: string, count: number) => makeEvents({ count, seed: 42, prefix, resources, users, now: run.now });
  const raw = await withCpu(dbPid, () => rawInsertMany(rawStore, events('raw', n), 500));
  await rawStore.client.close();
  const rawRate = n / (raw.ms / 1000);
  run.row('ingestion', 'floor: raw insertMany of the same events, batches of 500', `${n} events`, `${rawRate.toFixed(0)} events/s; DB ${us(raw.dbCpu, n)}/event`, '1.00');

  // Gateway, batched trackAccesses (500 per request, 4 concurrent clients).
  const batchedDb = run.freshDbName();
  {
    const store = await connectStore({ uri, dbName: batchedDb, maxPoolSize: 4 });
    await ensureIndexes(store);
    await seedCatalog(store, catalog);
    await store.client.close();
  }
  let batchedRate = 0;
  await withGateway(uri, batchedDb, async (gw, key) => {
    const evs = events('batched', n);
    const bodies: string[] = [];
    for (let i = 0; i < evs.length; i += 500) bodies.push(JSON.stringify({ query: TRACK_BATCH, variables: { i: evs.slice(i, i + 500) } }));
    // Acknowledgements only: the aggregator is paused so the figures below
    // separate the write path from the derivation behind it.
    await gw.services.aggregator.stop();
    const ack = await runLoad(dbPid, { url: endpoint(gw), key, concurrency: 4, bodies });
    batchedRate = n / (ack.ms / 1000);
    run.row(
      'ingestion',
      'gateway: trackAccesses over HTTP + GraphQL (500/request, 4 clients), acknowledged = in the event log',
      `${n} events`,
      `${batchedRate.toFixed(0)} events/s; DB ${us(ack.dbCpu, n)}, Node ${us(ack.nodeCpu, n)}/event (client ${us(ack.clientCpu, n)})`,
      `${(batchedRate / rawRate).toFixed(2)} of the floor`,
    );
    const agg = await withCpu(dbPid, async () => {
      gw.services.aggregator.start();
      await gw.services.aggregator.settle(600_000);
    });
    run.row(
      'ingestion',
      'aggregator: the same events into every figure (day tallies, totals, per user), behind the acknowledgements',
      `${n} events`,
      `${(n / (agg.ms / 1000)).toFixed(0)} events/s; DB ${us(agg.dbCpu, n)}, Node ${us(agg.nodeCpu, n)}/event`,
      '',
    );
    // Steady state: events keep coming; how long until an acknowledged event is in the figures.
    const lags: number[] = [];
    for (let i = 0; i < 20; i++) {
      const probe = evs[i];
      const t0 = performance.now();
      await post(gw, key, TRACK_ONE, {
        i: { ...probe, eventId: `lag-${i}`, userId: `lag-${i}`, timestamp: new Date().toISOString() },
      });
      await gw.services.aggregator.settle();
      lags.push(performance.now() - t0);
    }
    run.row('ingestion', 'acknowledgement to readable figures (single event, aggregator running)', '20 events', `median ${median(lags).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms`, '');
  });

  // Gateway, single-event mutations from 32 concurrent clients: first like
  // the batched row (aggregator paused), then with the aggregator running.
  const singleN = Math.min(n, 5000);
  for (const aggregating of [false, true]) {
    const singleDb = run.freshDbName();
    {
      const store = await connectStore({ uri, dbName: singleDb, maxPoolSize: 4 });
      await ensureIndexes(store);
      await seedCatalog(store, catalog);
      await store.client.close();
    }
    await withGateway(uri, singleDb, async (gw, key) => {
      const evs = events(aggregating ? 'live' : 'single', singleN);
      if (!aggregating) await gw.services.aggregator.stop();
      const single = await runLoad(dbPid, { url: endpoint(gw), key, concurrency: 32, bodies: evs.map((e) => JSON.stringify({ query: TRACK_ONE, variables: { i: e } })) });
      if (aggregating) await gw.services.aggregator.settle(600_000);
      const singleRate = singleN / (single.ms / 1000);
      run.row(
        'ingestion',
        aggregating
          ? 'gateway: trackAccess, the same with the aggregator running (steady state)'
          : 'gateway: trackAccess (1/request, 32 concurrent clients; group commit), acknowledged = in the event log',
        `${singleN} events`,
        `${singleRate.toFixed(0)} events/s; DB ${us(single.dbCpu, singleN)}, Node ${us(single.nodeCpu, singleN)}/event (client ${us(single.clientCpu, singleN)})`,
        `${(singleRate / batchedRate).toFixed(2)} of batched`,
      );
    });
  }

  // The ceiling of one request per event on this machine, with the same
  // client: the gateway answering { __typename } (HTTP, Express, Apollo,
  // authentication, plugins; no resolver, no database), and a bare Node
  // HTTP server that parses the body and answers.
  const typenameDb = run.freshDbName();
  await withGateway(uri, typenameDb, async (gw, key) => {
    const bodies = Array.from({ length: singleN }, () => JSON.stringify({ query: '{ __typename }' }));
    const r = await runLoad(dbPid, { url: endpoint(gw), key, concurrency: 32, bodies });
    const rate = singleN / (r.ms / 1000);
    run.row('ingestion', 'ceiling: { __typename } through the gateway (1/request, 32 clients)', `${singleN} requests`, `${rate.toFixed(0)} requests/s; Node ${us(r.nodeCpu, singleN)}/request (client ${us(r.clientCpu, singleN)})`, `${(rate / batchedRate).toFixed(2)} of batched`);
  });
  {
    const bare = await bareHttpServer();
    const bodies = events('bare', singleN).map((e) => JSON.stringify({ query: TRACK_ONE, variables: { i: e } }));
    const r = await runLoad(dbPid, { url: bare.url, key: 'none', concurrency: 32, bodies });
    await bare.close();
    const rate = singleN / (r.ms / 1000);
    run.row('ingestion', 'ceiling: bare Node HTTP server, JSON body parsed, fixed answer (1/request, 32 clients)', `${singleN} requests`, `${rate.toFixed(0)} requests/s; Node ${us(r.nodeCpu, singleN)}/request (client ${us(r.clientCpu, singleN)})`, `${(rate / batchedRate).toFixed(2)} of batched`);
  }

  // What the first design did: one awaited upsert per counter per event.
  const naiveStore = await connect(run, uri);
  await seedCatalog(naiveStore, catalog);
  const naiveN = Math.min(n, 1000);
  const naive = await withCpu(dbPid, () => naiveUpserts(naiveStore, events('naive', naiveN)));
  await naiveStore.client.close();
  const naiveRate = naiveN / (naive.ms / 1000);
  run.row('ingestion', 'naive: one awaited $inc upsert per counter per event', `${naiveN} events`, `${naiveRate.toFixed(0)} events/s; DB ${us(naive.dbCpu, naiveN)}/event`, `${(naiveRate / rawRate).toFixed(3)} of the floor`);
}
