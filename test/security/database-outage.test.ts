/**
 * Issue 9, finding 5: the embedded database is supervised and private.
 * Uses its own embedded FerretDB (DATA_DIR), not the shared test database,
 * because it kills it.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/gateway';
import { BROWSER_UA } from '../support/fixtures';

describe('embedded database: a private socket, and an outage answered 503 and recovered', () => {
  let dir: string;
  let gw: RunningGateway;
  let key: string;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ug-outage-'));
    gw = await startGateway(
      loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DEMO_DATA: 'false', LOG_LEVEL: 'silent', TRACK_EVENTS_PER_MINUTE: '0' }),
      { logger: pino({ level: 'silent' }) },
    );
    base = `http://127.0.0.1:${gw.port}`;
    const w = gw.services.catalogWriter;
    await w.portals([{ _id: 'p1', name: 'P1', url: null }]);
    await w.users([{ _id: 'tracker', name: 'Tracker', email: null, role: 'TRACKER', automated: false }]);
    await w.datasets([
      {
        _id: 'd1', title: 'D1', description: null, portalId: 'p1', ownerId: null, spaceIds: [], collectionIds: [], themeIds: [],
        licence: null, publisher: null, published: true, visibility: 'PUBLIC', recordCount: 0,
      } as never,
    ]);
    key = (await gw.services.auth.issueKey('tracker', {})).key;
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('listens on a Unix socket inside a 0700 directory, not on TCP', () => {
    expect(gw.embedded).not.toBeNull();
    expect(gw.embedded!.uri).toMatch(/^mongodb:\/\/%2F/);
    expect(decodeURIComponent(gw.embedded!.uri)).toContain(path.join(dir, 'ferretdb', 'db.sock'));
    expect(statSync(path.join(dir, 'ferretdb')).mode & 0o777).toBe(0o700);
  });

  const track = async (eventId: string, i: number): Promise<{ status: number; ok: boolean; code?: string; message?: string }> => {
    try {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          query: `mutation($e: ID!, $ip: String!) { trackAccess(input: { resourceType: DATASET, resourceId: "d1", action: VIEW, eventId: $e, userAgent: "${BROWSER_UA}", ipAddress: $ip }) { status } }`,
          variables: { e: eventId, ip: `198.51.${Math.floor(i / 250) % 250}.${i % 250}` },
        }),
        signal: AbortSignal.timeout(30_000),
      });
      const j = (await res.json()) as { data?: { trackAccess?: { status: string } } | null; errors?: { message?: string; extensions?: { code?: string } }[] };
      const status = j.data?.trackAccess?.status;
      return { status: res.status, ok: status === 'RECORDED' || status === 'DUPLICATE', code: j.errors?.[0]?.extensions?.code, message: j.errors?.[0]?.message };
    } catch {
      return { status: 0, ok: false };
    }
  };

  it('after SIGKILL: 503 DATABASE_UNAVAILABLE at once from the gate, /ready false, restart, no acknowledged event lost', async () => {
    const acked: string[] = [];
    let n = 0;
    let sending = true;
    // A steady stream of events, acknowledged ones remembered.
    const sender = (async () => {
      while (sending) {
        const id = `outage-${n}`;
        const r = await track(id, n++);
        if (r.ok) acked.push(id);
        else await new Promise((res) => setTimeout(res, 50));
      }
    })();
    const warmup = Date.now() + 60_000;
    while (acked.length < 20) {
      if (Date.now() > warmup) throw new Error(`only ${acked.length} events acknowledged before the kill`);
      await new Promise((r) => setTimeout(r, 20));
    }

    const down = once(gw.embedded!.events, 'down');
    gw.embedded!.process.kill('SIGKILL');
    await down;
    const during = await track('during-outage', 9999);
    expect(during.status).toBe(503);
    expect(during.code).toBe('DATABASE_UNAVAILABLE');
    // The gate's own answer, given before any database call: no wait for the
    // driver's server selection (a wall-clock bound would measure the machine).
    expect(during.message).toBe('the database is unavailable (restarting); retry shortly');
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${base}/health`)).status).toBe(200);

    // Restarted by the supervisor; the driver reconnects by itself.
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${base}/ready`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('database not back within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(gw.embedded!.restarts).toBe(1);
    // The driver is back: reads work again.
    const read = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ dataset(id: "d1") { id } }' }),
    });
    expect(read.status).toBe(200);
    // Let the stream run on for a while. (How soon ingestion resumes after a
    // crash mid-flush is the ingestion's recovery: its lease must expire.)
    const ackedBefore = acked.length;
    const settle = Date.now() + 20_000;
    while (acked.length < ackedBefore + 20 && Date.now() < settle) await new Promise((r) => setTimeout(r, 50));
    sending = false;
    await sender;

    // Every acknowledged event is stored in the event log, the source of
    // truth the counters are derived from.
    const stored = new Set(
      (await gw.services.eventLog.events(acked.map((id) => `tracker|${id}`))).map((e) => e.eventId),
    );
    const lost = acked.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
  }, 120_000);
});
