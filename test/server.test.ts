import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startGateway, type RunningGateway } from '../src/gateway';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

describe('HTTP server', () => {
  let t: TestGateway;
  let admin: string;
  beforeAll(async () => {
    t = await startTestGateway({ env: { MAX_BODY_BYTES: '20000', MAX_QUERY_DEPTH: '6', METRICS_TOKEN: 'test-metrics' } });
    await loadSmallCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
  });
  afterAll(() => t.stop());

  it('answers /health, /ready and /metrics', async () => {
    expect(await (await fetch(`${t.baseUrl}/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${t.baseUrl}/ready`)).json()).toEqual({ status: 'ready' });
    await t.gql(`{ portals { id } }`);
    const metrics = await (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: 'Bearer test-metrics' } })).text();
    expect(metrics).toContain('usage_gateway_graphql_duration_seconds_bucket');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('rejects queries deeper than the limit with a stable code', async () => {
    const res = await t.gql(`{ collections { nodes { datasets { nodes { files { nodes { datasets { files { nodes { id } } } } } } } } } }`, {}, admin);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.data).toBeUndefined();
  });

  it('rejects bodies over the size limit with 413', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ portals { id } }`, variables: { pad: 'x'.repeat(30000) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
  });

  it('hides private and unpublished datasets from anonymous callers', async () => {
    const res = await t.gql<{ datasets: { nodes: { id: string }[] }; priv: unknown; draft: unknown; f2: unknown }>(
      `{ datasets { nodes { id } } priv: dataset(id: "d-priv") { id } draft: dataset(id: "d-draft") { id } f2: file(id: "f2") { id } }`,
    );
    expect(res.data!.datasets.nodes.map((d) => d.id)).toEqual(['d-pub']);
    expect(res.data!.priv).toBeNull();
    expect(res.data!.draft).toBeNull();
    expect(res.data!.f2).toBeNull();
  });
});

describe('restart on the embedded database', () => {
  let dir: string;
  let gw: RunningGateway | null = null;
  const start = () =>
    startGateway(
      loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DEMO_DATASETS: '20', DEMO_EVENTS: '150', LOG_LEVEL: 'silent' }),
      { logger: pino({ level: 'silent' }), now: new Date() },
    );

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ug-restart-'));
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the demo once, finishes in-flight events on shutdown and keeps everything across a restart', async () => {
    gw = await start();
    expect(gw.embedded).not.toBeNull();
    const datasets = await gw.store.datasets.countDocuments({});
    expect(datasets).toBe(20);
    const countEvents = () => gw!.store.eventLog.countDocuments({ _id: { $lt: '~' } });
    const events = await countEvents();
    expect(events).toBeGreaterThan(100);
    await gw.services.aggregator.settle();
    const { key } = await gw.services.auth.issueKey('u-admin');
    const target = await gw.store.datasets.findOne({ published: true });
    const before = (await gw.store.usageTotals.findOne({ _id: `DATASET:${target!._id}` }))?.downloads ?? 0;

    // A request in flight when shutdown starts is completed, not dropped.
    // Shutdown starts once the server has the request (a fixed 5 ms wait
    // raced with a busy machine: the request had not arrived yet).
    const arrived = new Promise((r) => gw!.app.server.once('request', r));
    const inflight = fetch(`http://127.0.0.1:${gw.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: `mutation { trackAccess(input: { resourceType: DATASET, resourceId: "${target!._id}", action: DOWNLOAD, eventId: "restart-1", userAgent: "${BROWSER_UA}" }) { status } }`,
      }),
    });
    await arrived;
    const stopping = gw.stop();
    const res = (await (await inflight).json()) as { data: { trackAccess: { status: string } } };
    expect(res.data.trackAccess.status).toBe('RECORDED');
    await stopping;

    gw = await start();
    expect(await gw.store.datasets.countDocuments({})).toBe(datasets);
    expect(await countEvents()).toBe(events + 1);
    // Acknowledged before the stop, aggregated after the restart.
    await gw.services.aggregator.settle();
    const after = await gw.store.usageTotals.findOne({ _id: `DATASET:${target!._id}` });
    expect(after!.downloads).toBe(before + 1);
  }, 120_000);
});
