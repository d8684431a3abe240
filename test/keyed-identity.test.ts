/**
 * Keyed identity keys end to end (issue 19 item 1), through real HTTP and
 * the real database: two instances share each day's secret through the
 * database; a double click split across them, or across midnight, is still
 * one; the figures equal those of the unkeyed keys, live, recounted and
 * rebuilt; events older than IDENTITY_KEY_DAYS are refused; a day's secret
 * is destroyed after the window, and the stored keys can no longer be
 * recomputed.
 */
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';
import { recountCommand } from '../src/cli';
import { eventKeys, unkeyedEventKeys, type EventKeyInput } from '../src/counting/identity';
import { destroyExpiredSecrets } from '../src/ingest/secret-expiry';
import { firstKeptSecretDay } from '../src/ingest/day-secrets';
import { IdentitySecretRepository } from '../src/store/identity-secret.repository';
import { usageSnapshot } from './support/usage-snapshot';

const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) {
  trackAccesses(inputs: $inputs) { recorded rejected results { index status error { code message } } }
}`;

const DAY_MS = 86_400_000;
const KEY_DAYS = 3;
const dayOf = (ago: number): string => new Date(Date.now() - ago * DAY_MS).toISOString().slice(0, 10);
/** Yesterday and the day before: both inside the 3-day window whenever the suite runs. */
const DAY = dayOf(1);
const PREV = dayOf(2);
const SCOPE = 'svc-portal';

type Input = { eventId: string; timestamp: string; resourceType: string; resourceId: string; action: string; userId?: string; userCookie?: string; sessionId?: string; ipAddress?: string; userAgent?: string };

/** What the event would have stored before keyed hashing: unkeyed SHA-256, no `ckp` (identity.ts). */
function legacyKeys(i: Input): { ck: string; sk: string } {
  const { ck, sk } = unkeyedEventKeys(keyInput(i), `${SCOPE}|${i.eventId}`);
  return { ck, sk };
}

function keyInput(i: Input): EventKeyInput {
  return { ...i, timestamp: new Date(i.timestamp), scope: SCOPE };
}

describe('keyed identity keys, two instances on one database', () => {
  let a: TestGateway;
  let b: TestGateway;
  let tracker: string;
  const env = { IDENTITY_KEY_DAYS: String(KEY_DAYS) };
  const sent: Input[] = [];

  beforeAll(async () => {
    a = await startTestGateway({ env });
    // An expired secret found at start is destroyed by the second instance's first pass.
    await a.gw.store.db.collection('identity_secrets').insertOne({ _id: '2020-01-01' as never, secret: 'x', createdAt: new Date() });
    b = await startTestGateway({ env, dbName: a.dbName });
    await loadSmallCatalog(a);
    tracker = await a.keyFor(SCOPE, 'TRACKER');
  }, 120_000);
  afterAll(async () => {
    await b?.gw.stop();
    await a?.stop();
  });

  const send = async (t: TestGateway, inputs: Input[]) => {
    const res = await t.gql<{ trackAccesses: { recorded: number; rejected: number; results: { status: string; error: { code: string; message: string } | null }[] } }>(TRACK_MANY, { inputs }, tracker);
    expect(res.errors).toBeUndefined();
    for (const [n, r] of res.data!.trackAccesses.results.entries()) if (r.status === 'RECORDED') sent.push(inputs[n]);
    return res.data!.trackAccesses;
  };
  const day = async (d: string) => {
    await a.settle();
    await b.settle();
    return a.gw.store.usageDaily.findOne({ _id: `DATASET|${d}|d-pub` });
  };
  const secrets = () => new IdentitySecretRepository(a.gw.store);

  it('destroys at start the secrets of days outside the window', async () => {
    const deadline = Date.now() + 60_000;
    while ((await secrets().days()).includes('2020-01-01') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await secrets().days()).not.toContain('2020-01-01');
  });

  it('two instances creating a day\'s secret at once agree on one, stored once', async () => {
    const [sa, sb] = await Promise.all([a.gw.services.daySecrets.forDays([DAY]), b.gw.services.daySecrets.forDays([DAY])]);
    expect(Buffer.from(sa(DAY)).equals(Buffer.from(sb(DAY)))).toBe(true);
    expect(sa(DAY)).toHaveLength(32);
    expect((await secrets().days()).filter((d) => d === DAY)).toHaveLength(1);
  });

  it('a double click split across the two instances is filtered', async () => {
    const visitor = { ipAddress: '81.255.1.7', userAgent: BROWSER_UA, resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW' };
    expect((await send(a, [{ ...visitor, eventId: 'split-1', timestamp: `${DAY}T10:00:00.000Z` }])).recorded).toBe(1);
    expect((await send(b, [{ ...visitor, eventId: 'split-2', timestamp: `${DAY}T10:00:20.000Z` }])).recorded).toBe(1);
    expect(await day(DAY)).toMatchObject({ views: 1, doubleClicks: 1, uniqueInvestigations: 1 });
  });

  it('a double click by one user id across midnight is still filtered: one action, counted on the second day', async () => {
    const u = { userId: 'reader-9', resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD' };
    await send(a, [{ ...u, eventId: 'mid-1', timestamp: `${PREV}T23:59:50.000Z` }]);
    await send(b, [{ ...u, eventId: 'mid-2', timestamp: `${DAY}T00:00:05.000Z` }]);
    const prev = await day(PREV);
    expect(prev?.downloads ?? 0).toBe(0);
    expect(prev).toMatchObject({ doubleClicks: 1 });
    expect(await day(DAY)).toMatchObject({ downloads: 1, uniqueRequests: 1 });
    const [first, second] = await Promise.all([a.gw.services.eventLog.events([`${SCOPE}|mid-1`]), a.gw.services.eventLog.events([`${SCOPE}|mid-2`])]);
    expect(second[0].ck).not.toBe(first[0].ck); // two days, two secrets
    expect(second[0].ckp).toBe(first[0].ck); // the key the day before chains it by
    expect(first[0].ckp ?? null).toBeNull();
  });

  it('an event older than IDENTITY_KEY_DAYS is refused with INVALID_TIMESTAMP, and no secret is made for its day', async () => {
    const old = dayOf(KEY_DAYS + 1);
    const r = await send(a, [{ eventId: 'too-old', timestamp: `${old}T12:00:00.000Z`, resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', userId: 'u1' }]);
    expect(r.results[0].error).toMatchObject({ code: 'INVALID_TIMESTAMP', message: expect.stringMatching(new RegExp(`older than ${KEY_DAYS} days`)) });
    expect(await secrets().days()).not.toContain(old);
  });

  it('gives the figures of the unkeyed keys, live, recounted and rebuilt', async () => {
    // A mix of identities over both days and the midnight edge.
    const mix: Input[] = [];
    const whos = [{ userId: 'u-a' }, { userCookie: 'ck-b' }, { sessionId: 'se-c', ipAddress: '81.255.1.8', userAgent: BROWSER_UA }, { ipAddress: '81.255.1.9', userAgent: BROWSER_UA }, { userId: 'u-e', sessionId: 'se-e' }];
    const times = [`${PREV}T23:59:35`, `${PREV}T23:59:58`, `${DAY}T00:00:00`, `${DAY}T00:00:20`, `${DAY}T00:00:29`, `${DAY}T00:00:45`, `${DAY}T09:59:50`, `${DAY}T10:00:10`, `${DAY}T10:00:55`];
    whos.forEach((who, w) =>
      times.forEach((t, n) => {
        if ((w + n) % 3 === 0) return;
        const file = (w + n) % 2 === 0;
        mix.push({ ...who, eventId: `mix-${w}-${n}`, timestamp: `${t}.000Z`, resourceType: file ? 'FILE' : 'DATASET', resourceId: file ? 'f1' : 'd-pub', action: n % 4 === 0 ? 'VIEW' : 'DOWNLOAD' });
      }),
    );
    // Half through each instance.
    expect((await send(a, mix.filter((_, i) => i % 2 === 0))).rejected).toBe(0);
    expect((await send(b, mix.filter((_, i) => i % 2 === 1))).rejected).toBe(0);
    await day(DAY);
    const snap = () => usageSnapshot(a.gw.store);
    const live = await snap();
    expect((live.daily as { _id: string; doubleClicks?: number }[]).find((d) => d._id === `DATASET|${PREV}|d-pub`)?.doubleClicks).toBeGreaterThan(0);

    const io = { out: () => undefined, err: () => undefined, env: { MONGODB_URI: process.env.TEST_MONGODB_URI!, MONGODB_DB: a.dbName, LOG_LEVEL: 'silent', ...env } };
    expect(await recountCommand({}, io)).toBe(0);
    expect(await snap()).toEqual(live);
    expect(await recountCommand({ rebuild: true }, io)).toBe(0);
    expect(await snap()).toEqual(live);

    // The mix's stored keys replaced by the unkeyed keys of before (one key
    // for every day, no ckp): a rebuild from the log gives the same figures.
    // (The other tests' people are others: a day mixing old and new keys
    // counts them apart, as it would anyway.)
    for (const i of sent.filter((x) => x.eventId.startsWith('mix-'))) {
      await a.gw.store.eventLog.updateOne({ _id: `${SCOPE}|${i.eventId}` }, { $set: legacyKeys(i), $unset: { ckp: '' } });
    }
    expect(await recountCommand({ rebuild: true }, io)).toBe(0);
    expect(await snap()).toEqual(live);
  });

  it('after the key window the day\'s secret is gone from the database, and a stored key matches no recomputation', async () => {
    const [stored] = await a.gw.services.eventLog.events([`${SCOPE}|split-1`]);
    const input = keyInput({ eventId: 'split-1', timestamp: `${DAY}T10:00:00.000Z`, ipAddress: '81.255.1.7', userAgent: BROWSER_UA, resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW' });
    const key = `${SCOPE}|split-1`;
    // While the day is open, whoever holds the database can recompute it.
    const kept = Buffer.from((await a.gw.services.daySecrets.forDays([DAY]))(DAY));
    expect(eventKeys(input, key, () => kept).ck).toBe(stored.ck);

    // The clocks of both instances past the window: their passes destroy it.
    const later = new Date(Date.parse(`${DAY}T00:00:00Z`) + (KEY_DAYS + 2) * DAY_MS);
    const passes = await Promise.all([destroyExpiredSecrets(a.gw.services.daySecrets, KEY_DAYS, later), destroyExpiredSecrets(b.gw.services.daySecrets, KEY_DAYS, later)]);
    expect(passes[0].deleted + passes[1].deleted).toBeGreaterThanOrEqual(2); // DAY and PREV
    expect(await a.gw.store.db.collection('identity_secrets').findOne({ _id: DAY as never })).toBeNull();
    expect((await secrets().days()).filter((d) => d <= DAY)).toEqual([]);

    // A recomputation can only use a new secret now: it matches nothing stored.
    const fresh = await a.gw.services.daySecrets.forDays([DAY]);
    expect(Buffer.from(fresh(DAY)).equals(kept)).toBe(false);
    expect(eventKeys(input, key, fresh).ck).not.toBe(stored.ck);
    expect(eventKeys(input, key, () => Buffer.alloc(32)).ck).not.toBe(stored.ck);
    // Counting never needs it: a recount from the stored keys gives the same figures.
    const before = await a.gw.store.usageDaily.findOne({ _id: `DATASET|${DAY}|d-pub` });
    // (From the database, by the CLI: this instance still holds the keyed
    // copies of the events the test rewrote above in its recent flushes.)
    expect(await recountCommand({ since: PREV }, { out: () => undefined, err: () => undefined, env: { MONGODB_URI: process.env.TEST_MONGODB_URI!, MONGODB_DB: a.dbName, LOG_LEVEL: 'silent', ...env } })).toBe(0);
    expect(await a.gw.store.usageDaily.findOne({ _id: `DATASET|${DAY}|d-pub` })).toEqual(before);
    expect(before).toMatchObject({ views: expect.any(Number) });
  });
});

describe('the demo under a short IDENTITY_KEY_DAYS', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { DEMO_DATA: 'true', DEMO_DATASETS: '20', DEMO_EVENTS: '300', IDENTITY_KEY_DAYS: '7' } });
  }, 180_000);
  afterAll(() => t?.stop());

  it('keeps its year of history, and the closed days\' secrets are destroyed once it is loaded', async () => {
    const old = await t.gw.store.eventLog.countDocuments({ _id: { $lt: '~' }, t: { $lt: new Date(Date.now() - 30 * DAY_MS) } });
    expect(old).toBeGreaterThan(100);
    const firstKept = firstKeptSecretDay(new Date(), 7);
    const repo = new IdentitySecretRepository(t.gw.store);
    const deadline = Date.now() + 60_000;
    while ((await repo.days()).some((d) => d < firstKept) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await repo.days()).filter((d) => d < firstKept)).toEqual([]);
  });
});
