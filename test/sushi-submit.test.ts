/**
 * `usage-gateway sushi submit` against the local DataCite hub
 * (test/support/datacite-hub.ts), on a real gateway and the embedded
 * database: twelve closed months of a generated history are accepted; a
 * month resubmitted after more events is a PUT to the id the hub gave;
 * 401, 422 with the hub's message, 5xx retried; gzip; --dry-run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { startLocalHub, type LocalHub } from './support/datacite-hub';
import { connect } from '../src/cli';
import { captureIo, testDbEnv, type CapturedIo } from './support/cli-io';
import { hubConfig, sushiSubmitCommand, type SubmitOptions, type SubmitTuning } from '../src/sushi/sushi-cli';
import { Visibility } from '../src/domain/resources';

const TRACK = `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected } }`;
const TOKEN = 'secret-token';

function closedMonths(n: number): string[] {
  const now = new Date();
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n + i, 1)).toISOString().slice(0, 7));
}

describe('sushi submit', () => {
  let t: TestGateway;
  let hub: LocalHub;
  let tracker: string;
  const months = closedMonths(12);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sushi-submit-'));

  const io = (env: Record<string, string> = {}): CapturedIo =>
    captureIo({ ...testDbEnv(t.dbName), LOG_LEVEL: 'silent', DATACITE_HUB_URL: hub.url, DATACITE_HUB_TOKEN: TOKEN, ...env });
  const submit = (o: SubmitOptions, cli = io(), tuning: SubmitTuning = {}): Promise<number> => sushiSubmitCommand(o, cli, connect, { backoffMs: 10, ...tuning });
  const track = async (month: string, prefix: string, n: number): Promise<void> => {
    const inputs = Array.from({ length: n }, (_, i) => ({
      resourceType: 'DATASET',
      resourceId: i % 3 === 2 ? 'ds-draft' : i % 2 ? 'ds-b' : 'ds-a',
      action: i % 4 === 3 ? 'DOWNLOAD' : 'VIEW',
      bytes: 100,
      country: ['FR', 'US', 'BR'][i % 3],
      eventId: `${prefix}-${month}-${i}`,
      userId: `${prefix}-v-${i}`,
      timestamp: `${month}-${String(10 + (i % 15)).padStart(2, '0')}T12:00:00.000Z`,
    }));
    const res = await t.gql<{ trackAccesses: { recorded: number } }>(TRACK, { inputs }, tracker);
    expect(res.errors).toBeUndefined();
    expect(res.data!.trackAccesses.recorded).toBe(n);
  };
  const requestsFor = (month: string): number => {
    const r = [...hub.reports.values()].filter((x) => String((x.body['report-header'] as { 'reporting-period': { 'begin-date': string } })['reporting-period']['begin-date']).startsWith(month));
    return r.length;
  };
  const storedCount = (month: string): number => {
    const r = [...hub.reports.values()].find((x) => String((x.body['report-header'] as { 'reporting-period': { 'begin-date': string } })['reporting-period']['begin-date']).startsWith(month))!;
    let total = 0;
    for (const d of r.body['report-datasets'] as { performance: { instance: { 'metric-type': string; 'access-method': string; count: number }[] }[] }[]) {
      for (const p of d.performance) for (const i of p.instance) if (i['metric-type'] === 'total-dataset-investigations' && i['access-method'] === 'regular') total += i.count;
    }
    return total;
  };

  beforeAll(async () => {
    [t, hub] = await Promise.all([startTestGateway(), startLocalHub([TOKEN])]);
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p1', name: 'Portal One', url: null }]);
    const base = { description: null, licence: null, recordCount: 1, spaceIds: [] as string[], themeIds: [] as string[], collectionIds: [] as string[], ownerId: null, portalId: 'p1', visibility: Visibility.PUBLIC, publisher: null };
    await w.datasets([
      { ...base, _id: 'ds-a', title: 'Lake fish', doi: '10.5061/dryad.aa1', published: true },
      { ...base, _id: 'ds-b', title: 'Birds', doi: null, published: true },
      { ...base, _id: 'ds-draft', title: 'Draft', doi: null, published: false },
    ]);
    tracker = await t.keyFor('svc', 'TRACKER');
    for (const m of months) await track(m, 'g', 12);
    await t.settle();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([t?.stop(), hub?.stop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reads the hub from the environment, presets included', () => {
    expect(hubConfig({ DATACITE_HUB: 'test', DATACITE_HUB_TOKEN: 'x' })).toEqual({ url: 'https://api.test.datacite.org/reports', token: 'x', platform: 'usage-gateway' });
    expect(hubConfig({ DATACITE_HUB: 'production' })).toMatchObject({ url: 'https://api.datacite.org/reports' });
    expect(hubConfig({ DATACITE_HUB: 'prod' })).toMatch(/test or production/);
    expect(hubConfig({})).toMatch(/no hub configured/);
  });

  it('writes the exact body with --dry-run and sends nothing', async () => {
    const file = path.join(tmp, 'dry.json');
    const cli = io({ DATACITE_HUB_URL: '', DATACITE_HUB_TOKEN: '' });
    expect(await submit({ month: months[0], dryRun: file }, cli)).toBe(0);
    const body = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(body['report-header']['reporting-period']['begin-date']).toBe(`${months[0]}-01`);
    expect(JSON.stringify(body)).not.toContain('ds-draft');
    expect(hub.requests).toHaveLength(0);
  });

  it('sends twelve months with --all-pending, each accepted once; then nothing is pending', async () => {
    const cli = io();
    expect(await submit({ allPending: true }, cli)).toBe(0);
    expect(cli.stderr).toContain('12 pending months');
    expect(hub.reports.size).toBe(12);
    expect(hub.requests.map((r) => `${r.method} ${r.status}`)).toEqual(Array(12).fill('POST 201'));
    for (const m of months) expect(requestsFor(m)).toBe(1);
    expect(storedCount(months[3])).toBe(8); // the 8 views of published datasets (4 of 12 events are the draft's)
    // Closed months carry no exception, the first one too although its stored usage starts on the 10th.
    for (const m of months) {
      const stored = [...hub.reports.values()].find((x) => (x.body['report-header'] as { 'reporting-period': { 'begin-date': string } })['reporting-period']['begin-date'] === `${m}-01`)!;
      expect([m, (stored.body['report-header'] as { exceptions: unknown[] }).exceptions]).toEqual([m, []]);
    }
    const again = io();
    expect(await submit({ allPending: true }, again)).toBe(0);
    expect(again.stderr).toContain('0 pending months');
  });

  it('resubmits a month after new events as a PUT to the same id, gzip when large, retrying 5xx', async () => {
    const month = months[3];
    const id = [...hub.reports.values()].find((r) => (r.body['report-header'] as { 'reporting-period': { 'begin-date': string } })['reporting-period']['begin-date'] === `${month}-01`)!.id;
    // Late events change the month's figures, as a recount would.
    await track(month, 'late', 6);
    await t.settle();
    hub.failNext(2, 503);
    const before = hub.requests.length;
    const cli = io();
    expect(await submit({ month }, cli, { gzipOverBytes: 0 })).toBe(0);
    expect(cli.stdout).toContain(`${month}\tupdated\t${id}`);
    expect(cli.stderr).toMatch(/503: Service Unavailable; retrying/);
    const sent = hub.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`PUT /reports/${id} 503`, `PUT /reports/${id} 503`, `PUT /reports/${id} 200`]);
    expect(sent[2]).toMatchObject({ contentEncoding: 'gzip', contentType: 'application/gzip' });
    expect(hub.reports.size).toBe(12);
    expect(storedCount(month)).toBe(12);
  });

  it('gives up after the attempts on 5xx, and prints the hub message on 401 and 422', async () => {
    hub.failNext(3, 502);
    const down = io();
    expect(await submit({ month: months[1] }, down, { attempts: 3 })).toBe(1);
    expect(down.stderr).toMatch(/did not take the report after 3 attempts \(last: 502/);

    const bad = io({ DATACITE_HUB_TOKEN: 'wrong' });
    expect(await submit({ month: months[1] }, bad)).toBe(1);
    expect(bad.stderr).toContain('refused the report (401): You are not authorized to access this resource.');

    // A new hub (nothing sent there yet): a platform name with a space is refused on create.
    const other = await startLocalHub([TOKEN]);
    try {
      const refused = io({ DATACITE_HUB_URL: other.url, SUSHI_PLATFORM: 'my portal' });
      expect(await submit({ month: months[1] }, refused)).toBe(1);
      expect(refused.stderr).toContain('refused the report (422): Created by is invalid');
    } finally {
      await other.stop();
    }
  });

  it('checks its options', async () => {
    const cli = io();
    expect(await submit({ month: '2026-13' }, cli)).toBe(1);
    expect(cli.stderr).toContain('--month takes a month, YYYY-MM');
    const open = io();
    expect(await submit({ month: new Date().toISOString().slice(0, 7) }, open)).toBe(1);
    expect(open.stderr).toContain('is not over yet');
    const none = io({ DATACITE_HUB_TOKEN: '' });
    expect(await submit({ month: months[1] }, none)).toBe(1);
    expect(none.stderr).toContain('DATACITE_HUB_TOKEN is not set');
  });

  it('is registered as `usage-gateway sushi submit`', async () => {
    // ts-node compiles the CLI in a new process: slow on a busy machine.
    const file = path.join(tmp, 'dry-cli.json');
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', 'sushi', 'submit', '--month', months[5], '--dry-run', file], {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, ...io().env },
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining(`${months[5]}: 2 datasets`) });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))['report-datasets']).toHaveLength(2);
  }, 300_000);
});
