/**
 * An aggregator that content cannot stop (issue 16): every hostile line the
 * probe got into the event log is refused by `import-events` and
 * `import-logs` with its line number and error code, the command says so by
 * its exit code, and the figures keep flowing. A hostile row written straight
 * into the log (as an older version or an operator might) is quarantined:
 * skipped by the aggregator, reported by `/metrics` and `usage-gateway
 * quarantine list`, never blocking the other events, a recount or a rebuild.
 * Real gateway, real embedded database, real CLI commands.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadCatalog } from './support/formats-fixture';
import { connect } from '../src/cli';
import { cliIo } from './support/cli-io';
import { importLogsCommand } from '../src/logs/log-cli';
import { importEventsCommand } from '../src/events/event-cli';
import { quarantineListCommand } from '../src/events/quarantine-cli';
import { dayIndexId, queueId } from '../src/store/storage-keys';

const ROOT = path.resolve(__dirname, '..');
const MAPPING = path.resolve(ROOT, 'examples/log-mapping.json');
const DAY_MS = 86_400_000;
const YESTERDAY = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
const at = (hms: string) => `${YESTERDAY}T${hms}.000Z`;
const STATS = `query S($id: ID!) { dataset(id: $id) { stats { views downloads volume failedEvents } } }`;
const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status error { code } } }`;

/** A JSON Lines record as export-events writes it. */
function record(n: number, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    timestamp: at(`09:${String(n).padStart(2, '0')}:00`),
    portal: 'p1',
    resource_type: 'DATASET',
    resource_id: 'ds-a',
    dataset_ids: [],
    action: 'VIEW',
    user_id: null,
    traffic_class: 'regular',
    bot: false,
    country: 'FR',
    http_status: 200,
    bytes: null,
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
    url: null,
    event_id: `imp-${n}`,
    scope: 'exporter',
    automated: false,
    click_key: `k:imp-${n}`,
    session_key: `s:imp-${n}`,
    content_hash: `h-${n}`,
    ...patch,
  };
}

/** A Combined Log Format line. */
function clf(time: string, target: string, status: string, bytes: string, ua = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0'): string {
  return `192.0.2.7 - - [${time}] "GET ${target} HTTP/1.1" ${status} ${bytes} "-" "${ua}"`;
}

function clfTime(iso: string): string {
  const d = new Date(iso);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** A Make Data Count log line (19 tab-separated columns). */
function mdc(time: string, size: string): string {
  return [time, '192.0.2.8', 'sess-m', '-', '-', '/datasets/ds-b', '-', '-', size, 'Mozilla/5.0 Firefox/130.0', ...Array(9).fill('-')].join('\t');
}

describe('hostile input cannot stop the figures', () => {
  let t: TestGateway;
  let admin: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  const stats = async (id: string) => (await t.gql<{ dataset: { stats: Record<string, number> } }>(STATS, { id }, admin)).data!.dataset.stats;

  beforeAll(async () => {
    t = await startTestGateway({ env: { METRICS_TOKEN: 'm-token' } });
    await loadCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('import-events refuses every hostile line with its number and code (exit 2), stores the valid ones, and counting goes on', async () => {
    const lines: string[] = [
      JSON.stringify(record(1)), // 1 valid
      JSON.stringify(record(2, { action: 'HACK' })),
      JSON.stringify(record(3, { resource_type: 'NOPE' })),
      JSON.stringify(record(4, { resource_type: '__proto__' })),
      JSON.stringify(record(5, { scope: 'exporter|x' })),
      JSON.stringify(record(6, { user_id: 'u|DATASET:ds-b' })),
      JSON.stringify(record(7, { resource_id: 'ds-a|u1' })),
      JSON.stringify(record(8, { timestamp: '1970-01-01T00:00:00.000Z' })),
      JSON.stringify(record(9, { timestamp: '+275760-09-13T00:00:00.000Z' })),
      JSON.stringify(record(10, { bytes: -5 })),
      JSON.stringify(record(11, { bytes: 1e300 })),
      JSON.stringify(record(12, { http_status: 99999 })),
      '{"timestamp": "2026-', // 13 malformed
      JSON.stringify(record(14, { url: `/datasets/ds-a?${'q'.repeat(70_000)}` })), // 14 over 64 KiB
      JSON.stringify(record(15, { user_agent: `Mozilla/5.0 ${'x'.repeat(2000)}` })), // 15 valid: agent cut to 1,024
      JSON.stringify(record(16, { resource_id: 'ds-b' })), // 16 valid
    ];
    const file = path.join(tmp, 'events.jsonl');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const io = cliIo(t.dbName);
    expect(await importEventsCommand([file], io, connect)).toBe(2);
    expect(io.stderr).toContain('events: 16 lines, 3 imported, 0 already present, 13 invalid');
    const expected: [number, string, RegExp][] = [
      [2, 'BAD_USER_INPUT', /action "HACK"/],
      [3, 'BAD_USER_INPUT', /resourceType "NOPE"/],
      [4, 'BAD_USER_INPUT', /resourceType "__proto__"/],
      [5, 'INVALID_ID', /scope/],
      [6, 'INVALID_ID', /userId/],
      [7, 'INVALID_ID', /resourceId/],
      [8, 'INVALID_TIMESTAMP', /1970/],
      [9, 'INVALID_TIMESTAMP', /future|275760/],
      [10, 'VALUE_OUT_OF_RANGE', /bytes -5/],
      [11, 'VALUE_OUT_OF_RANGE', /bytes 1e\+300/],
      [12, 'VALUE_OUT_OF_RANGE', /httpStatus 99999/],
      [13, 'BAD_USER_INPUT', /JSON/],
      [14, 'VALUE_OUT_OF_RANGE', /longer than 65536/],
    ];
    for (const [n, code, why] of expected) {
      const reported = io.stderr.split('\n').find((l) => l.includes(`${file}:${n}: `));
      expect(reported).toBeDefined();
      expect(reported).toContain(`: ${code}: `);
      expect(reported).toMatch(why);
    }
    expect(await t.eventCount()).toBe(3);
    const cut = await t.gw.store.eventLog.findOne({ _id: 'exporter|imp-15' });
    expect((cut?.userAgent as string).length).toBe(1024);

    expect(await stats('ds-a')).toMatchObject({ views: 2 });
    expect(await stats('ds-b')).toMatchObject({ views: 1 });
    // Figures keep flowing: a new event is counted; a long agent is cut, not refused.
    const tracker = await t.keyFor('svc', 'TRACKER');
    const r = await t.gql<{ trackAccess: { status: string } }>(
      TRACK,
      { input: { resourceType: 'DATASET', resourceId: 'ds-a', action: 'VIEW', eventId: 'after-1', userAgent: `Mozilla/5.0 ${'y'.repeat(3000)}`, sessionId: 'after' } },
      tracker,
    );
    expect(r.data!.trackAccess.status).toBe('RECORDED');
    expect(await stats('ds-a')).toMatchObject({ views: 3 });
    // Nothing reached the log that the aggregator had to quarantine.
    await t.gw.services.quarantine.flush();
    expect(await t.gw.services.quarantine.count()).toBe(0);
  }, 120_000);

  it('import-logs refuses hostile lines (rejected, unparsable, too long) with their numbers, keeps the lines around them, reads UTF-16 with a BOM and refuses it without', async () => {
    const combined = path.join(tmp, 'access.log');
    fs.writeFileSync(
      combined,
      [
        clf(clfTime(at('11:00:00')), '/datasets/ds-c', '200', '100'), // 1 valid
        clf(clfTime(at('11:00:05')), '/datasets/ds-c%7Cu1', '200', '100'), // 2 `|` in the resource id
        clf('01/Jan/1970:00:00:01 +0000', '/datasets/ds-c', '200', '100'), // 3 1970
        clf('13/Sep/275760:00:00:00 +0000', '/datasets/ds-c', '200', '100'), // 4 year 275760: no CLF time
        clf(clfTime(at('11:01:00')), '/datasets/ds-c', '200', '-5'), // 5 bytes -5
        clf(clfTime(at('11:02:00')), '/datasets/ds-c', '99999', '100'), // 6 status 99999
        clf(clfTime(at('11:03:00')), '/datasets/ds-c', '200', '100', `Mozilla/5.0 ${'z'.repeat(2000)}`), // 7 long agent: counted
        clf(clfTime(at('11:04:00')), `/datasets/ds-c?${'q'.repeat(100_000)}`, '200', '100'), // 8 over 64 KiB
        clf(clfTime(at('11:05:00')), '/datasets/ds-c', '200', '100', 'Mozilla/5.0 (Macintosh) Safari/605.1'), // 9 valid
      ].join('\n') + '\n',
    );
    const mdcFile = path.join(tmp, 'mdc.log');
    fs.writeFileSync(
      mdcFile,
      ['#Fields: MDC', mdc(`${YESTERDAY}T12:00:00Z`, '10'), mdc('+275760-09-13T00:00:00Z', '10'), mdc(`${YESTERDAY}T12:10:00Z`, '1e300')].join('\n') + '\n',
    );
    const utf16 = path.join(tmp, 'utf16.log');
    const text = [clf(clfTime(at('13:00:00')), '/datasets/ds-c', '200', '1'), clf(clfTime(at('13:10:00')), '/datasets/ds-c', '200', '2')].join('\r\n') + '\r\n';
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));

    const io = cliIo(t.dbName);
    expect(await importLogsCommand([combined, mdcFile, utf16], { mapping: MAPPING, portal: 'p1', progress: false }, io, connect)).toBe(2);
    const out = JSON.parse(io.stdout) as { recorded: number; skipped: Record<string, number> };
    expect(out.recorded).toBe(3 + 1 + 2);
    expect(out.skipped).toMatchObject({ rejected: 4, unparsable: 3, 'too long': 1 });
    for (const [n, what] of [
      [2, /\[rejected\] BAD_USER_INPUT: resourceId/],
      [3, /\[rejected\] INVALID_TIMESTAMP/],
      [4, /\[unparsable\] bad time/],
      [5, /\[unparsable\]/],
      [6, /\[unparsable\]/],
      [8, /\[too long\] \d+ bytes, longer than 65536/],
    ] as const) {
      expect(io.stderr).toMatch(new RegExp(`${combined.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${n} ${what.source}`));
    }
    expect(io.stderr).toMatch(/mdc\.log:3 \[rejected\] INVALID_TIMESTAMP/);
    expect(io.stderr).toMatch(/mdc\.log:4 \[rejected\] BAD_USER_INPUT: bytes/);
    expect(await stats('ds-c')).toMatchObject({ views: 5 });
    expect(await stats('ds-b')).toMatchObject({ views: 2 });

    // UTF-16 without a byte-order mark: refused, exit 1, nothing read as garbage.
    const noBom = path.join(tmp, 'nobom.log');
    fs.writeFileSync(noBom, Buffer.from(clf(clfTime(at('14:00:00')), '/datasets/ds-c', '200', '1') + '\n', 'utf16le'));
    const io2 = cliIo(t.dbName);
    expect(await importLogsCommand([noBom], { mapping: MAPPING, portal: 'p1', progress: false }, io2, connect)).toBe(1);
    expect(io2.stderr).toMatch(/error: .*nobom\.log: not read from line 1 on: the file looks like UTF-16 without a byte-order mark/);
    expect(JSON.parse(io2.stdout)).toMatchObject({ lines: 0, recorded: 0 });
    await t.gw.services.quarantine.flush();
    expect(await t.gw.services.quarantine.count()).toBe(0);
  }, 180_000);

  it('a hostile row written straight into the log is quarantined and reported; the other events, a recount and a rebuild go on', async () => {
    const t0 = new Date(`${YESTERDAY}T15:00:00.000Z`);
    const row = (eventId: string, patch: Record<string, unknown>) => ({
      _id: `old|${eventId}`,
      scope: 'old',
      eventId,
      t: t0,
      day: YESTERDAY,
      h: 'h',
      portalId: 'p1',
      resourceType: 'DATASET',
      resourceId: 'ds-c',
      action: 'DOWNLOAD',
      datasetIds: [],
      userId: null,
      automated: false,
      trafficClass: 'regular',
      httpStatus: 200,
      bytes: 10,
      country: null,
      userAgent: 'Mozilla/5.0 Firefox/130.0',
      url: null,
      ck: `k:${eventId}`,
      sk: `s:${eventId}`,
      receivedAt: t0,
      ...patch,
    });
    const rows = [
      row('hack', { action: 'HACK' }),
      row('proto', { resourceType: '__proto__' }),
      // The pair whose day documents collided (E11000 on every pass).
      row('pipe', { resourceId: 'ds-c|u1', userId: null }),
      row('pipe-user', { resourceId: 'ds-c', userId: 'u1|x' }),
      row('bytes', { bytes: -5 }),
      row('time', { t: 'yesterday' }),
      row('ok', {}),
    ];
    const before = await stats('ds-c');
    const flush = 'old-version-1';
    // As an older version stored a flush: queue entry, day index, events.
    await t.gw.store.eventLog.insertMany([
      { _id: queueId(flush), days: [YESTERDAY], at: new Date() },
      { _id: dayIndexId(YESTERDAY, flush), day: YESTERDAY, keys: rows.map((r) => r._id) },
      ...rows,
    ]);
    await t.settle();
    expect(await stats('ds-c')).toMatchObject({ downloads: before.downloads + 1, volume: before.volume + 10 });
    await t.gw.services.quarantine.flush();
    expect(await t.gw.services.quarantine.count()).toBe(6);

    const metrics = await (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: 'Bearer m-token' } })).text();
    expect(metrics).toMatch(/^usage_gateway_quarantined_events 6$/m);

    const io = cliIo(t.dbName);
    expect(await quarantineListCommand({}, io, connect)).toBe(0);
    const listed = io.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(listed.map((l) => [l[1], l[2]])).toEqual([
      ['old|bytes', 'VALUE_OUT_OF_RANGE'],
      ['old|hack', 'BAD_USER_INPUT'],
      ['old|pipe', 'INVALID_ID'],
      ['old|pipe-user', 'INVALID_ID'],
      ['old|proto', 'BAD_USER_INPUT'],
      ['old|time', 'INVALID_TIMESTAMP'],
    ]);
    expect(listed[1][3]).toMatch(/action "HACK"/);
    expect(io.stderr).toContain('6 quarantined events');
    const json = cliIo(t.dbName);
    expect(await quarantineListCommand({ json: true, limit: 1, after: 'old|bytes' }, json, connect)).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ eventKey: 'old|hack', code: 'BAD_USER_INPUT', raw: expect.stringContaining('"HACK"') });

    // A recount and a full rebuild read the rows again: the same figures, still 6 records.
    const figures = await stats('ds-c');
    await t.gw.services.aggregator.recount();
    expect(await stats('ds-c')).toEqual(figures);
    await t.gw.services.aggregator.rebuildAll();
    expect(await stats('ds-c')).toEqual(figures);
    await t.gw.services.quarantine.flush();
    expect(await t.gw.services.quarantine.count()).toBe(6);
    const tracker = await t.keyFor('svc2', 'TRACKER');
    const r = await t.gql<{ trackAccess: { status: string } }>(TRACK, { input: { resourceType: 'DATASET', resourceId: 'ds-c', action: 'DOWNLOAD', eventId: 'after-q', bytes: 5, sessionId: 'q' } }, tracker);
    expect(r.data!.trackAccess.status).toBe('RECORDED');
    expect(await stats('ds-c')).toMatchObject({ downloads: figures.downloads + 1 });
  }, 180_000);

  it('`usage-gateway quarantine list` is a command of the CLI (process)', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', 'quarantine', 'list', '--limit', '2'], {
        cwd: ROOT,
        env: { ...process.env, MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: t.dbName, LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/6 quarantined events \(not counted\); listed 2, next: --after 'old\|hack'/);
  }, 120_000);
});
