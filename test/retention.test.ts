/**
 * Less kept, for less time (issue 19, item 2), end to end: real gateways on
 * the embedded database, restarted with a shorter retention or identity-key
 * window as an operator would. The maintenance pass each gateway runs at
 * start (then hourly) does the work; `/metrics` says when it is done.
 *
 * - Events past EVENT_LOG_RETENTION_DAYS are gone; the figures stay, also
 *   after a recount and a rebuild.
 * - After the identity-key window the stored user agents are gone (unless
 *   KEEP_USER_AGENT); the class decided while they were known is kept, by
 *   recounts and by `refresh-rules` under new patterns.
 * - URLs are stored without their query string; double clicks are judged
 *   on the full URL as before.
 * - An import into a day already past the window is reduced at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '../src/cli';
import { captureIo, testDbEnv, type CapturedIo } from './support/cli-io';
import { importEventsCommand } from '../src/events/event-cli';
import { eventJson } from '../src/events/event-rows';
import type { LoggedEvent } from '../src/domain/logged-event';
import { AccessAction, ResourceType } from '../src/domain/resources';
import { QuarantineRepository } from '../src/store/quarantine.repository';
import { refreshRulesCommand } from '../src/cli-rules';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

const TRACK = `mutation T($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded results { status error { code message } } } }`;
const DAY_MS = 86_400_000;
const OLD_DAY = new Date(Date.now() - 10 * DAY_MS).toISOString().slice(0, 10);
const RECENT_DAY = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
const FIGURES = `query F($from: DateTime!, $to: DateTime!) {
  dataset(id: "d-pub") {
    stats { views downloads uniqueInvestigations robotEvents doubleClicks machine { totalInvestigations } }
    usage(from: $from, to: $to, granularity: DAY) { points { period views downloads } }
  }
  file(id: "f1") { stats { downloads doubleClicks } }
}`;
/** Regular under the shipped lists; a robot once the operator adds its name. */
const HARVESTER = 'Mozilla/5.0 (X11; Linux x86_64) QuillReader/2.0';
const ROBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const MACHINE = 'curl/8.4.0';
const METRICS_TOKEN = 'retention-metrics';

let n = 0;
function view(day: string, hms: string, userAgent: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  return { resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: `ret-${n}`, userCookie: `visitor-${n}`, userAgent, timestamp: `${day}T${hms}Z`, ...extra };
}

async function send(t: TestGateway, key: string, inputs: Record<string, unknown>[]): Promise<void> {
  const r = await t.gql<{ trackAccesses: { recorded: number; results: unknown[] } }>(TRACK, { inputs }, key);
  expect(r.errors).toBeUndefined();
  expect(r.data!.trackAccesses).toMatchObject({ recorded: inputs.length });
}

async function figures(t: TestGateway, admin: string): Promise<unknown> {
  const r = await t.gql(FIGURES, { from: `${OLD_DAY}T00:00:00Z`, to: `${RECENT_DAY}T23:59:59Z` }, admin);
  expect(r.errors).toBeUndefined();
  return r.data;
}

async function metrics(t: TestGateway): Promise<string> {
  const res = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

function metric(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** Waits (polling /metrics) until the gateway's maintenance pass has done what `done` looks for. */
async function untilMetrics(t: TestGateway, done: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const text = await metrics(t);
    if (done(text)) return text;
    if (Date.now() > deadline) throw new Error(`maintenance did not finish; /metrics:\n${text.split('\n').filter((l) => /retention|user_agent|oldest/.test(l)).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const daySeconds = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;

describe('retention', () => {
  it('drops events past EVENT_LOG_RETENTION_DAYS on its own; the figures stay, and /metrics shows it', async () => {
    const a = await startTestGateway({ env: { METRICS_TOKEN, EVENT_LOG_RETENTION_DAYS: '30', MAX_EVENT_AGE_DAYS: '40' } });
    let b: TestGateway | null = null;
    try {
      await loadSmallCatalog(a);
      const tracker = await a.keyFor('ret-tracker', 'TRACKER');
      const admin = await a.keyFor('ret-admin', 'ADMIN');
      await send(a, tracker, [
        view(OLD_DAY, '10:00:00', BROWSER_UA, { eventId: 'ret-old-1' }),
        view(OLD_DAY, '10:05:00', BROWSER_UA, { eventId: 'ret-old-2' }),
        { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'ret-dl', userCookie: 'dl', userAgent: BROWSER_UA, timestamp: `${OLD_DAY}T11:00:00Z` },
        view(RECENT_DAY, '09:00:00', BROWSER_UA, { eventId: 'ret-recent' }),
      ]);
      const before = await figures(a, admin);
      expect(before).toMatchObject({ dataset: { stats: { views: 3, downloads: 1 } }, file: { stats: { downloads: 1 } } });
      expect(await a.gw.services.eventLog.days()).toEqual([OLD_DAY, RECENT_DAY]);
      // Quarantine records copy their events: one of an event about to be
      // dropped, one of an event kept.
      const record = (eventKey: string, at: Date) => ({ _id: `~x|${eventKey}`, eventKey, code: 'BAD_USER_INPUT', reason: 'test', at, raw: '{}' });
      const [oldEvent, keptEvent] = ['ret-old-1', 'ret-recent'].map((id) => `ret-tracker|${id}`);
      await new QuarantineRepository(a.gw.store).add([record(oldEvent, new Date(Date.now() - 10 * DAY_MS)), record(keptEvent, new Date())]);
      await a.gw.stop();

      // The operator shortens the retention to 5 days and restarts.
      b = await startTestGateway({ dbName: a.dbName, env: { METRICS_TOKEN, EVENT_LOG_RETENTION_DAYS: '5', MAX_EVENT_AGE_DAYS: '40' } });
      const text = await untilMetrics(b, (m) => (metric(m, 'usage_gateway_retention_last_success_seconds') ?? 0) > 0);
      expect(metric(text, 'usage_gateway_retention_dropped_events_total')).toBe(3);
      expect(metric(text, 'usage_gateway_retention_dropped_quarantine_records_total')).toBe(1);
      expect((await new QuarantineRepository(b.gw.store).list(10)).map((r) => r.eventKey)).toEqual([keptEvent]);
      expect(metric(text, 'usage_gateway_event_log_oldest_day_seconds')).toBe(daySeconds(RECENT_DAY));
      expect(metric(text, 'usage_gateway_maintenance_failures_total')).toBeNull();

      expect(await b.gw.services.eventLog.days()).toEqual([RECENT_DAY]);
      expect(await b.eventCount()).toBe(1);
      expect(await b.gw.store.eventLog.countDocuments({ _id: { $gte: `~i|${OLD_DAY}|`, $lt: `~i|${OLD_DAY}}` } })).toBe(0);
      expect(await figures(b, admin)).toEqual(before);

      // Neither a recount nor a rebuild from what is left takes them back.
      await b.gw.services.aggregator.recount();
      expect(await figures(b, admin)).toEqual(before);
      await b.gw.services.aggregator.rebuildAll();
      expect(await figures(b, admin)).toEqual(before);
    } finally {
      if (b) await b.stop();
      else await a.stop();
    }
  });
});

describe('user agents after the identity-key window, and URLs', () => {
  let a: TestGateway;
  let admin: string;
  const later: TestGateway[] = [];

  beforeAll(async () => {
    a = await startTestGateway({ env: { METRICS_TOKEN, MAX_EVENT_AGE_DAYS: '40' } });
    await loadSmallCatalog(a);
    admin = await a.keyFor('ua-admin', 'ADMIN');
  });
  afterAll(async () => {
    // The last gateway running drops the test database.
    const all = [a, ...later];
    for (const t of all.slice(0, -1)) await t.gw.stop();
    await all[all.length - 1].stop();
  });

  const stored = async (t: TestGateway, eventId: string) => t.gw.store.eventLog.findOne({ _id: `ua-tracker|${eventId}` });

  it('stores URLs without their query string; double clicks are judged on the full URL', async () => {
    const tracker = await a.keyFor('ua-tracker', 'TRACKER');
    const base = 'https://portal.example.org/d/d-pub/files/f1/download';
    const dl = (eventId: string, s: string, query: string) => ({
      resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId, ipAddress: '192.0.2.7', userAgent: BROWSER_UA,
      timestamp: `${RECENT_DAY}T12:00:${s}Z`, url: `${base}${query}`,
    });
    await send(a, tracker, [
      dl('url-1', '00', '?token=s3cret&email=ann%40example.org'),
      dl('url-2', '05', '?token=s3cret&email=ann%40example.org'), // the same URL within 30 s: a double click
      dl('url-3', '10', '?part=2'), // another URL: another request
      dl('url-4', '15', '#section'),
    ]);
    for (const id of ['url-1', 'url-2', 'url-3', 'url-4']) expect((await stored(a, id))?.url).toBe(base);
    const f = (await figures(a, admin)) as { file: { stats: { downloads: number; doubleClicks: number } } };
    expect(f.file.stats).toEqual({ downloads: 3, doubleClicks: 1 });
    // A recount uses the stored keys, made from the full URLs.
    await a.gw.services.aggregator.recount();
    expect(((await figures(a, admin)) as typeof f).file.stats).toEqual({ downloads: 3, doubleClicks: 1 });
  });

  it('after the window, keeps only the class of each agent; recounts and refresh-rules keep it', async () => {
    const tracker = await a.keyFor('ua-tracker', 'TRACKER');
    await send(a, tracker, [
      view(OLD_DAY, '10:00:00', HARVESTER, { eventId: 'old-h1' }),
      view(OLD_DAY, '10:01:00', HARVESTER, { eventId: 'old-h2' }),
      view(OLD_DAY, '10:02:00', ROBOT, { eventId: 'old-robot' }),
      view(OLD_DAY, '10:03:00', MACHINE, { eventId: 'old-machine' }),
      view(OLD_DAY, '10:04:00', BROWSER_UA, { eventId: 'old-automated', accessMethod: 'MACHINE' }),
      view(RECENT_DAY, '10:00:00', HARVESTER, { eventId: 'recent-h' }),
    ]);
    const before = await figures(a, admin);
    expect(before).toMatchObject({ dataset: { stats: { views: 3, robotEvents: 1, machine: { totalInvestigations: 2 } } } });
    expect((await stored(a, 'old-h1'))?.userAgent).toBe(HARVESTER);
    await a.gw.stop();

    // KEEP_USER_AGENT=true: a window of 5 days reduces nothing.
    const kept = await startTestGateway({ dbName: a.dbName, env: { METRICS_TOKEN, MAX_EVENT_AGE_DAYS: '40', IDENTITY_KEY_DAYS: '5', KEEP_USER_AGENT: 'true' } });
    later.push(kept);
    const keptText = await untilMetrics(kept, (m) => (metric(m, 'usage_gateway_user_agent_reduction_last_success_seconds') ?? 0) > 0);
    expect(metric(keptText, 'usage_gateway_user_agents_reduced_total')).toBe(0);
    expect((await stored(kept, 'old-h1'))?.userAgent).toBe(HARVESTER);
    await kept.gw.stop();

    // The default: the old day's agents go; the recent day's stay.
    const b = await startTestGateway({ dbName: a.dbName, env: { METRICS_TOKEN, MAX_EVENT_AGE_DAYS: '40', IDENTITY_KEY_DAYS: '5' } });
    later.push(b);
    const text = await untilMetrics(b, (m) => metric(m, 'usage_gateway_user_agents_reduced_through_day_seconds') === daySeconds(OLD_DAY));
    expect(metric(text, 'usage_gateway_user_agents_reduced_total')).toBe(5);
    const classes: Record<string, string> = { 'old-h1': 'regular', 'old-h2': 'regular', 'old-robot': 'robot', 'old-machine': 'machine', 'old-automated': 'machine' };
    for (const [id, trafficClass] of Object.entries(classes)) {
      const e = await stored(b, id);
      expect(e).toMatchObject({ trafficClass, uaRules: 1 });
      expect(e).not.toHaveProperty('userAgent');
    }
    expect(await stored(b, 'recent-h')).toMatchObject({ userAgent: HARVESTER });
    expect(await stored(b, 'recent-h')).not.toHaveProperty('uaRules');
    expect(await figures(b, admin)).toEqual(before);
    await b.gw.services.aggregator.recount();
    expect(await figures(b, admin)).toEqual(before);

    // New patterns make the harvester a robot: only where its agent is still known.
    const io = cliIo(a.dbName, { ROBOT_PATTERNS: 'QuillReader' });
    expect(await refreshRulesCommand({}, io, connect)).toBe(0);
    expect(io.stderr).toMatch(/version 2 published/);
    const after = (await figures(b, admin)) as { dataset: { stats: Record<string, unknown>; usage: { points: { period: string; views: number }[] } } };
    expect(after.dataset.stats).toMatchObject({ views: 2, robotEvents: 2, machine: { totalInvestigations: 2 } });
    const views = Object.fromEntries(after.dataset.usage.points.map((p) => [p.period, p.views]));
    expect(views[OLD_DAY]).toBe(2);
    expect(views[RECENT_DAY]).toBe(0);
    await b.gw.services.aggregator.rebuildAll();
    expect(await figures(b, admin)).toEqual(after);
  });
});

describe('an import into a day past the identity-key window', () => {
  it('import-events stores its events with their class only, and URLs without query', async () => {
    const env = { MAX_EVENT_AGE_DAYS: '40', IDENTITY_KEY_DAYS: '5' };
    const t = await startTestGateway({ env });
    const dir = mkdtempSync(path.join(tmpdir(), 'ua-import-'));
    try {
      await loadSmallCatalog(t);
      const admin = await t.keyFor('imp-admin', 'ADMIN');
      const event = (eventId: string, userAgent: string, trafficClass: LoggedEvent['trafficClass'], minute: string): LoggedEvent => ({
        _id: `archive|${eventId}`, scope: 'archive', eventId, t: new Date(`${OLD_DAY}T08:${minute}:00.000Z`), day: OLD_DAY, h: `h-${eventId}`,
        portalId: 'p1', resourceType: ResourceType.DATASET, resourceId: 'd-pub', action: AccessAction.VIEW, datasetIds: [], userId: null,
        automated: false, trafficClass, httpStatus: null, bytes: null, country: null, userAgent, url: 'https://portal.example.org/d/d-pub?from=newsletter',
        ck: `k:${eventId}`, sk: `s:${eventId}`, receivedAt: new Date(),
      });
      const file = path.join(dir, 'events.jsonl');
      writeFileSync(file, [event('imp-browser', BROWSER_UA, 'regular', '00'), event('imp-robot', ROBOT, 'robot', '05')].map((e) => JSON.stringify(eventJson(e))).join('\n'));
      const io = cliIo(t.dbName, env);
      expect(await importEventsCommand([file], io, connect)).toBe(0);
      expect(io.stderr).toMatch(/user agents: 2 events of days past the identity-key window kept their class only/);
      for (const [id, trafficClass] of [['imp-browser', 'regular'], ['imp-robot', 'robot']]) {
        const e = await t.gw.store.eventLog.findOne({ _id: `archive|${id}` });
        expect(e).toMatchObject({ trafficClass, uaRules: 1, url: 'https://portal.example.org/d/d-pub' });
        expect(e).not.toHaveProperty('userAgent');
      }
      const f = (await figures(t, admin)) as { dataset: { stats: Record<string, unknown> } };
      expect(f.dataset.stats).toMatchObject({ views: 1, robotEvents: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await t.stop();
    }
  });
});

const cliIo = (dbName: string, env: Record<string, string> = {}): CapturedIo => captureIo({ ...testDbEnv(dbName), ...env });
