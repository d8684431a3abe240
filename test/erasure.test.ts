/**
 * Issue 19, item 3: erasure and access requests against the real gateway
 * and database. `forget` removes exactly one end user's events (by user id
 * of one sender, or by user cookie), keeps the event log consistent, and
 * leaves figures equal to a rebuild of a log that never had those events;
 * `export` gives every stored field; both are ADMIN-only mutations too, and
 * every request leaves an audit record that names no one.
 */
import { connect, recountCommand } from '../src/cli';
import { captureIo, testDbEnv, type CapturedIo } from './support/cli-io';
import { exportCommand, forgetCommand } from '../src/privacy/privacy-cli';
import type { Document } from 'mongodb';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

const DAY_MS = 86_400_000;
const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
/** Two and one days ago (UTC midnights). */
const D1 = today - 2 * DAY_MS;
const D2 = today - DAY_MS;
const at = (dayStart: number, hh: number, mm = 0, ss = 0) => new Date(dayStart + ((hh * 60 + mm) * 60 + ss) * 1000).toISOString();

interface Ev {
  sender: 'portal-a' | 'portal-b';
  input: Record<string, unknown>;
}

let n = 0;
function ev(sender: Ev['sender'], resourceType: string, resourceId: string, action: string, timestamp: string, who: Record<string, unknown>): Ev {
  return { sender, input: { eventId: `ev-${n++}`, resourceType, resourceId, action, timestamp, userAgent: BROWSER_UA, ...who } };
}

const R1A = { userId: 'reader-1' };
const COOKIE = 'ck-7f3a9c';
/** reader-1 of portal-a: a double click, a file, one event in D2's first 30 s (indexed under D1 too), an API call. */
const READER1_A = [
  ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D1, 10), R1A),
  ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D1, 10, 0, 5), R1A),
  ev('portal-a', 'FILE', 'f1', 'DOWNLOAD', at(D1, 11), R1A),
  ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D2, 0, 0, 10), R1A),
  ev('portal-a', 'DATASET', 'd-priv', 'API_CALL', at(D2, 9), R1A),
];
/** The cookie visitor of portal-a (no user id). */
const COOKIE_A = [
  ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D1, 13), { userCookie: COOKIE, url: 'https://p1.example/d-pub?tab=info' }),
  ev('portal-a', 'FILE', 'f3', 'DOWNLOAD', at(D2, 13), { userCookie: COOKIE, sessionId: 'sess-1' }),
];
const OTHERS = [
  ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D1, 10, 0, 2), { userId: 'reader-2' }),
  ev('portal-a', 'FILE', 'f3', 'DOWNLOAD', at(D2, 12), { userId: 'reader-2' }),
  ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D1, 23, 59, 50), { ipAddress: '192.0.2.5' }),
  ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D2, 0, 0, 15), { ipAddress: '192.0.2.5' }),
  // portal-b's own "reader-1" and the same cookie value: other people.
  ev('portal-b', 'DATASET', 'd-pub', 'VIEW', at(D1, 10), { userId: 'reader-1' }),
  ev('portal-b', 'FILE', 'f1', 'DOWNLOAD', at(D2, 10), { userId: 'reader-1' }),
  ev('portal-b', 'DATASET', 'd-pub', 'VIEW', at(D2, 15), { userCookie: COOKIE }),
];

const TRACK = `mutation($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected results { error { code message } } } }`;

async function feed(t: TestGateway, events: readonly Ev[]): Promise<void> {
  const keys = { 'portal-a': await t.keyFor('portal-a', 'TRACKER'), 'portal-b': await t.keyFor('portal-b', 'TRACKER') };
  for (const sender of ['portal-a', 'portal-b'] as const) {
    const inputs = events.filter((e) => e.sender === sender).map((e) => e.input);
    const r = await t.gql<{ trackAccesses: { recorded: number; rejected: number; results: unknown[] } }>(TRACK, { inputs }, keys[sender]);
    expect(r.errors).toBeUndefined();
    expect(r.data!.trackAccesses).toMatchObject({ recorded: inputs.length, rejected: 0 });
  }
  await t.settle();
}

/** Every derived figure, as stored (without the journal's step marks). */
async function figures(t: TestGateway): Promise<Record<string, Document[]>> {
  const out: Record<string, Document[]> = {};
  for (const name of ['usage_daily', 'usage_by_user_daily', 'usage_totals', 'usage_by_user']) {
    const docs = await t.gw.store.db.collection(name).find({}, { projection: { batches: 0 } }).sort({ _id: 1 }).toArray();
    out[name] = docs.map((d) => JSON.parse(JSON.stringify(d)) as Document);
  }
  return out;
}

async function eventIds(t: TestGateway): Promise<string[]> {
  return (await t.gw.store.eventLog.find({ _id: { $lt: '~' } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id).sort();
}

/** A gateway whose log never had `without`, its figures rebuilt from it. */
async function rebuiltWithout(without: readonly Ev[]): Promise<TestGateway> {
  const t = await startTestGateway();
  await loadSmallCatalog(t);
  await feed(t, [...READER1_A, ...COOKIE_A, ...OTHERS].filter((e) => !without.includes(e)));
  await t.gw.services.aggregator.rebuildAll();
  return t;
}

/** The CLI as the data protection officer `dpo-test` runs it on the test database. */
const cliIo = (dbName: string): CapturedIo => captureIo({ ...testDbEnv(dbName), USER: 'dpo-test' });

const FORGET = `mutation($input: EndUserInput!, $dryRun: Boolean) {
  forgetEndUser(input: $input, dryRun: $dryRun) { receipt dryRun sender events perDay { day events } daysRecounted resources { resourceType resourceId changes { counter before after } } userFiguresRemoved cookieLinkableFrom }
}`;
const EXPORT = `mutation($input: EndUserInput!) { exportEndUserEvents(input: $input) { receipt count events cookieLinkableFrom } }`;

describe('erasure and access requests: one end user\'s events exported or forgotten, by an admin, audited', () => {
  let a: TestGateway;
  const keys: Record<string, string> = {};
  const others: TestGateway[] = [];

  beforeAll(async () => {
    a = await startTestGateway();
    await loadSmallCatalog(a);
    await feed(a, [...READER1_A, ...COOKIE_A, ...OTHERS]);
    keys.ADMIN = await a.keyFor('dpo-admin', 'ADMIN');
    keys.USER = await a.keyFor('alice', 'USER');
    keys.TRACKER = await a.keyFor('portal-a', 'TRACKER');
  });
  afterAll(async () => {
    for (const t of [a, ...others]) await t?.stop();
  });

  it('refuses requests that do not name the person and the sender (exit code 2, clear message)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ sender: 'portal-a' }, /name the end user: --user <id>, --cookie <value>/],
      [{ user: 'reader-1' }, /name the sender .*--sender <id>.*or pass --all-senders/],
      [{ user: 'reader-1', sender: 'portal-a', allSenders: true }, /--sender and --all-senders exclude each other/],
      [{ user: 'reader-1', sender: 'nobody-such' }, /unknown sender "nobody-such"/],
      [{ user: 'reader|1', sender: 'portal-a' }, /user id "reader\|1" cannot be stored/],
      [{ cookie: '   ', sender: 'portal-a' }, /the user cookie is empty/],
    ];
    for (const [o, message] of cases) {
      for (const command of [forgetCommand, exportCommand]) {
        const io = cliIo(a.dbName);
        expect(await command(o, io, connect)).toBe(2);
        expect(io.stderr).toMatch(message);
        expect(io.stdout).toBe('');
      }
    }
    expect(await eventIds(a)).toHaveLength(READER1_A.length + COOKIE_A.length + OTHERS.length);
  });

  it('is ADMIN only: UNAUTHENTICATED without a key, FORBIDDEN for TRACKER and USER', async () => {
    const input = { userId: 'reader-1', sender: 'portal-a' };
    for (const op of [FORGET, EXPORT]) {
      expect((await a.gql(op, { input }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      for (const role of ['TRACKER', 'USER']) {
        const r = await a.gql(op, { input }, keys[role]);
        expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    }
    expect(await eventIds(a)).toHaveLength(READER1_A.length + COOKIE_A.length + OTHERS.length);
    // Bad input through GraphQL: a stable code.
    const unknown = await a.gql(FORGET, { input: { userId: 'reader-1', sender: 'nobody-such' } }, keys.ADMIN);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('UNKNOWN_USER');
    const noSender = await a.gql(FORGET, { input: { userId: 'reader-1' } }, keys.ADMIN);
    expect(noSender.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('export gives every stored field of one sender\'s end user, and only theirs', async () => {
    const io = cliIo(a.dbName);
    expect(await exportCommand({ user: 'reader-1', sender: 'portal-a' }, io, connect)).toBe(0);
    const lines = io.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.eventId)).toEqual(READER1_A.map((e) => e.input.eventId));
    const stored = (await a.gw.services.eventLog.events([`portal-a|${READER1_A[0].input.eventId as string}`]))[0];
    expect(Object.keys(lines[0]).sort()).toEqual(Object.keys(stored).sort());
    expect(lines[0]).toMatchObject({ _id: `portal-a|${READER1_A[0].input.eventId as string}`, scope: 'portal-a', userId: 'reader-1', resourceId: 'd-pub', userAgent: BROWSER_UA });
    expect(typeof lines[0].ck).toBe('string');
    expect(io.stderr).toMatch(/exported 5 events \(receipt pr_[\w-]+\)/);

    const all = await a.gql<{ exportEndUserEvents: { count: number; events: Record<string, unknown>[] } }>(EXPORT, { input: { userId: 'reader-1', allSenders: true } }, keys.ADMIN);
    expect(all.errors).toBeUndefined();
    expect(all.data!.exportEndUserEvents.count).toBe(7);
    expect(new Set(all.data!.exportEndUserEvents.events.map((e) => e.scope))).toEqual(new Set(['portal-a', 'portal-b']));
  });

  it('forget --user removes exactly that end user\'s events; the figures equal a rebuild of a log that never had them', async () => {
    const b = await rebuiltWithout(READER1_A);
    others.push(b);
    const dry = cliIo(a.dbName);
    expect(await forgetCommand({ user: 'reader-1', sender: 'portal-a', dryRun: true }, dry, connect)).toBe(0);
    expect(dry.stdout).toMatch(/would remove 5 events/);
    expect(await eventIds(a)).toHaveLength(READER1_A.length + COOKIE_A.length + OTHERS.length);

    const io = cliIo(a.dbName);
    expect(await forgetCommand({ user: 'reader-1', sender: 'portal-a' }, io, connect)).toBe(0);
    const d1 = new Date(D1).toISOString().slice(0, 10);
    const d2 = new Date(D2).toISOString().slice(0, 10);
    expect(io.stdout).toContain(`removed 5 events of this end user of sender "portal-a"`);
    expect(io.stdout).toContain(`  ${d1}: 3\n  ${d2}: 2\n`);
    expect(io.stdout).toContain(`recounted 2 days: ${d1} ${d2}`);
    expect(io.stdout).toMatch(/DATASET d-pub: views 8 → 6/);
    expect(io.stdout).toMatch(/DATASET d-priv: .*apiCalls 1 → 0/);
    // reader-1's per-user figures merge senders: portal-b's reader-1 keeps d-pub and f1; d-priv had only portal-a's.
    expect(io.stdout).toMatch(/per-user figures removed: 1\n/);

    expect(await eventIds(a)).toEqual(await eventIds(b));
    expect(await figures(a)).toEqual(await figures(b));
    // No day index names a removed event.
    const indexes = await a.gw.store.eventLog.find({ _id: { $gte: '~i|', $lt: '~i}' } }).toArray();
    const listed = new Set(indexes.flatMap((i) => i.keys as string[]));
    for (const e of READER1_A) expect(listed.has(`portal-a|${e.input.eventId as string}`)).toBe(false);
    // The log stays consistent: a full recount (and new events) change nothing unexpected.
    expect(await recountCommand({}, cliIo(a.dbName))).toBe(0);
    expect(await figures(a)).toEqual(await figures(b));
    expect(await a.gw.services.quarantine.count()).toBe(0);
  });

  it('forget by cookie (GraphQL) matches through the keys while the day secrets exist, and only for that sender', async () => {
    const c = await rebuiltWithout([...READER1_A, ...COOKIE_A]);
    others.push(c);
    const input = { cookie: COOKIE, sender: 'portal-a' };
    const dry = await a.gql<{ forgetEndUser: Record<string, unknown> }>(FORGET, { input, dryRun: true }, keys.ADMIN);
    expect(dry.errors).toBeUndefined();
    expect(dry.data!.forgetEndUser).toMatchObject({ dryRun: true, events: 2, daysRecounted: [] });

    const r = await a.gql<{ forgetEndUser: { events: number; cookieLinkableFrom: string | null; resources: { resourceId: string; changes: { counter: string }[] }[] } }>(FORGET, { input }, keys.ADMIN);
    expect(r.errors).toBeUndefined();
    expect(r.data!.forgetEndUser.events).toBe(2);
    expect(r.data!.forgetEndUser.resources.map((x) => x.resourceId).sort()).toEqual(['d-draft', 'd-pub', 'f3']);
    expect(await eventIds(a)).toEqual(await eventIds(c));
    expect(await figures(a)).toEqual(await figures(c));
  });

  it('audits every request without naming the person', async () => {
    const audit = await a.gw.store.db.collection('privacy_audit').find({}).sort({ at: 1 }).toArray();
    // export (CLI), export (GraphQL), forget dry run + forget (CLI), dry run + forget (GraphQL)
    expect(audit.map((d) => [d.action, d.via])).toEqual([
      ['export', 'cli'],
      ['export', 'graphql'],
      ['forget-dry-run', 'cli'],
      ['forget', 'cli'],
      ['forget-dry-run', 'graphql'],
      ['forget', 'graphql'],
    ]);
    expect(audit[3]).toMatchObject({ by: 'cli:dpo-test', sender: 'portal-a', identifiers: ['userId'], status: 'done', events: 5, daysRecounted: 2 });
    expect(audit[5]).toMatchObject({ by: 'dpo-admin', sender: 'portal-a', identifiers: ['cookie'], status: 'done', events: 2 });
    const text = JSON.stringify(audit);
    expect(text).not.toContain('reader-1');
    expect(text).not.toContain(COOKIE);

    // Admins read the trail through GraphQL, newest first; nobody else.
    const TRAIL = '{ privacyAudit(last: 2) { receipt action via status events identifiers } }';
    const trail = await a.gql<{ privacyAudit: Record<string, unknown>[] }>(TRAIL, {}, keys.ADMIN);
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.privacyAudit).toEqual([
      { receipt: audit[5]._id, action: 'forget', via: 'graphql', status: 'done', events: 2, identifiers: ['cookie'] },
      { receipt: audit[4]._id, action: 'forget-dry-run', via: 'graphql', status: 'done', events: 2, identifiers: ['cookie'] },
    ]);
    expect((await a.gql(TRAIL, {}, keys.USER)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('forgets events acknowledged a moment ago (perhaps still queued, held in the gateway\'s memory), and they end up counted nowhere', async () => {
    const before = await figures(a);
    const inputs = [
      ev('portal-a', 'DATASET', 'd-pub', 'VIEW', at(D2, 16), { userId: 'reader-9' }).input,
      ev('portal-a', 'FILE', 'f1', 'DOWNLOAD', at(D2, 16, 5), { userId: 'reader-9' }).input,
    ];
    const r = await a.gql<{ trackAccesses: { recorded: number } }>(TRACK, { inputs }, keys.TRACKER);
    expect(r.data!.trackAccesses.recorded).toBe(2);
    // No settling: the CLI (another process, in effect) removes them at once.
    const io = cliIo(a.dbName);
    expect(await forgetCommand({ user: 'reader-9', sender: 'portal-a' }, io, connect)).toBe(0);
    expect(io.stdout).toContain('removed 2 events');
    await a.settle();
    expect(await a.gw.store.eventLog.countDocuments({ userId: 'reader-9' })).toBe(0);
    expect(await figures(a)).toEqual(before);
  });
});
