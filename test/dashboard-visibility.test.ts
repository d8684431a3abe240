import type { TestGateway } from './support/test-gateway';
import {
  DASHBOARD,
  S,
  formula,
  pairs,
  round2,
  scores,
  startDashboardGateway,
  type DashboardQuery,
  type Entry,
} from './support/dashboard-fixture';

/*
 * The data dashboard by caller, visibility and portal: who counts which
 * datasets (ALL for an admin, PUBLIC, PRIVATE, anonymous callers, a user's
 * spaces and own datasets), and a portal's scores against its own datasets,
 * the same as Dataset.popularity.
 * The catalog, activity and reuses, and the hand-computed scores, are in
 * test/support/dashboard-fixture.ts.
 */

describe('data dashboard', () => {
  let t: TestGateway;
  let admin: string;
  let bob: string;
  let carol: string;
  let dashboard: DashboardQuery;

  beforeAll(async () => {
    ({ t, admin, bob, carol, dashboard } = await startDashboardGateway());
  });
  afterAll(() => t.stop());

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
});
