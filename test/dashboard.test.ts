import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandStartedEvent } from 'mongodb';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { BROWSER_UA } from './support/fixtures';
import { ResourceType, Visibility } from '../src/domain/resources';

/*
 * The data dashboard end to end: a hand-made catalog, events recorded through
 * `trackAccesses` over HTTP, reuses through the reuse mutations, and every
 * expected figure worked out by hand below (scores with the published
 * formula of docs/popularity.md, written out again in `formula`).
 *
 * Catalog (published unless said otherwise):
 *   portal pA: a1 PUBLIC [t-env] 100 records
 *              a2 PUBLIC [t-env, t-mob] 50 records, no licence
 *              a3 PRIVATE (owner alice, space s1 = {bob}) [t-mob] 20 records, no publisher
 *              a4 PUBLIC, no theme, 0 records, no activity
 *              a5 UNPUBLISHED (owner alice) [t-env] 1000 records
 *   portal pB: b1 PUBLIC [t-eco] 10 records
 *              b2 PRIVATE (owner carol) [t-eco] 5 records
 *              b3 PUBLIC [t-mob] 7 records, no licence, no publisher
 *
 * Activity (regular use; M1 = the month before last, M2 = last month, so the
 * events are always recent enough to be accepted):
 *              downloads      API calls      views
 *              M1   M2        M1   M2        M1   M2
 *   a1          6    4        10   10         3    2   (+1 machine, +1 robot download in M2: not counted)
 *   a2          2    1         0    5         1    1
 *   a3          4    4         2    0         0    1
 *   a5         12    0         0    0         0    0   (unpublished: ignored)
 *   b1          1    0        40    0         0    0
 *   b2          0    3         0    3         2    0
 *   b3          0    0         0    1         0    0
 *   all time: a1 10/20/5, a2 3/5/2, a3 8/2/1, a4 0, b1 1/40/0, b2 3/3/2, b3 0/1/0
 *
 * Reuses: r1 [a1] registered M1-10; r2 [a1, b1] M2-15; r3 [a3] M1-05 (author alice);
 *         r4 [a5] by alice now (unpublished dataset: ignored); r5 [b3] by bob now.
 *   all time: a1 2, a3 1, b1 1, b3 1 — 4 distinct reuses of published datasets.
 */

type Act = 'VIEW' | 'DOWNLOAD' | 'API_CALL';

const NOW = new Date();
const monthStart = (k: number) => new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + k, 1));
const M1 = monthStart(-2);
const M2 = monthStart(-1);
const day = (m: Date, d: number) => `${m.toISOString().slice(0, 7)}-${String(d).padStart(2, '0')}`;
const lastDayOf = (m: Date) => new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
const at = (d: string, time = '12:00:00') => `${d}T${time}.000Z`;

/** [dataset, action, day, count] */
const PLAN: [string, Act, string, number][] = [
  ['a1', 'DOWNLOAD', day(M1, 27), 2],
  ['a1', 'DOWNLOAD', day(M1, 28), 4],
  ['a1', 'DOWNLOAD', day(M2, 1), 1],
  ['a1', 'DOWNLOAD', day(M2, 3), 3],
  ['a1', 'API_CALL', day(M1, 15), 10],
  ['a1', 'API_CALL', day(M2, 20), 10],
  ['a1', 'VIEW', day(M1, 28), 3],
  ['a1', 'VIEW', day(M2, 2), 2],
  ['a2', 'DOWNLOAD', day(M1, 15), 2],
  ['a2', 'DOWNLOAD', day(M2, 15), 1],
  ['a2', 'API_CALL', day(M2, 15), 5],
  ['a2', 'VIEW', day(M1, 15), 1],
  ['a2', 'VIEW', day(M2, 15), 1],
  ['a3', 'DOWNLOAD', day(M1, 15), 4],
  ['a3', 'DOWNLOAD', day(M2, 15), 4],
  ['a3', 'API_CALL', day(M1, 15), 2],
  ['a3', 'VIEW', day(M2, 15), 1],
  ['a5', 'DOWNLOAD', day(M1, 15), 12],
  ['b1', 'DOWNLOAD', day(M1, 15), 1],
  ['b1', 'API_CALL', day(M1, 15), 40],
  ['b2', 'DOWNLOAD', day(M2, 15), 3],
  ['b2', 'API_CALL', day(M2, 15), 3],
  ['b2', 'VIEW', day(M1, 15), 2],
  ['b3', 'API_CALL', day(M2, 15), 1],
];

function plannedEvents(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let seq = 0;
  const push = (id: string, action: Act, d: string, minute: number, userAgent: string) => {
    seq += 1;
    out.push({
      eventId: `dash-${seq}`,
      resourceType: 'DATASET',
      resourceId: id,
      action,
      // One minute apart, each from its own address: no double clicks.
      timestamp: at(d, `10:${String(minute).padStart(2, '0')}:00`),
      userAgent,
      ipAddress: `10.0.${seq >> 8}.${seq & 255}`,
    });
  };
  for (const [id, action, d, n] of PLAN) for (let i = 0; i < n; i += 1) push(id, action, d, i, BROWSER_UA);
  push('a1', 'DOWNLOAD', day(M2, 5), 0, 'curl/8.5.0');
  push('a1', 'DOWNLOAD', day(M2, 5), 1, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
  return out;
}

/** docs/popularity.md, "The formula", written out independently of src/dashboard/popularity.ts. */
function formula(x: [number, number, number], max: [number, number, number]): number {
  const n = (v: number, m: number) => (m === 0 ? 0 : Math.log(1 + v) / Math.log(1 + m));
  return Math.round(100 * (50 * n(x[0], max[0]) + 30 * n(x[1], max[1]) + 20 * n(x[2], max[2]))) / 100;
}
const round2 = (x: number) => Math.round(x * 100) / 100;

const DASHBOARD = `query D($v: DashboardVisibility, $p: ID, $from: DateTime, $to: DateTime, $k: Int) {
  dataDashboard(visibility: $v, portalId: $p, from: $from, to: $to, histogramBuckets: $k) {
    visibility portalId firstDay lastDay scope formulaVersion weights { downloads apiCalls reuses }
    totals { datasets records views downloads apiCalls reuses datasetsWithReuses reuseShare
             datasetsMissingTheme datasetsMissingLicence datasetsMissingPublisher }
    popularity { mostPopular { ...E } leastPopular { ...E } histogram { from to count } }
    top5 { downloads { ...T } apiCalls { ...T } reuses { ...T } }
    themes { themeId name datasetCount downloads apiCalls reuses averageScore }
  }
}
fragment T on DashboardTopEntry { datasetId title count }
fragment E on DashboardScoreEntry {
  datasetId title downloads apiCalls reuses score
  popularity { score rank percentile scope portalId scopeSize formulaVersion
               contributions { downloads apiCalls reuses } metrics { downloads apiCalls reuses } }
}`;

interface Entry {
  datasetId: string;
  title: string;
  downloads: number;
  apiCalls: number;
  reuses: number;
  score: number;
  popularity: { score: number; rank: number; percentile: number; scope: string; portalId: string | null; scopeSize: number };
}
interface Dashboard {
  visibility: string;
  portalId: string | null;
  firstDay: string | null;
  lastDay: string | null;
  scope: string;
  formulaVersion: string;
  weights: { downloads: number; apiCalls: number; reuses: number };
  totals: Record<string, number>;
  popularity: { mostPopular: Entry[]; leastPopular: Entry[]; histogram: { from: number; to: number; count: number }[] };
  top5: Record<'downloads' | 'apiCalls' | 'reuses', { datasetId: string; title: string; count: number }[]>;
  themes: { themeId: string; name: string; datasetCount: number; downloads: number; apiCalls: number; reuses: number; averageScore: number }[];
}

const pairs = (l: { datasetId: string; count: number }[]) => l.map((e) => [e.datasetId, e.count]);
const scores = (l: Entry[]) => l.map((e) => [e.datasetId, e.score]);

describe('data dashboard', () => {
  let t: TestGateway;
  let admin: string;
  let alice: string;
  let bob: string;
  let carol: string;
  let tracker: string;
  const reuseIds: Record<string, string> = {};

  const dashboard = async (vars: Record<string, unknown>, key: string | null): Promise<Dashboard> => {
    const res = await t.gql<{ dataDashboard: Dashboard }>(DASHBOARD, vars, key);
    expect(res.errors).toBeUndefined();
    return res.data!.dataDashboard;
  };

  const register = async (input: Record<string, unknown>, key: string) => {
    const res = await t.gql<{ registerReuse: { id: string } }>(
      `mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id } }`,
      { input },
      key,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.registerReuse.id;
  };

  beforeAll(async () => {
    t = await startTestGateway({ monitorCommands: true });
    admin = await t.keyFor('root', 'ADMIN');
    alice = await t.keyFor('alice', 'USER');
    bob = await t.keyFor('bob', 'USER');
    carol = await t.keyFor('carol', 'USER');
    tracker = await t.keyFor('svc-portal', 'TRACKER');
    const w = t.gw.services.catalogWriter;
    await w.portals([
      { _id: 'pA', name: 'Portal A', url: null },
      { _id: 'pB', name: 'Portal B', url: null },
    ]);
    await w.themes([
      { _id: 't-env', name: 'Environment' },
      { _id: 't-mob', name: 'Mobility' },
      { _id: 't-eco', name: 'Economy' },
    ]);
    await w.spaces([{ _id: 's1', name: 'Space One', memberIds: ['bob'] }]);
    const base = { description: null, ownerId: null, spaceIds: [] as string[], collectionIds: [] as string[], published: true, visibility: Visibility.PUBLIC };
    await w.datasets([
      { ...base, _id: 'a1', title: 'A one', portalId: 'pA', themeIds: ['t-env'], licence: 'ODbL', publisher: 'Org A', recordCount: 100 },
      { ...base, _id: 'a2', title: 'A two', portalId: 'pA', themeIds: ['t-env', 't-mob'], licence: null, publisher: 'Org A', recordCount: 50 },
      {
        ...base,
        _id: 'a3',
        title: 'A three',
        portalId: 'pA',
        ownerId: 'alice',
        spaceIds: ['s1'],
        visibility: Visibility.PRIVATE,
        themeIds: ['t-mob'],
        licence: 'ODbL',
        publisher: null,
        recordCount: 20,
      },
      { ...base, _id: 'a4', title: 'A four', portalId: 'pA', themeIds: [], licence: 'ODbL', publisher: 'Org A', recordCount: 0 },
      { ...base, _id: 'a5', title: 'A five (draft)', portalId: 'pA', ownerId: 'alice', published: false, themeIds: ['t-env'], licence: 'ODbL', publisher: 'Org A', recordCount: 1000 },
      { ...base, _id: 'b1', title: 'B one', portalId: 'pB', themeIds: ['t-eco'], licence: 'CC-BY', publisher: 'Org B', recordCount: 10 },
      { ...base, _id: 'b2', title: 'B two', portalId: 'pB', ownerId: 'carol', visibility: Visibility.PRIVATE, themeIds: ['t-eco'], licence: 'CC-BY', publisher: 'Org B', recordCount: 5 },
      { ...base, _id: 'b3', title: 'B three', portalId: 'pB', themeIds: ['t-mob'], licence: null, publisher: null, recordCount: 7 },
    ]);

    const events = plannedEvents();
    const tracked = await t.gql<{ trackAccesses: { recorded: number; rejected: number } }>(
      `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected } }`,
      { inputs: events },
      tracker,
    );
    expect(tracked.errors).toBeUndefined();
    expect(tracked.data!.trackAccesses).toEqual({ recorded: events.length, rejected: 0 });

    const reuse = (title: string, datasetIds: string[], extra: Record<string, unknown> = {}) => ({
      title,
      url: `https://apps.example.org/${title}`,
      type: 'APPLICATION',
      datasetIds,
      ...extra,
    });
    reuseIds.r1 = await register(reuse('r1', ['a1'], { createdAt: at(day(M1, 10)) }), admin);
    reuseIds.r2 = await register(reuse('r2', ['a1', 'b1'], { createdAt: at(day(M2, 15)), type: 'VISUALIZATION' }), admin);
    reuseIds.r3 = await register(reuse('r3', ['a3'], { createdAt: at(day(M1, 5)), authorId: 'alice', type: 'ARTICLE' }), admin);
    reuseIds.r4 = await register(reuse('r4', ['a5']), alice);
    reuseIds.r5 = await register(reuse('r5', ['b3']), bob);
  });
  afterAll(() => t.stop());

  // Hand-computed all-time scores, network scope as admin: maxima downloads 10 (a1), API calls 40 (b1), reuses 2 (a1).
  const NET_MAX: [number, number, number] = [10, 40, 2];
  const S = {
    a1: formula([10, 20, 2], NET_MAX), // 94.60
    a2: formula([3, 5, 0], NET_MAX), // 43.38
    a3: formula([8, 2, 1], NET_MAX), // 67.31
    a4: 0,
    b1: formula([1, 40, 1], NET_MAX), // 57.07
    b2: formula([3, 3, 0], NET_MAX), // 40.11
    b3: formula([0, 1, 1], NET_MAX), // 18.22
  };

  it('gives an admin every published dataset of every portal (ALL, all time)', async () => {
    const d = await dashboard({}, admin);
    expect(d).toMatchObject({ visibility: 'ALL', portalId: null, firstDay: null, lastDay: null, scope: 'NETWORK', formulaVersion: '2.0.0' });
    expect(d.weights).toEqual({ downloads: 0.5, apiCalls: 0.3, reuses: 0.2 });
    expect(d.totals).toEqual({
      datasets: 7,
      records: 192,
      views: 10,
      downloads: 25,
      apiCalls: 71,
      reuses: 4,
      datasetsWithReuses: 4,
      reuseShare: 4 / 7,
      datasetsMissingTheme: 1,
      datasetsMissingLicence: 2,
      datasetsMissingPublisher: 2,
    });

    expect([S.a1, S.a2, S.a3, S.b1, S.b2, S.b3]).toEqual([94.6, 43.38, 67.31, 57.07, 40.11, 18.22]);
    expect(scores(d.popularity.mostPopular)).toEqual([
      ['a1', S.a1],
      ['a3', S.a3],
      ['b1', S.b1],
      ['a2', S.a2],
      ['b2', S.b2],
    ]);
    expect(scores(d.popularity.leastPopular)).toEqual([
      ['a4', 0],
      ['b3', S.b3],
      ['b2', S.b2],
      ['a2', S.a2],
      ['b1', S.b1],
    ]);
    expect(d.popularity.mostPopular[0]).toMatchObject({ title: 'A one', downloads: 10, apiCalls: 20, reuses: 2 });
    expect(d.popularity.mostPopular[0].popularity).toMatchObject({ rank: 1, scope: 'NETWORK', portalId: null, scopeSize: 7, percentile: round2(600 / 7) });
    expect(d.popularity.leastPopular.map((e) => e.popularity.rank)).toEqual([7, 6, 5, 4, 3]);
    // 0 | 18.22 | — | — | 40.11, 43.38 | 57.07 | 67.31 | — | — | 94.6
    expect(d.popularity.histogram.map((b) => b.count)).toEqual([1, 1, 0, 0, 2, 1, 1, 0, 0, 1]);
    expect(d.popularity.histogram[9]).toEqual({ from: 90, to: 100, count: 1 });

    expect(pairs(d.top5.downloads)).toEqual([['a1', 10], ['a3', 8], ['a2', 3], ['b2', 3], ['b1', 1]]);
    expect(pairs(d.top5.apiCalls)).toEqual([['b1', 40], ['a1', 20], ['a2', 5], ['b2', 3], ['a3', 2]]);
    expect(pairs(d.top5.reuses)).toEqual([['a1', 2], ['a3', 1], ['b1', 1], ['b3', 1]]);
    expect(d.top5.downloads[0].title).toBe('A one');

    expect(d.themes).toEqual([
      { themeId: 't-mob', name: 'Mobility', datasetCount: 3, downloads: 11, apiCalls: 8, reuses: 2, averageScore: round2((S.a2 + S.a3 + S.b3) / 3) },
      { themeId: 't-eco', name: 'Economy', datasetCount: 2, downloads: 4, apiCalls: 43, reuses: 1, averageScore: round2((S.b1 + S.b2) / 2) },
      { themeId: 't-env', name: 'Environment', datasetCount: 2, downloads: 13, apiCalls: 25, reuses: 2, averageScore: round2((S.a1 + S.a2) / 2) },
    ]);
  });

  it('builds PUBLIC and PRIVATE dashboards from those datasets only', async () => {
    const pub = await dashboard({ v: 'PUBLIC' }, admin);
    expect(pub.totals).toMatchObject({ datasets: 5, records: 167, views: 7, downloads: 14, apiCalls: 66, reuses: 3, datasetsWithReuses: 3, reuseShare: 0.6 });
    const priv = await dashboard({ v: 'PRIVATE' }, admin);
    expect(priv.totals).toEqual({
      datasets: 2,
      records: 25,
      views: 3,
      downloads: 11,
      apiCalls: 5,
      reuses: 1,
      datasetsWithReuses: 1,
      reuseShare: 0.5,
      datasetsMissingTheme: 0,
      datasetsMissingLicence: 0,
      datasetsMissingPublisher: 1,
    });
    // Scores relative to the private datasets only: maxima 8 downloads, 3 API calls, 1 reuse.
    expect(scores(priv.popularity.mostPopular)).toEqual([
      ['a3', formula([8, 2, 1], [8, 3, 1])],
      ['b2', formula([3, 3, 0], [8, 3, 1])],
    ]);
    expect(priv.popularity.mostPopular[0].popularity.scopeSize).toBe(2);
  });

  it('shows anonymous callers public datasets only, and an empty PRIVATE dashboard', async () => {
    const d = await dashboard({}, null);
    expect(d.totals).toEqual({
      datasets: 5,
      records: 167,
      views: 7,
      downloads: 14,
      apiCalls: 66,
      reuses: 3,
      datasetsWithReuses: 3,
      reuseShare: 0.6,
      datasetsMissingTheme: 1,
      datasetsMissingLicence: 2,
      datasetsMissingPublisher: 1,
    });
    // Same maxima as the admin's (they come from public datasets), but ranks among 5.
    expect(scores(d.popularity.mostPopular)).toEqual([['a1', S.a1], ['b1', S.b1], ['a2', S.a2], ['b3', S.b3], ['a4', 0]]);
    expect(d.popularity.mostPopular[0].popularity).toMatchObject({ rank: 1, scopeSize: 5, percentile: 80 });
    expect(d.popularity.histogram.map((b) => b.count)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 1]);
    expect(pairs(d.top5.downloads)).toEqual([['a1', 10], ['a2', 3], ['b1', 1]]);
    expect(d.themes.map((x) => [x.themeId, x.datasetCount])).toEqual([['t-env', 2], ['t-mob', 2], ['t-eco', 1]]);

    const priv = await dashboard({ v: 'PRIVATE' }, null);
    expect(priv.totals).toMatchObject({ datasets: 0, records: 0, downloads: 0, apiCalls: 0, reuses: 0, reuseShare: 0 });
    expect(priv.popularity.mostPopular).toEqual([]);
    expect(priv.popularity.histogram.every((b) => b.count === 0)).toBe(true);
    expect(priv.themes).toEqual([]);
  });

  it('shows a user the private datasets of their spaces and their own', async () => {
    const b = await dashboard({}, bob); // public + a3 (space s1)
    expect(b.totals).toMatchObject({ datasets: 6, records: 187, views: 8, downloads: 22, apiCalls: 68, reuses: 4 });
    const c = await dashboard({ v: 'PRIVATE' }, carol); // b2 (owner) only
    expect(c.totals).toMatchObject({ datasets: 1, records: 5, downloads: 3, apiCalls: 3 });
    // Alone in its scope with downloads and API calls but no reuse: 50 + 30.
    expect(scores(c.popularity.mostPopular)).toEqual([['b2', 80]]);
  });

  it('scores a portal against its own datasets, the same as Dataset.popularity', async () => {
    const d = await dashboard({ p: 'pA' }, admin);
    expect(d.scope).toBe('PORTAL');
    expect(d.totals).toMatchObject({ datasets: 4, records: 170, views: 8, downloads: 21, apiCalls: 27, reuses: 3 });
    const max: [number, number, number] = [10, 20, 2];
    expect(scores(d.popularity.mostPopular)).toEqual([
      ['a1', 100],
      ['a3', formula([8, 2, 1], max)],
      ['a2', formula([3, 5, 0], max)],
      ['a4', 0],
    ]);
    expect(d.popularity.mostPopular[1].popularity).toMatchObject({ scope: 'PORTAL', portalId: 'pA', rank: 2, scopeSize: 4 });

    const q = `{ datasets(filter: { portalId: "pA" }) { nodes { id
      portal: popularity { score rank scope portalId scopeSize }
      network: popularity(scope: NETWORK) { score rank scope scopeSize } } } }`;
    const res = await t.gql<{ datasets: { nodes: { id: string; portal: Entry['popularity'] | null; network: Entry['popularity'] | null }[] } }>(q, {}, admin);
    expect(res.errors).toBeUndefined();
    const byId = Object.fromEntries(res.data!.datasets.nodes.map((n) => [n.id, n]));
    for (const e of d.popularity.mostPopular) {
      expect(byId[e.datasetId].portal).toEqual({ score: e.score, rank: e.popularity.rank, scope: 'PORTAL', portalId: 'pA', scopeSize: 4 });
    }
    expect(byId.a1.network).toEqual({ score: S.a1, rank: 1, scope: 'NETWORK', scopeSize: 7 });
    expect(byId.a3.network).toEqual({ score: S.a3, rank: 2, scope: 'NETWORK', scopeSize: 7 });
    expect(byId.a5.portal).toBeNull(); // unpublished
    expect(byId.a5.network).toBeNull();

    // An anonymous caller's scope holds only what it may see: a1 ranks among 5, not 7.
    const anon = await t.gql<{ dataset: { popularity: Entry['popularity'] } }>(`{ dataset(id: "a1") { popularity(scope: NETWORK) { score rank scopeSize } } }`, {}, null);
    expect(anon.data!.dataset.popularity).toEqual({ score: S.a1, rank: 1, scopeSize: 5 });

    const unknown = await t.gql(DASHBOARD, { p: 'nope' }, admin);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('counts only the activity of a time window, and the reuses registered by its end', async () => {
    const m1 = await dashboard({ from: at(day(M1, 1), '00:00:00'), to: at(lastDayOf(M1), '00:00:00') }, admin);
    // `to` at midnight still covers its whole day (a1's downloads and views on M1-28 are kept).
    expect(m1).toMatchObject({ firstDay: day(M1, 1), lastDay: lastDayOf(M1) });
    expect(m1.totals).toMatchObject({ datasets: 7, views: 6, downloads: 13, apiCalls: 52, reuses: 2, datasetsWithReuses: 2 });
    expect(pairs(m1.top5.downloads)).toEqual([['a1', 6], ['a3', 4], ['a2', 2], ['b1', 1]]);
    expect(pairs(m1.top5.reuses)).toEqual([['a1', 1], ['a3', 1]]); // r1 and r3 only
    // Window maxima: downloads 6 (a1), API calls 40 (b1), reuses 1.
    expect(m1.popularity.mostPopular[0]).toMatchObject({ datasetId: 'a1', score: formula([6, 10, 1], [6, 40, 1]) });

    const m2 = await dashboard({ from: at(day(M2, 1)), to: at(lastDayOf(M2)) }, admin);
    expect(m2.totals).toMatchObject({ views: 4, downloads: 12, apiCalls: 19, reuses: 3 }); // + r2; r4 and r5 are newer
    expect(pairs(m2.top5.downloads)).toEqual([['a1', 4], ['a3', 4], ['b2', 3], ['a2', 1]]);
    // The two halves add up to all time.
    expect(m1.totals.downloads + m2.totals.downloads).toBe(25);
    expect(m1.totals.apiCalls + m2.totals.apiCalls).toBe(71);

    // Dataset.popularity with the same window gives the dashboard's score.
    const p = await t.gql<{ dataset: { popularity: { score: number } } }>(
      `query P($from: DateTime, $to: DateTime) { dataset(id: "a1") { popularity(scope: NETWORK, from: $from, to: $to) { score } } }`,
      { from: at(day(M1, 1), '00:00:00'), to: at(lastDayOf(M1), '00:00:00') },
      admin,
    );
    expect(p.data!.dataset.popularity.score).toBe(m1.popularity.mostPopular[0].score);

    const reversed = await t.gql(DASHBOARD, { from: at(day(M2, 2)), to: at(day(M2, 1)) }, admin);
    expect(reversed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const buckets = await t.gql(DASHBOARD, { k: 0 }, admin);
    expect(buckets.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('returns the usage series of a dataset per day and per month, zero-filled', async () => {
    const Q = `query U($id: ID!, $from: DateTime!, $to: DateTime!, $g: UsageGranularity) { dataset(id: $id) {
      usage(from: $from, to: $to, granularity: $g) { granularity firstDay lastDay points { period views downloads apiCalls } total { views downloads apiCalls } } } }`;
    type Series = { granularity: string; firstDay: string; lastDay: string; points: { period: string; views: number; downloads: number; apiCalls: number }[]; total: Record<string, number> };
    const series = async (vars: Record<string, unknown>) => {
      const res = await t.gql<{ dataset: { usage: Series } }>(Q, vars, admin);
      expect(res.errors).toBeUndefined();
      return res.data!.dataset.usage;
    };

    const daily = await series({ id: 'a1', from: at(day(M1, 26)), to: at(day(M2, 5), '23:59:59') });
    const active: Record<string, [number, number, number]> = {
      [day(M1, 27)]: [0, 2, 0],
      [day(M1, 28)]: [3, 4, 0],
      [day(M2, 1)]: [0, 1, 0],
      [day(M2, 2)]: [2, 0, 0],
      [day(M2, 3)]: [0, 3, 0],
      // M2-05: one machine and one robot download, not regular use.
    };
    const days: string[] = [];
    for (let d = new Date(`${day(M1, 26)}T00:00:00Z`); d <= new Date(`${day(M2, 5)}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) {
      days.push(d.toISOString().slice(0, 10));
    }
    expect(daily).toMatchObject({ granularity: 'DAY', firstDay: day(M1, 26), lastDay: day(M2, 5) });
    expect(daily.points).toEqual(days.map((p) => {
      const [views, downloads, apiCalls] = active[p] ?? [0, 0, 0];
      return { period: p, views, downloads, apiCalls };
    }));
    expect(daily.total).toEqual({ views: 5, downloads: 10, apiCalls: 0 });

    const monthKey = (m: Date) => m.toISOString().slice(0, 7);
    const before = monthStart(-3);
    const monthly = await series({ id: 'a1', from: at(day(before, 15)), to: at(lastDayOf(M2)), g: 'MONTH' });
    expect(monthly.points).toEqual([
      { period: monthKey(before), views: 0, downloads: 0, apiCalls: 0 },
      { period: monthKey(M1), views: 3, downloads: 6, apiCalls: 10 },
      { period: monthKey(M2), views: 2, downloads: 4, apiCalls: 10 },
    ]);
    // Months count only the days inside the range.
    const partial = await series({ id: 'a1', from: at(day(M1, 28)), to: at(day(M2, 1)), g: 'MONTH' });
    expect(partial.points).toEqual([
      { period: monthKey(M1), views: 3, downloads: 4, apiCalls: 0 },
      { period: monthKey(M2), views: 0, downloads: 1, apiCalls: 0 },
    ]);

    const tooLong = await t.gql(Q, { id: 'a1', from: '2020-01-01T00:00:00Z', to: at(day(M2, 1)) }, admin);
    expect(tooLong.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooLong.errors?.[0].message).toMatch(/at most 1096 days/);
    const reversed = await t.gql(Q, { id: 'a1', from: at(day(M2, 2)), to: at(day(M2, 1)) }, admin);
    expect(reversed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads each collection once per request, whatever the number of datasets', async () => {
    // Figures up to date first: the aggregator's reads are not the request's.
    await t.settle();
    const seen: CommandStartedEvent[] = [];
    const listen = (e: CommandStartedEvent) => seen.push(e);
    t.gw.store.client.on('commandStarted', listen);
    try {
      const res = await t.gql(
        `query Q($from: DateTime!, $to: DateTime!) {
          dataDashboard { totals { datasets } }
          datasets { nodes { id
            popularity { score } network: popularity(scope: NETWORK) { score }
            usage(from: $from, to: $to) { total { downloads } } } } }`,
        { from: at(day(M1, 1)), to: at(day(M2, 1)) },
        admin,
      );
      expect(res.errors).toBeUndefined();
    } finally {
      t.gw.store.client.off('commandStarted', listen);
    }
    // The background aggregator's own reads (write marks) are not the request's.
    const reads = (col: string) =>
      seen.filter((e) => e.commandName === 'find' && e.command.find === col && !e.command.projection?.batches).length;
    // At most once: the totals and the published catalog may come from the
    // process caches (src/store/dashboard.repository.ts).
    expect(reads('usage_totals')).toBeLessThanOrEqual(1);
    expect(reads('reuses')).toBe(1);
    expect(reads('usage_daily')).toBe(1); // the 8 usage series in one query
    expect(reads('themes')).toBe(1);
    expect(reads('datasets')).toBeLessThanOrEqual(2); // the page, and the dashboard's one read
    expect(reads('agg_state')).toBeLessThanOrEqual(1); // the cache's freshness check
    // Figures are read from derived documents, never from the event log.
    // (The aggregator's queue polls are the only event_log commands.)
    expect(seen.filter((e) => e.command[e.commandName] === 'event_log' && e.command.filter?._id?.$gte !== '~q|')).toEqual([]);
  });

  it('lists the reuses of a dataset and the visible datasets of a reuse', async () => {
    const R = `query R($id: ID!) { reuse(id: $id) { id title url type author { id } datasets { id } } }`;
    const a1 = await t.gql<{ dataset: { reuses: { totalCount: number; nodes: { id: string }[] } } }>(
      `{ dataset(id: "a1") { reuses { totalCount nodes { id } } } }`,
      {},
      null,
    );
    expect(a1.data!.dataset.reuses.totalCount).toBe(2);
    expect(a1.data!.dataset.reuses.nodes.map((n) => n.id).sort()).toEqual([reuseIds.r1, reuseIds.r2].sort());

    const r2 = await t.gql<{ reuse: { url: string; type: string; author: null; datasets: { id: string }[] } }>(R, { id: reuseIds.r2 }, null);
    expect(r2.data!.reuse).toMatchObject({ url: 'https://apps.example.org/r2', type: 'VISUALIZATION', author: null, datasets: [{ id: 'a1' }, { id: 'b1' }] });
    // r3 only points at a private dataset: hidden from anonymous callers, shown to a member of its space.
    expect((await t.gql<{ reuse: null }>(R, { id: reuseIds.r3 }, null)).data!.reuse).toBeNull();
    const r3 = await t.gql<{ reuse: { author: { id: string }; datasets: { id: string }[] } }>(R, { id: reuseIds.r3 }, bob);
    expect(r3.data!.reuse).toMatchObject({ author: { id: 'alice' }, datasets: [{ id: 'a3' }] });
    const r5 = await t.gql<{ reuse: { author: { id: string } } }>(R, { id: reuseIds.r5 }, null);
    expect(r5.data!.reuse.author).toEqual({ id: 'bob' });
  });

  it('checks who may register, change and remove reuses, and writes nothing on a bad reference', async () => {
    const REG = `mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id } }`;
    const input = (patch: Record<string, unknown>) => ({ title: 'x', url: 'https://x.example.org/', type: 'OTHER', datasetIds: ['a1'], ...patch });
    const count = () => t.gw.store.reuses.countDocuments({});
    const before = await count();
    const code = async (q: string, vars: Record<string, unknown>, key: string | null) => (await t.gql(q, vars, key)).errors?.[0].extensions?.code;

    expect(await code(REG, { input: input({ datasetIds: ['a1', 'nope'] }) }, admin)).toBe('UNKNOWN_REFERENCE');
    expect(await code(REG, { input: input({ datasetIds: ['b2'] }) }, bob)).toBe('UNKNOWN_REFERENCE'); // hidden from bob
    expect(await code(REG, { input: input({ authorId: 'nobody' }) }, admin)).toBe('UNKNOWN_REFERENCE');
    expect(await code(REG, { input: input({ authorId: 'carol' }) }, bob)).toBe('FORBIDDEN');
    expect(await code(REG, { input: input({ createdAt: at(day(M1, 1)) }) }, bob)).toBe('FORBIDDEN');
    expect(await code(REG, { input: input({ url: 'javascript:alert(1)' }) }, admin)).toBe('BAD_USER_INPUT');
    expect(await code(REG, { input: input({ datasetIds: [] }) }, admin)).toBe('BAD_USER_INPUT');
    expect(await code(REG, { input: input({ type: 'PODCAST' }) }, admin)).toBe('BAD_USER_INPUT');
    expect(await code(REG, { input: input({}) }, null)).toBe('UNAUTHENTICATED');
    expect(await code(REG, { input: input({}) }, tracker)).toBe('FORBIDDEN');
    expect(await count()).toBe(before);

    const UPD = `mutation U($id: ID!, $input: UpdateReuseInput!) { updateReuse(id: $id, input: $input) { id title datasets { id } author { id } } }`;
    const DEL = `mutation D($id: ID!) { removeReuse(id: $id) }`;
    expect(await code(UPD, { id: reuseIds.r5, input: { title: 'mine now' } }, carol)).toBe('FORBIDDEN');
    expect(await code(DEL, { id: reuseIds.r5 }, carol)).toBe('FORBIDDEN');
    expect(await code(DEL, { id: reuseIds.r3 }, carol)).toBe('NOT_FOUND'); // carol cannot see r3 at all
    expect(await code(DEL, { id: 'reuse-missing' }, admin)).toBe('NOT_FOUND');
    expect(await code(UPD, { id: reuseIds.r5, input: { datasetIds: ['b3', 'b2'] } }, bob)).toBe('UNKNOWN_REFERENCE');
    expect(await count()).toBe(before);
  });

  it('moves the figures when a reuse is changed or removed', async () => {
    const UPD = `mutation U($id: ID!, $input: UpdateReuseInput!) { updateReuse(id: $id, input: $input) { id title datasets { id } author { id } } }`;
    const upd = await t.gql<{ updateReuse: { title: string; datasets: { id: string }[]; author: { id: string } } }>(
      UPD,
      { id: reuseIds.r5, input: { title: 'r5 bis', datasetIds: ['b3', 'b1'] } },
      bob,
    );
    expect(upd.errors).toBeUndefined();
    expect(upd.data!.updateReuse).toEqual({ id: reuseIds.r5, title: 'r5 bis', datasets: [{ id: 'b1' }, { id: 'b3' }], author: { id: 'bob' } });
    let d = await dashboard({}, admin);
    expect(d.totals).toMatchObject({ reuses: 4, datasetsWithReuses: 4 });
    expect(pairs(d.top5.reuses)).toEqual([['a1', 2], ['b1', 2], ['a3', 1], ['b3', 1]]);
    // b1 now has 2 reuses, the maximum: its reuse points go from 20·ln2/ln3 to 20.
    expect(d.popularity.mostPopular.find((e) => e.datasetId === 'b1')!.score).toBe(formula([1, 40, 2], NET_MAX));

    const del = await t.gql<{ removeReuse: string }>(`mutation D($id: ID!) { removeReuse(id: $id) }`, { id: reuseIds.r5 }, bob);
    expect(del.data!.removeReuse).toBe(reuseIds.r5);
    d = await dashboard({}, admin);
    expect(d.totals).toMatchObject({ reuses: 3, datasetsWithReuses: 3, reuseShare: 3 / 7 });
    expect(pairs(d.top5.reuses)).toEqual([['a1', 2], ['a3', 1], ['b1', 1]]);
    expect(d.popularity.leastPopular.slice(0, 2).map((e) => [e.datasetId, e.score])).toEqual([
      ['a4', 0],
      ['b3', formula([0, 1, 0], NET_MAX)],
    ]);

    // An admin may change anyone's reuse, including its author.
    const r4 = await t.gql<{ updateReuse: { author: null } }>(UPD, { id: reuseIds.r4, input: { authorId: null } }, admin);
    expect(r4.data!.updateReuse.author).toBeNull();
  });
});

describe('popularity worked example (docs/popularity.md) through the gateway', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'popularity.md'), 'utf8');
  /** The rows of the markdown table that follows `marker`. */
  const table = (marker: string): string[][] => {
    const lines = doc.slice(doc.indexOf(marker) + marker.length).split('\n');
    const start = lines.findIndex((l) => l.startsWith('|'));
    const rows: string[][] = [];
    for (const l of lines.slice(start)) {
      if (!l.startsWith('|')) break;
      rows.push(l.split('|').slice(1, -1).map((c) => c.trim()));
    }
    return rows.slice(2); // header and separator
  };
  const inputs = table('<!-- worked-example:inputs -->').map(([id, downloads, apiCalls, reuses]) => ({
    id,
    downloads: Number(downloads),
    apiCalls: Number(apiCalls),
    reuses: Number(reuses),
  }));
  const results = table('<!-- worked-example:results -->').map(([rank, id, score, dl, api, re, percentile]) => ({
    id,
    rank: Number(rank),
    score: Number(score),
    contributions: { downloads: Number(dl), apiCalls: Number(api), reuses: Number(re) },
    percentile: Number(percentile),
  }));

  let t: TestGateway;
  // Weights are relative: 5/3/2 is the default 0.5/0.3/0.2 (docs/popularity.md), so the
  // doc's table must come out unchanged — and this checks POPULARITY_WEIGHTS is applied.
  beforeAll(async () => {
    t = await startTestGateway({ env: { POPULARITY_WEIGHTS: 'downloads=5, apiCalls=3, reuses=2' } });
  });
  afterAll(() => t.stop());

  it('parses the example from the doc', () => {
    expect(inputs.map((i) => i.id)).toEqual(['air-quality', 'bike-stations', 'budget-2024', 'parking-lots', 'new-dataset']);
    expect(results).toHaveLength(5);
  });

  it('gives the scores of the doc for the same downloads, API calls and reuses', async () => {
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p-doc', name: 'Worked example', url: null }]);
    await w.datasets(
      inputs.map((i) => ({
        _id: i.id,
        title: i.id,
        description: null,
        portalId: 'p-doc',
        ownerId: null,
        spaceIds: [],
        collectionIds: [],
        themeIds: [],
        licence: null,
        publisher: null,
        published: true,
        visibility: Visibility.PUBLIC,
        recordCount: 0,
      })),
    );
    // 1.2 million API calls cannot be sent as events in a test: the usage totals
    // the dashboard reads are written directly (the shape the ingestion writes),
    // every download and call from its own session (formula 2 counts sessions).
    await t.gw.store.usageTotals.insertMany(
      inputs.map((i) => ({
        _id: `DATASET:${i.id}`, resourceType: ResourceType.DATASET, resourceId: i.id, downloads: i.downloads, apiCalls: i.apiCalls,
        uniqueRequests: i.downloads, uniqueInvestigations: i.downloads + i.apiCalls,
      })),
    );
    const admin = await t.keyFor('root', 'ADMIN');
    for (const i of inputs) {
      for (let k = 0; k < i.reuses; k += 1) {
        const res = await t.gql(
          `mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id } }`,
          { input: { title: `${i.id} #${k}`, url: `https://reuse.example.org/${i.id}/${k}`, type: 'OTHER', datasetIds: [i.id] } },
          admin,
        );
        expect(res.errors).toBeUndefined();
      }
    }

    const res = await t.gql<{ datasets: { nodes: { id: string; popularity: { rank: number } & Record<string, unknown> }[] } }>(
      `{ datasets(filter: { portalId: "p-doc" }) { nodes { id popularity { rank score percentile contributions { downloads apiCalls reuses } } } } }`,
      {},
      null,
    );
    expect(res.errors).toBeUndefined();
    const got = res.data!.datasets.nodes
      .map((n) => ({ id: n.id, ...n.popularity }))
      .sort((a, b) => a.rank - b.rank);
    expect(got).toEqual(results);

    const d = await t.gql<{ dataDashboard: { weights: unknown; popularity: { mostPopular: { datasetId: string; score: number }[] } } }>(
      `{ dataDashboard(portalId: "p-doc") { weights { downloads apiCalls reuses } popularity { mostPopular { datasetId score } } } }`,
      {},
      null,
    );
    expect(d.data!.dataDashboard.weights).toEqual({ downloads: 5, apiCalls: 3, reuses: 2 });
    expect(d.data!.dataDashboard.popularity.mostPopular).toEqual(results.map((r) => ({ datasetId: r.id, score: r.score })));
  });

  it('refuses to start with invalid POPULARITY_WEIGHTS', async () => {
    await expect(startTestGateway({ env: { POPULARITY_WEIGHTS: 'downloads=1,apiCalls=-1,reuses=1' } })).rejects.toThrow(
      /POPULARITY_WEIGHTS value for "apiCalls" must be a non-negative decimal number/,
    );
  });
});
