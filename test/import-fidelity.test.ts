/**
 * Log import keeps what counting uses, and is an operator path without
 * traps (issue 17 items 2 and 5, docs/formats.md): every column of a real
 * Make Data Count log line reaches the stored event; a mixed log imported
 * gives the figures of the same events sent through trackAccesses; archived
 * logs import with --historical and their figures outlive event retention;
 * re-imports are duplicates whatever the flags, a changed line a conflict;
 * an unknown --portal and a DATA_DIR without a database are refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { connect } from '../src/cli';
import { EXIT_FAILED, EXIT_REJECTED } from '../src/cli-run';
import { captureIo, testDbEnv, type CapturedIo } from './support/cli-io';
import { loadConfig } from '../src/config';
import { normalizeDoi } from '../src/catalog/doi';
import { importLogsCommand } from '../src/logs/log-cli';
import { exportEventsCommand } from '../src/events/event-cli';
import { parseMdcLine } from '../src/logs/mdc-log';
import { logUserId } from '../src/logs/log-events';
import { randomBytes } from 'node:crypto';
import { eventKeys, secretDaysOf, type DaySecret } from '../src/counting/identity';
import { utcDay } from '../src/util/utc-day';
import { IdentitySecretRepository } from '../src/store/identity-secret.repository';
import { AccessAction, ResourceType, Visibility } from '../src/domain/resources';

const SAMPLE = path.resolve(__dirname, 'fixtures/counter-processor/counter_2018-05-01.log');
const DAY = 86_400_000;

const cliIo = (env: NodeJS.ProcessEnv): CapturedIo => captureIo({ LOG_LEVEL: 'silent', ...env });
const ioFor = (t: TestGateway) => cliIo(testDbEnv(t.dbName));

const sampleLines = fs.readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
const dois = [...new Set(sampleLines.map((l) => l.split('\t')[6].replace(/^doi:/, '')))];
const datasetIdOf = (doi: string): string => `ds-${doi.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

async function loadCatalog(t: TestGateway): Promise<void> {
  const w = t.gw.services.catalogWriter;
  await w.portals([{ _id: 'dash', name: 'Dash', url: null }]);
  const base = { description: null, licence: null, publisher: null, recordCount: 1, spaceIds: [] as string[], themeIds: [] as string[], collectionIds: [] as string[], ownerId: null, portalId: 'dash', published: true };
  await w.datasets(dois.map((doi) => ({ ...base, _id: datasetIdOf(doi), title: doi, doi: normalizeDoi(doi) /* as upsertDatasets stores it */, visibility: Visibility.PUBLIC })));
}

/**
 * The secrets an import of `lines` keys their closed days with: created here
 * first, the import finds and uses them, then destroys them when it ends
 * (src/logs/log-cli.ts) — so a test keeps a copy to recompute the keys.
 */
async function secretsForImport(t: TestGateway, lines: readonly string[]): Promise<(day: string) => DaySecret> {
  const repo = new IdentitySecretRepository(t.gw.store);
  const days = new Set(secretDaysOf(lines.map((l) => (parseMdcLine(l) as { ok: true; line: { time: Date } }).line.time)));
  const kept = new Map(await Promise.all([...days].map(async (d) => [d, await repo.getOrCreate(d)] as const)));
  return (day) => kept.get(day)!;
}

/** No `id` group: the DOI column names the dataset (docs/formats.md, the mapping file). */
const MAPPING_RULES = {
  rules: [
    { match: '^/stash/dataset/', resourceType: 'DATASET', action: 'VIEW' },
    { match: '^/stash/downloads/', resourceType: 'DATASET', action: 'DOWNLOAD' },
  ],
};

async function exported(t: TestGateway): Promise<Record<string, unknown>[]> {
  const io = ioFor(t);
  expect(await exportEventsCommand({ format: 'jsonl' }, io, connect)).toBe(0);
  return io.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function usageCsv(t: TestGateway, key: string, q: string): Promise<string> {
  const res = await fetch(`${t.baseUrl}/api/reports/usage-table?bom=false&${q}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** A line of the sample with some columns replaced (0-based column → value). */
function withColumns(line: string, cols: Record<number, string>): string {
  const c = line.split('\t');
  for (const [i, v] of Object.entries(cols)) c[+i] = v;
  return c.join('\t');
}

describe('log import fidelity and operator path', () => {
  let a: TestGateway; // imports
  let b: TestGateway; // the same events through trackAccesses
  let adminA: string;
  let adminB: string;
  let sampleSecrets: (day: string) => DaySecret;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-fidelity-'));
  const mapping = path.join(tmp, 'mapping.json');
  const run = (t: TestGateway, files: string[], o: { portal?: string; historical?: boolean; format?: 'auto' | 'mdc' } = {}) => {
    const io = ioFor(t);
    return importLogsCommand(files, { mapping, progress: false, ...o }, io, connect).then((code) => ({ code, io, out: JSON.parse(io.stdout || '{}') as Record<string, number & Record<string, number>> }));
  };

  beforeAll(async () => {
    fs.writeFileSync(mapping, JSON.stringify(MAPPING_RULES));
    [a, b] = await Promise.all([startTestGateway(), startTestGateway()]);
    await Promise.all([loadCatalog(a), loadCatalog(b)]);
    [adminA, adminB] = await Promise.all([a.keyFor('root', 'ADMIN'), b.keyFor('root', 'ADMIN')]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses an archived log by default, naming the setting and the flag; imports it with --historical', async () => {
    const refused = await run(a, [SAMPLE]);
    expect(refused.code).toBe(EXIT_REJECTED);
    expect(refused.out.recorded).toBe(0);
    expect(refused.out.rejectedByCode).toEqual({ INVALID_TIMESTAMP: sampleLines.length });
    expect(refused.io.stderr).toMatch(/older than MAX_EVENT_AGE_DAYS=400 \(use --historical to import archived logs\)/);
    expect(refused.io.stderr).toMatch(/^connected to mongodb:.*, database test_/m);

    sampleSecrets = await secretsForImport(a, sampleLines);
    const imported = await run(a, [SAMPLE], { historical: true });
    expect(imported.io.stderr).not.toMatch(/^error/m);
    expect(imported.code).toBe(0);
    expect(imported.out.recorded).toBe(sampleLines.length);
    expect(imported.io.stderr).toMatch(/^ {2}lines read +\d+/m);
    expect(imported.io.stderr).toMatch(/^ {2} {2}of which robots +[1-9]/m);
  });

  it('maps every column counting uses of a real MDC line to the stored event', async () => {
    // Line 23 of the sample: user cookie and user id; its session column is
    // empty in the sample, so a copy with a session and no user id shows the
    // session and the cookie reaching the identity keys.
    const real = sampleLines.find((l) => l.split('\t')[4] === '39')!;
    const sessionCopy = withColumns(real, { 0: '2018-05-01T00:20:00-07:00', 2: 'sess-42', 4: '-' });
    const download = sampleLines.find((l) => l.split('\t')[8] === '6160384')!;
    const file = path.join(tmp, 'columns.log');
    fs.writeFileSync(file, [sessionCopy].join('\n') + '\n');
    const copySecrets = await secretsForImport(a, [sessionCopy]);
    const r = await run(a, [file], { historical: true });
    expect(r.code).toBe(0);
    expect(r.out.recorded).toBe(1);

    const events = await exported(a);
    const text = JSON.stringify(events);
    for (const raw of [real, sessionCopy, download]) {
      const line = (parseMdcLine(raw) as { ok: true; line: import('../src/logs/combined-log').AccessLogLine }).line;
      const doi = raw.split('\t')[6].replace(/^doi:/, '');
      const e = events.find((x) => x.timestamp === line.time.toISOString() && x.url === line.url)!;
      expect(e).toBeDefined();
      const action = /\/stash\/downloads\//.test(line.url) ? AccessAction.DOWNLOAD : AccessAction.VIEW;
      expect(e).toMatchObject({
        portal: 'dash', // --portal not given: the dataset's portal
        resource_type: 'DATASET',
        resource_id: datasetIdOf(doi), // identifier (DOI column)
        action, // request_url through the mapping
        user_id: line.user, // user_id
        http_status: 200, // the format logs successful accesses
        bytes: line.bytes, // size
        user_agent: line.userAgent, // user_agent
        url: line.url, // request_url
        scope: 'log-import',
      });
      // client_ip, session_cookie_id, user_cookie_id: hashed into the identity keys, never stored.
      const keys = eventKeys(
        { scope: 'log-import', userId: line.user, userCookie: line.userCookie ?? null, sessionId: line.sessionId ?? null, ipAddress: line.ip, userAgent: line.userAgent, timestamp: line.time, resourceType: ResourceType.DATASET, resourceId: datasetIdOf(doi), action, url: line.url },
        `log-import|${String(e.event_id)}`,
        raw === sessionCopy ? copySecrets : sampleSecrets,
      );
      expect({ ck: e.click_key, sk: e.session_key }).toEqual(keys);
      expect(text).not.toContain(line.ip!);
    }
    expect(events.find((x) => x.user_id === '39')).toBeDefined();
    // The keys differ with and without the user id: it is what COUNTER ranks first.
    const fresh = randomBytes(32);
    expect(eventKeys({ scope: 's', userId: '39', userCookie: 'c', sessionId: null, ipAddress: null, userAgent: null, timestamp: new Date(), resourceType: ResourceType.DATASET, resourceId: 'x', action: AccessAction.VIEW, url: null }, 'k', () => fresh).ck).not.toBe(
      eventKeys({ scope: 's', userId: null, userCookie: 'c', sessionId: null, ipAddress: null, userAgent: null, timestamp: new Date(), resourceType: ResourceType.DATASET, resourceId: 'x', action: AccessAction.VIEW, url: null }, 'k', () => fresh).ck,
    );
    // The closed day's secret went with the import: no 2018 secret is left to recompute a key with.
    expect((await new IdentitySecretRepository(a.gw.store).days()).filter((d) => d < '2019')).toEqual([]);
  });

  it('figures of archived days stay after the retention task drops their events', async () => {
    const window = 'since=2018-05-01&until=2018-05-31&granularity=day';
    const before = await usageCsv(a, adminA, window);
    expect(before).toMatch(/^2018-05-01,dash,DATASET,ds-10-7280-d1cd4c,.*,views,regular,[1-9]/m);
    const retentionDays = loadConfig({}).eventLogRetentionDays;
    // What src/maintenance.ts runs hourly.
    const removed = await a.gw.services.eventLog.dropDaysBefore(utcDay(new Date(Date.now() - retentionDays * DAY)));
    expect(removed).toBe(sampleLines.length + 1);
    await a.settle();
    expect(await exported(a)).toEqual([]);
    expect(await usageCsv(a, adminA, window)).toBe(before);
  });

  // A mixed log of recent days: the sample's lines moved to three days ago,
  // and copies with user ids (valid, and one that is no valid id), sessions,
  // cookies, double clicks, robots.
  const base = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 3 * DAY + 3_600_000;
  const t0 = Date.parse('2018-05-01T07:00:00Z');
  const shift = (iso: string, extraMs = 0): string => new Date(base + (Date.parse(iso) - t0) + extraMs).toISOString();
  // Most of the sample is crawlers: the copies are a browser's.
  const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
  const mixed: string[] = [];
  for (const [j, sample] of sampleLines.entries()) {
    const i = j;
    mixed.push(withColumns(sample, { 0: shift(sample.split('\t')[0]) }));
    const l = withColumns(sample, { 9: BROWSER, 1: `10.0.0.${i % 5}` });
    const variant = i % 4;
    if (variant === 0) mixed.push(withColumns(l, { 0: shift(l.split('\t')[0], 10_000), 4: 'ursula' })); // another person
    if (variant === 1) mixed.push(withColumns(l, { 0: shift(l.split('\t')[0], 20_000), 2: `sess-${i % 3}`, 3: 'cookie-z' }));
    if (variant === 2) mixed.push(withColumns(l, { 0: shift(l.split('\t')[0], 40_000), 4: 'user with spaces' }));
    if (variant === 3) mixed.push(withColumns(l, { 0: shift(l.split('\t')[0], 5_000) })); // a double click
  }
  const mixedFile = (): string => {
    const f = path.join(tmp, 'mixed.log');
    if (!fs.existsSync(f)) fs.writeFileSync(f, mixed.join('\n') + '\n');
    return f;
  };

  it('a mixed log imported gives the figures of the same events sent through trackAccesses', async () => {
    const r = await run(a, [mixedFile()], { portal: 'dash' });
    expect(r.io.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.out.recorded).toBe(mixed.length);

    const tracker = await b.keyFor('svc', 'TRACKER');
    const inputs = mixed.map((raw, i) => {
      const line = (parseMdcLine(raw) as { ok: true; line: import('../src/logs/combined-log').AccessLogLine }).line;
      return {
        eventId: `t-${i}`,
        resourceType: 'DATASET',
        resourceId: datasetIdOf(raw.split('\t')[6].replace(/^doi:/, '')),
        action: /\/stash\/downloads\//.test(line.url) ? 'DOWNLOAD' : 'VIEW',
        userId: logUserId(line.user),
        timestamp: line.time.toISOString(),
        userAgent: line.userAgent,
        ipAddress: line.ip,
        sessionId: line.sessionId,
        userCookie: line.userCookie,
        url: line.url,
        httpStatus: 200,
        bytes: line.bytes,
      };
    });
    const res = await b.gql(`mutation T($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded } }`, { inputs }, tracker);
    expect(res.errors).toBeUndefined();
    await Promise.all([a.settle(), b.settle()]);

    const recent = `granularity=day&since=${utcDay(new Date(base))}`;
    const [ta, tb] = await Promise.all([usageCsv(a, adminA, recent), usageCsv(b, adminB, recent)]);
    expect(ta).toBe(tb);
    expect(ta.trim().split('\r\n').length).toBeGreaterThan(20);
    expect(ta).toMatch(/,downloads,regular,/);
    expect(ta).toMatch(/,unique_requests,regular,/);
    // Since the mixed log's first day (gateway a also holds the 2018 figures).
    const USER = `query U($id: ID!, $since: String) { user(id: $id) { stats(since: $since) { views downloads apiCalls datasets } } }`;
    for (const id of ['39', 'ursula', logUserId('user with spaces')!]) {
      const [ua, ub] = await Promise.all([a.gql(USER, { id, since: utcDay(new Date(base)) }, adminA), b.gql(USER, { id, since: utcDay(new Date(base)) }, adminB)]);
      expect(ua.errors).toBeUndefined();
      expect(ua.data).toEqual(ub.data);
      expect((ua.data as { user: { stats: { views: number } } }).user.stats.views).toBeGreaterThan(0);
    }
  });

  it('re-importing is a duplicate whatever the flags; a changed line is a conflict', async () => {
    const before = await usageCsv(a, adminA, 'granularity=day');
    for (const flags of [{}, { portal: 'dash' }, { format: 'mdc' as const }, { historical: true }]) {
      const r = await run(a, [mixedFile()], flags);
      expect(r.code).toBe(0);
      expect(r.out).toMatchObject({ recorded: 0, duplicates: mixed.length, conflicts: 0 });
    }
    // The same file under another name, and one line with other bytes.
    const i = mixed.findIndex((l) => l.split('\t')[8] !== '-');
    const changed = mixed.map((l, j) => (j === i ? withColumns(l, { 8: '999' }) : l));
    const f = path.join(tmp, 'mixed-edited.log');
    fs.writeFileSync(f, changed.join('\n') + '\n');
    const r = await run(a, [f]);
    expect(r.code).toBe(EXIT_REJECTED);
    expect(r.out).toMatchObject({ recorded: 0, duplicates: mixed.length - 1, conflicts: 1, rejectedByCode: { EVENT_ID_CONFLICT: 1 } });
    expect(r.io.stderr).toMatch(/EVENT_ID_CONFLICT/);
    await a.settle();
    expect(await usageCsv(a, adminA, 'granularity=day')).toBe(before);
  });

  it('refuses an unknown --portal before importing anything', async () => {
    const count = (await exported(a)).length;
    const r = await run(a, [mixedFile()], { portal: 'nope' });
    expect(r.code).toBe(EXIT_FAILED);
    expect(r.io.stderr).toMatch(/^error: unknown portal "nope" \(--portal takes a portal id of the catalog: dash\); nothing imported$/m);
    expect(r.io.stdout).toBe('');
    expect((await exported(a)).length).toBe(count);
  });

  it('never creates a database it was not asked to: a DATA_DIR without one is an error', async () => {
    const dataDir = path.join(tmp, 'no-such-data-dir');
    const io = cliIo({ DATA_DIR: dataDir });
    expect(await exportEventsCommand({}, io, connect)).toBe(EXIT_FAILED);
    expect(io.stderr).toMatch(/^error: no database in DATA_DIR=.*no-such-data-dir \(no ferretdb directory there\)/m);
    expect(io.stderr).not.toMatch(/exported/);
    const imp = cliIo({ DATA_DIR: dataDir });
    expect(await importLogsCommand([mixedFile()], { mapping, progress: false }, imp, connect)).toBe(EXIT_FAILED);
    expect(imp.stderr).toMatch(/or pass --create to start an empty one/);
    expect(fs.existsSync(path.join(dataDir, 'ferretdb'))).toBe(false);
  });
});
