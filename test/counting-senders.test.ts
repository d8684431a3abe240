/**
 * No sender can steer another's counts, end to end through HTTP, GraphQL
 * and the embedded database (issue 16, findings 6 and 7):
 * - the double-click and session keys are per sender, and a URL only
 *   refines the resource: two portals' trackers sending the same opaque
 *   user ids and URL each keep their counts;
 * - a USER key's clicks on one resource and action are one item whatever
 *   `url` it sends;
 * - two USER accounts at the per-account event cap cannot lift a dataset
 *   up the popularity ranking.
 * docs/counting.md and docs/popularity.md state these rules.
 */
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { BROWSER_UA } from './support/fixtures';
import { ResourceType } from '../src/domain/resources';

const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) {
  trackAccesses(inputs: $inputs) { recorded rejected results { status error { code } } }
}`;
const STATS = `query S($id: ID!) { dataset(id: $id) { stats { downloads uniqueRequests doubleClicks } } }`;

// Two days ago: inside every accepted window whenever the suite runs.
const DAY = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
const at = (hms: string) => `${DAY}T${hms}.000Z`;
const sec = (base: string, s: number) => new Date(Date.parse(at(base)) + s * 1000).toISOString();

const dataset = (id: string, portalId: string) => ({
  _id: id, title: id, description: null, portalId, ownerId: null, spaceIds: [], collectionIds: [], themeIds: [],
  licence: null, publisher: null, published: true, visibility: 'PUBLIC' as never, recordCount: 1,
});

type Stats = { downloads: number; uniqueRequests: number; doubleClicks: number };

async function send(t: TestGateway, inputs: Record<string, unknown>[], key: string) {
  const res = await t.gql<{ trackAccesses: { recorded: number; rejected: number; results: { status: string; error: { code: string } | null }[] } }>(
    TRACK_MANY,
    { inputs },
    key,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.trackAccesses;
}

describe('no sender can steer another sender\'s counts', () => {
  let t: TestGateway;
  let admin: string;
  let p1: string;
  let p2: string;

  beforeAll(async () => {
    t = await startTestGateway();
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p1', name: 'Portal One', url: null }, { _id: 'p2', name: 'Portal Two', url: null }]);
    await w.datasets([dataset('d-p1', 'p1'), dataset('d-p2', 'p2'), dataset('d-user', 'p1'), dataset('d-urls', 'p1')]);
    await w.collections([{ _id: 'c-shared', name: 'Shared', parentCollectionIds: [], spaceIds: [], ownerId: null }]);
    await w.users([{ _id: 'carol', name: 'Carol', email: null, role: 'USER', automated: false }]);
    admin = await t.keyFor('root', 'ADMIN');
    for (const [id, portal] of [['svc-p1', 'p1'], ['svc-p2', 'p2']]) {
      const r = await t.gql(`mutation { createUser(input: { id: "${id}", name: "${id}", role: TRACKER, portalIds: ["${portal}"] }) { id } }`, {}, admin);
      expect(r.errors).toBeUndefined();
    }
    p1 = (await t.gw.services.auth.issueKey('svc-p1')).key;
    p2 = (await t.gw.services.auth.issueKey('svc-p2')).key;
  });
  afterAll(() => t.stop());

  const stats = async (id: string): Promise<Stats> => (await t.gql<{ dataset: { stats: Stats } }>(STATS, { id }, admin)).data!.dataset.stats;

  it('two portals\' trackers sending the same user ids and URL on their own datasets each keep their 20 downloads', async () => {
    const url = 'https://data.example.org/download/latest.csv';
    const readers = Array.from({ length: 20 }, (_, i) => `reader-${i}`);
    const of = (resourceId: string, prefix: string, base: string) =>
      readers.map((userId, i) => ({
        resourceType: 'DATASET', resourceId, action: 'DOWNLOAD', userId, url, userAgent: BROWSER_UA,
        eventId: `${prefix}-${i}`, timestamp: sec(base, i),
      }));
    expect((await send(t, of('d-p1', 'a', '10:00:00'), p1)).recorded).toBe(20);
    expect(await stats('d-p1')).toMatchObject({ downloads: 20, uniqueRequests: 20, doubleClicks: 0 });
    // Portal two's readers, 5 s later: the same opaque ids, the same URL.
    expect((await send(t, of('d-p2', 'b', '10:00:05'), p2)).recorded).toBe(20);
    expect(await stats('d-p1')).toMatchObject({ downloads: 20, uniqueRequests: 20, doubleClicks: 0 });
    expect(await stats('d-p2')).toMatchObject({ downloads: 20, uniqueRequests: 20, doubleClicks: 0 });
  });

  it('two senders on one resource (a collection any tracker may record) never meet: same user ids are different people', async () => {
    const q = `{ collection(id: "c-shared") { stats { views uniqueInvestigations doubleClicks } } }`;
    const view = (prefix: string, s: number) =>
      ['reader-0', 'reader-1'].map((userId, i) => ({
        resourceType: 'COLLECTION', resourceId: 'c-shared', action: 'VIEW', userId, userAgent: BROWSER_UA,
        url: 'https://data.example.org/c/shared', eventId: `${prefix}-${i}`, timestamp: sec('11:00:00', s),
      }));
    expect((await send(t, view('c1', 0), p1)).recorded).toBe(2);
    expect((await send(t, view('c2', 10), p2)).recorded).toBe(2);
    const res = await t.gql<{ collection: { stats: Record<string, number> } }>(q, {}, admin);
    expect(res.data!.collection.stats).toEqual({ views: 4, uniqueInvestigations: 4, doubleClicks: 0 });
  });

  it('a USER key sending 10 downloads with distinct URLs in 10 s counts 1 download', async () => {
    const carol = (await t.gw.services.auth.issueKey('carol')).key;
    const r = await send(
      t,
      Array.from({ length: 10 }, (_, i) => ({
        resourceType: 'DATASET', resourceId: 'd-user', action: 'DOWNLOAD', userAgent: BROWSER_UA,
        url: `https://data.example.org/d-user?x=${i}`, eventId: `u-${i}`, timestamp: sec('12:00:00', i),
      })),
      carol,
    );
    expect(r.recorded).toBe(10);
    expect(await stats('d-user')).toEqual({ downloads: 1, uniqueRequests: 1, doubleClicks: 9 });
  });

  it('a tracker\'s URLs still refine the item: two files served from one dataset page within 30 s are two downloads', async () => {
    const r = await send(
      t,
      ['a.csv', 'b.csv'].map((f, i) => ({
        resourceType: 'DATASET', resourceId: 'd-urls', action: 'DOWNLOAD', userId: 'reader-9', userAgent: BROWSER_UA,
        url: `https://data.example.org/d-urls/${f}`, eventId: `f-${i}`, timestamp: sec('13:00:00', i),
      })),
      p1,
    );
    expect(r.recorded).toBe(2);
    expect(await stats('d-urls')).toEqual({ downloads: 2, uniqueRequests: 1, doubleClicks: 0 });
  });
});

describe('two USER accounts at the per-account event cap cannot lift a dataset up the popularity ranking', () => {
  let t: TestGateway;
  const ids = Array.from({ length: 60 }, (_, i) => `ds-${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    t = await startTestGateway({ env: { TRACK_EVENTS_PER_MINUTE_USER: '60' } });
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p-rank', name: 'Ranked', url: null }]);
    await w.datasets(ids.map((id) => dataset(id, 'p-rank')));
    await w.users([
      { _id: 'mallory', name: 'Mallory', email: null, role: 'USER', automated: false },
      { _id: 'trent', name: 'Trent', email: null, role: 'USER', automated: false },
    ]);
    // Dataset ds-NN was downloaded NN times by NN different people (the
    // shape ingestion writes; 1,830 events would only slow the test).
    await t.gw.store.usageTotals.insertMany(
      ids.map((id, i) => ({ _id: `DATASET:${id}`, resourceType: ResourceType.DATASET, resourceId: id, downloads: i + 1, uniqueRequests: i + 1 })),
    );
  });
  afterAll(() => t.stop());

  const rankOf = async (id: string) => {
    const res = await t.gql<{ dataset: { popularity: { rank: number; scopeSize: number } } }>(
      `query R($id: ID!) { dataset(id: $id) { popularity { rank scopeSize } } }`,
      { id },
      null,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.dataset.popularity;
  };

  it('120 downloads in one minute of two capped accounts, dated 31 s apart so each counts, move ds-02 from rank 59 to 57 only', async () => {
    expect(await rankOf('ds-02')).toEqual({ rank: 59, scopeSize: 60 });
    for (const user of ['mallory', 'trent']) {
      const key = (await t.gw.services.auth.issueKey(user)).key;
      // The timestamps are the client's: 60 events spread over 14:00:00-14:30:29,
      // beyond the double-click window, each with its own URL.
      const r = await send(
        t,
        Array.from({ length: 60 }, (_, i) => ({
          resourceType: 'DATASET', resourceId: 'ds-02', action: 'DOWNLOAD', userAgent: BROWSER_UA,
          url: `https://data.example.org/ds-02?n=${i}`, eventId: `${user}-${i}`, timestamp: sec('14:00:00', 31 * i),
        })),
        key,
      );
      expect(r.recorded).toBe(60);
      // The cap holds: a 61st event in the minute is refused.
      const more = await t.gql(TRACK_MANY, { inputs: [{ resourceType: 'DATASET', resourceId: 'ds-02', action: 'DOWNLOAD', eventId: `${user}-x` }] }, key);
      expect(more.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    }
    // Every download counts (COUNTER totals are what they are) but each account
    // is one person in one hour: one unique request each, and the score
    // (formula 2) counts unique requests. ds-02 now ties ds-04 and ranks by id before it.
    const s = await t.gql<{ dataset: { stats: Stats } }>(STATS, { id: 'ds-02' }, null);
    expect(s.data!.dataset.stats).toEqual({ downloads: 122, uniqueRequests: 4, doubleClicks: 0 });
    expect(await rankOf('ds-02')).toEqual({ rank: 57, scopeSize: 60 });
  });
});
