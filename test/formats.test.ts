/**
 * Field formats end to end (docs/formats.md), on real gateways and the
 * embedded database: a generated web-server log imported with the CLI
 * gives the same figures as the same events sent through trackAccesses;
 * importing twice changes nothing; an event export imported into an empty
 * gateway gives the same figures; the COUNTER DSR equals the gateway's own
 * monthly figures and passes the published schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { validateDsr } from './support/sushi-schema';
import { connect } from '../src/cli';
import { cliIo } from './support/cli-io';
import { importLogsCommand } from '../src/logs/log-cli';
import { exportEventsCommand, importEventsCommand } from '../src/events/event-cli';
import { generateCombinedLog, type GenLine } from '../bench/log-gen';
import { GEN, loadCatalog } from './support/formats-fixture';

const MAPPING = path.resolve(__dirname, '../examples/log-mapping.json');

const DAY = 86_400_000;

function months(): { begin: string; end: string } {
  const now = new Date();
  const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { begin: prev.toISOString().slice(0, 7), end: now.toISOString().slice(0, 7) };
}

async function dsr(t: TestGateway, key: string, query = ''): Promise<Record<string, unknown>> {
  const { begin, end } = months();
  const res = await fetch(`${t.baseUrl}/api/sushi/reports/dsr?begin_date=${begin}&end_date=${end}${query}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function usageCsv(t: TestGateway, key: string, q: string): Promise<string> {
  const res = await fetch(`${t.baseUrl}/api/reports/usage-table?bom=false&${q}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('field formats', () => {
  let a: TestGateway; // log import
  let b: TestGateway; // trackAccesses
  let adminA: string;
  let adminB: string;
  let lines: GenLine[];
  let logFile: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'formats-'));

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestGateway(), startTestGateway()]);
    await Promise.all([loadCatalog(a), loadCatalog(b)]);
    [adminA, adminB] = await Promise.all([a.keyFor('root', 'ADMIN'), b.keyFor('root', 'ADMIN')]);
    // From the 10th of last month on: the log spans last month and this one.
    const { begin } = months();
    const start = Date.parse(`${begin}-10T00:00:00Z`);
    const span = Math.max(Date.now() - DAY - start, DAY);
    const n = 700;
    lines = [...generateCombinedLog(GEN, n, start, 7, Math.floor(span / n / 2))];
    logFile = path.join(tmp, 'access.log.gz');
    fs.writeFileSync(logFile, zlib.gzipSync(lines.map((l) => l.line).join('\n') + '\n'));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports a gzipped combined log and reports what it skipped', async () => {
    const io = cliIo(a.dbName);
    const code = await importLogsCommand([logFile], { mapping: MAPPING, portal: 'p1', progress: false }, io, connect);
    expect(io.stderr).not.toMatch(/^error/m);
    expect(code).toBe(0);
    const out = JSON.parse(io.stdout) as { lines: number; recorded: number; duplicates: number; skipped: Record<string, number> };
    const garbage = lines.filter((l) => l.line.startsWith('garbage')).length;
    const unmapped = lines.filter((l) => !l.event && !l.line.startsWith('garbage')).length;
    const unknown = lines.filter((l) => l.event?.resourceId.startsWith('ds-unknown')).length;
    expect(out.skipped).toMatchObject({ unparsable: garbage, 'no rule matched': unmapped, 'unknown resource': unknown });
    expect(out.recorded + out.duplicates + out.skipped.rejected).toBe(lines.filter((l) => l.event && !l.event.resourceId.startsWith('ds-unknown')).length);
    expect(out.recorded).toBeGreaterThan(500);
    expect(io.stderr).toMatch(/skipped +\d+/);
  });

  it('gives the same figures as the same events sent through trackAccesses', async () => {
    const tracker = await b.keyFor('svc', 'TRACKER');
    const events = lines.filter((l) => l.event).map((l, i) => ({ ...l.event!, eventId: `t-${i}` }));
    for (let i = 0; i < events.length; i += 200) {
      const res = await b.gql(
        `mutation T($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded } }`,
        { inputs: events.slice(i, i + 200) },
        tracker,
      );
      expect(res.errors).toBeUndefined();
    }
    await Promise.all([a.settle(), b.settle()]);
    const [ra, rb] = await Promise.all([dsr(a, adminA), dsr(b, adminB)]);
    expect(ra['report-datasets']).toEqual(rb['report-datasets']);
    expect((ra['report-datasets'] as unknown[]).length).toBe(4);
    const [ta, tb] = await Promise.all([usageCsv(a, adminA, 'granularity=day'), usageCsv(b, adminB, 'granularity=day')]);
    expect(ta).toEqual(tb);
    expect(ta.split('\r\n').length).toBeGreaterThan(50);
  });

  it('importing the same file again changes nothing', async () => {
    const before = await dsr(a, adminA);
    const io = cliIo(a.dbName);
    expect(await importLogsCommand([logFile], { mapping: MAPPING, portal: 'p1', progress: false }, io, connect)).toBe(0);
    const out = JSON.parse(io.stdout) as { recorded: number; duplicates: number };
    expect(out.recorded).toBe(0);
    expect(out.duplicates).toBeGreaterThan(500);
    await a.settle();
    expect((await dsr(a, adminA))['report-datasets']).toEqual(before['report-datasets']);
  });

  it('DSR: the published schema accepts it; its numbers are the gateway\'s monthly figures', async () => {
    const r = await dsr(a, adminA);
    expect(validateDsr(r)).toEqual([]);
    const header = r['report-header'] as { exceptions: { code: number }[]; 'report-id': string };
    expect(header['report-id']).toBe('DSR');
    // The period reaches into the current month: partial data.
    expect(header.exceptions.map((e) => e.code)).toContain(3040);
    const { begin, end } = months();
    const ask = async (b: string, e: string) =>
      ((await (await fetch(`${a.baseUrl}/api/sushi/reports/dsr?begin_date=${b}&end_date=${e}`, { headers: { authorization: `Bearer ${adminA}` } })).json()) as {
        'report-header': { exceptions: { code: number; data?: string }[] };
      })['report-header'].exceptions;
    // Stored data starts on the 10th of last month; this month is unfinished.
    expect((await ask(begin, begin)).map((e) => e.data)).toEqual([expect.stringMatching(/stored usage starts on \d{4}-\d{2}-10/)]);
    expect((await ask(end, end)).map((e) => e.data)).toEqual([expect.stringMatching(/the current month is not complete\)$/)]);
    const table = await usageCsv(a, adminA, 'granularity=month&resource_type=DATASET');
    const [head, ...rows] = table.trim().split('\r\n').map((l) => l.split(','));
    const col = (n: string) => head.indexOf(n);
    const mine = new Map<string, number>();
    for (const row of rows) {
      // The CSV writes a month as its first day (YYYY-MM-01); the DSR's months are YYYY-MM.
      const key = `${row[col('resource_id')]}|${row[col('date')].slice(0, 7)}|${row[col('access_method')]}|${row[col('metric')]}`;
      mine.set(key, Number(row[col('count')]));
    }
    const get = (k: string) => mine.get(k) ?? 0;
    let checked = 0;
    for (const d of r['report-datasets'] as { 'dataset-id': { type: string; value: string }[]; performance: { period: { 'begin-date': string }; instance: { 'access-method': string; 'metric-type': string; count: number }[] }[] }[]) {
      const id = d['dataset-id'].find((x) => x.type === 'proprietary')!.value.split(':')[1];
      for (const p of d.performance) {
        const month = p.period['begin-date'].slice(0, 7);
        for (const i of p.instance) {
          const k = (m: string) => get(`${id}|${month}|${i['access-method']}|${m}`);
          const expected: Record<string, number> = {
            'total-dataset-investigations': k('views') + k('downloads') + k('api_calls'),
            'unique-dataset-investigations': k('unique_investigations'),
            'total-dataset-requests': k('downloads'),
            'unique-dataset-requests': k('unique_requests'),
          };
          expect([id, month, i['access-method'], i['metric-type'], i.count]).toEqual([id, month, i['access-method'], i['metric-type'], expected[i['metric-type']]]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    const ds = (r['report-datasets'] as { 'dataset-id': unknown; publisher: string; platform: string }[]).find((d) => JSON.stringify(d['dataset-id']).includes('10.5061'))!;
    expect(ds).toMatchObject({ publisher: 'Portal One', platform: 'usage-gateway' });
  });

  it('DSR as TSV, the report list, status and permissions', async () => {
    const { begin, end } = months();
    const tsv = await fetch(`${a.baseUrl}/api/sushi/reports/dsr?begin_date=${begin}&end_date=${end}&format=tsv`, { headers: { authorization: `Bearer ${adminA}` } });
    expect(tsv.headers.get('content-type')).toMatch(/^text\/tab-separated-values/);
    const text = await tsv.text();
    expect(text.split('\r\n')[0]).toBe('Report_Name\tDataset Master Report');
    expect(text).toContain('Total_Dataset_Investigations');
    const byAccept = await fetch(`${a.baseUrl}/api/sushi/reports/dsr?begin_date=${begin}&end_date=${end}`, {
      headers: { authorization: `Bearer ${adminA}`, accept: 'text/tab-separated-values' },
    });
    expect(await byAccept.text()).toBe(text);
    const list = await fetch(`${a.baseUrl}/api/sushi/reports`, { headers: { authorization: `Bearer ${adminA}` } });
    expect(await list.json()).toEqual([expect.objectContaining({ 'report-id': 'DSR', release: 'rd1' })]);
    const status = await fetch(`${a.baseUrl}/api/sushi/status`, { headers: { authorization: `Bearer ${adminA}` } });
    expect(await status.json()).toMatchObject({ serviceactive: true });
    // A USER sees the datasets they may see only.
    const user = await a.keyFor('ursula', 'USER');
    const ru = await dsr(a, user);
    const titles = (ru['report-datasets'] as { 'dataset-title': string }[]).map((d) => d['dataset-title']);
    expect(titles).not.toContain('Secret');
    expect(titles.length).toBe(3);
    const one = await dsr(a, adminA, '&dataset_id=ds-b');
    expect((one['report-datasets'] as unknown[]).length).toBe(1);
    const anon = await fetch(`${a.baseUrl}/api/sushi/reports/dsr?begin_date=${begin}&end_date=${end}`);
    expect(anon.status).toBe(401);
    const tracker = await a.keyFor('svc2', 'TRACKER');
    const tr = await fetch(`${a.baseUrl}/api/sushi/reports/dsr?begin_date=${begin}&end_date=${end}`, { headers: { authorization: `Bearer ${tracker}` } });
    expect(tr.status).toBe(403);
    const bad = await fetch(`${a.baseUrl}/api/sushi/reports/dsr?begin_date=2026-13&end_date=${end}`, { headers: { authorization: `Bearer ${adminA}` } });
    expect(bad.status).toBe(400);
  });

  it('exports events (CSV and JSON Lines, admin only) and an export re-imported into an empty gateway gives the same figures', async () => {
    const csv = await fetch(`${a.baseUrl}/api/events/export?format=csv&bom=false`, { headers: { authorization: `Bearer ${adminA}` } });
    expect(csv.status).toBe(200);
    const csvText = await csv.text();
    const header = csvText.split('\r\n')[0].split(',');
    expect(header.slice(0, 6)).toEqual(['timestamp', 'portal', 'resource_type', 'resource_id', 'dataset_ids', 'action']);
    expect(csvText.split('\r\n')[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},p1,/);
    const user = await a.keyFor('ursula', 'USER');
    expect((await fetch(`${a.baseUrl}/api/events/export?format=jsonl`, { headers: { authorization: `Bearer ${user}` } })).status).toBe(403);

    const io = cliIo(a.dbName);
    const file = path.join(tmp, 'events.jsonl');
    expect(await exportEventsCommand({ out: file, format: 'jsonl' }, io, connect)).toBe(0);
    const exported = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(exported.length).toBe(await a.eventCount());
    // The HTTP export is the same stream.
    const http = await fetch(`${a.baseUrl}/api/events/export?format=jsonl`, { headers: { authorization: `Bearer ${adminA}` } });
    expect((await http.text()).trim().split('\n').length).toBe(exported.length);

    const c = await startTestGateway();
    try {
      await loadCatalog(c);
      const adminC = await c.keyFor('root', 'ADMIN');
      const ioC = cliIo(c.dbName);
      expect(await importEventsCommand([file], ioC, connect)).toBe(0);
      expect(ioC.stderr).toContain(`${exported.length} imported`);
      await c.settle();
      const [ra, rc] = await Promise.all([dsr(a, adminA), dsr(c, adminC)]);
      expect(rc['report-datasets']).toEqual(ra['report-datasets']);
      const [ta, tc] = await Promise.all([usageCsv(a, adminA, 'granularity=day'), usageCsv(c, adminC, 'granularity=day')]);
      expect(tc).toEqual(ta);
      // Twice: nothing changes.
      const again = cliIo(c.dbName);
      expect(await importEventsCommand([file], again, connect)).toBe(0);
      expect(again.stderr).toContain(`0 imported, ${exported.length} already present`);
    } finally {
      await c.stop();
    }
  });
});
