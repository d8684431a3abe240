import { Visibility } from '../src/domain/resources';
import { buildDashboard, selectDatasets, topBy, type DashboardDataset, type DashboardInput } from '../src/dashboard/dashboard';
import { distinctReuses, reuseCounts, reusesUpTo } from '../src/dashboard/reuse-counts';
import { scoreScope } from '../src/dashboard/popularity-scope';
import type { UsageFigures } from '../src/domain/dashboard-inputs';
import {
  MAX_DAY_POINTS,
  MAX_MONTH_POINTS,
  addDays,
  checkSeriesRange,
  dayCount,
  monthCount,
  seriesPeriods,
  usageSeries,
} from '../src/dashboard/usage-series';
import { popularityWeightsFrom } from '../src/dashboard/dashboard.service';
import { canEditReuse, canSeeReuse } from '../src/dashboard/reuse.service';
import { POPULARITY_FORMULA_VERSION } from '../src/dashboard/popularity';
import { DEFAULT_POPULARITY_WEIGHTS } from '../src/dashboard/popularity-weights';
import type { Caller } from '../src/domain/caller';

/**
 * The published formula (docs/popularity.md), written out again here so the
 * expected scores do not come from the code under test.
 */
function formula(x: { d: number; a: number; r: number }, max: { d: number; a: number; r: number }, w = { d: 0.5, a: 0.3, r: 0.2 }): number {
  const n = (v: number, m: number) => (m === 0 ? 0 : Math.log(1 + v) / Math.log(1 + m));
  const sum = w.d + w.a + w.r;
  return Math.round(100 * ((100 * w.d * n(x.d, max.d)) / sum + (100 * w.a * n(x.a, max.a)) / sum + (100 * w.r * n(x.r, max.r)) / sum)) / 100;
}

function ds(id: string, patch: Partial<DashboardDataset> = {}): DashboardDataset {
  return {
    id,
    title: `Title ${id}`,
    portalId: 'p1',
    published: true,
    visibility: Visibility.PUBLIC,
    themeIds: ['t1'],
    licence: 'ODbL',
    publisher: 'Org',
    recordCount: 1,
    ...patch,
  };
}

/** Every click from its own session (so the score's per-session inputs equal the counts), unless `uniques` says otherwise. */
function usage(entries: Record<string, [number, number, number]>, uniques: Record<string, Partial<UsageFigures>> = {}): Map<string, UsageFigures> {
  return new Map(
    Object.entries(entries).map(([id, [views, downloads, apiCalls]]) => [
      id,
      { views, downloads, apiCalls, uniqueRequests: downloads, uniqueInvestigations: views + downloads + apiCalls, ...uniques[id] },
    ]),
  );
}

describe('selectDatasets', () => {
  const all = [
    ds('c', { visibility: Visibility.PRIVATE }),
    ds('a'),
    ds('b', { published: false }),
    ds('d', { portalId: 'p2' }),
    ds('e', { portalId: 'p2', visibility: Visibility.PRIVATE }),
  ];
  it('keeps published datasets only, sorted by id', () => {
    expect(selectDatasets(all, 'ALL', null).map((d) => d.id)).toEqual(['a', 'c', 'd', 'e']);
  });
  it('applies the visibility switch and the portal', () => {
    expect(selectDatasets(all, 'PUBLIC', null).map((d) => d.id)).toEqual(['a', 'd']);
    expect(selectDatasets(all, 'PRIVATE', null).map((d) => d.id)).toEqual(['c', 'e']);
    expect(selectDatasets(all, 'ALL', 'p2').map((d) => d.id)).toEqual(['d', 'e']);
    expect(selectDatasets(all, 'PRIVATE', 'p1').map((d) => d.id)).toEqual(['c']);
    expect(selectDatasets(all, 'ALL', 'nope')).toEqual([]);
  });
});

describe('reuses', () => {
  const at = (iso: string) => new Date(iso);
  const links = [
    { id: 'r1', datasetIds: ['a', 'b'], createdAt: at('2026-03-10T23:59:59.999Z') },
    { id: 'r2', datasetIds: ['a', 'a'], createdAt: at('2026-03-11T00:00:00.000Z') },
    { id: 'r3', datasetIds: ['zz'], createdAt: at('2026-01-01T00:00:00.000Z') },
  ];
  it('count in a window when registered on or before its last day (UTC)', () => {
    expect(reusesUpTo(links, '2026-03-10').map((r) => r.id)).toEqual(['r1', 'r3']);
    expect(reusesUpTo(links, '2026-03-11').map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect(reusesUpTo(links, null)).toHaveLength(3);
    expect(reusesUpTo(links, '2025-12-31')).toEqual([]);
  });
  it('count once per dataset, whatever the reuse lists twice, and only for the datasets asked', () => {
    expect(Object.fromEntries(reuseCounts(['a', 'b', 'c'], links))).toEqual({ a: 2, b: 1, c: 0 });
    expect(distinctReuses(new Set(['a', 'b']), links)).toBe(2);
    expect(distinctReuses(new Set(['b']), links)).toBe(1);
    expect(distinctReuses(new Set(['c']), links)).toBe(0);
  });
});

describe('topBy', () => {
  it('drops zeros, orders by count desc then id, cuts at 5', () => {
    const list = ['f', 'e', 'd', 'c', 'b', 'a', 'z'].map((id) => ds(id));
    const counts: Record<string, number> = { a: 1, b: 3, c: 3, d: 0, e: 7, f: 2, z: 1 };
    expect(topBy(list, (d) => counts[d.id]).map((e) => [e.datasetId, e.count])).toEqual([
      ['e', 7],
      ['b', 3],
      ['c', 3],
      ['f', 2],
      ['a', 1],
    ]);
    expect(topBy([ds('x')], () => 0)).toEqual([]);
  });
});

describe('buildDashboard', () => {
  // Seven published datasets on two portals, a draft and a dataset the
  // caller may not see are added to check they change nothing.
  const datasets: DashboardDataset[] = [
    ds('a1', { themeIds: ['t-env'], recordCount: 100 }),
    ds('a2', { themeIds: ['t-env', 't-mob'], licence: null, recordCount: 50 }),
    ds('a3', { themeIds: ['t-mob'], publisher: '  ', visibility: Visibility.PRIVATE, recordCount: 20 }),
    ds('a4', { themeIds: [], recordCount: 0 }),
    ds('b1', { portalId: 'p2', themeIds: ['t-eco'], recordCount: 10 }),
    ds('b2', { portalId: 'p2', themeIds: ['t-eco'], visibility: Visibility.PRIVATE, recordCount: 5 }),
    ds('b3', { portalId: 'p2', themeIds: ['t-mob'], licence: '', publisher: null, recordCount: 7 }),
    ds('draft', { published: false, themeIds: ['t-x'], recordCount: 1000 }),
  ];
  const use = usage({
    a1: [5, 10, 20],
    a2: [2, 3, 5],
    a3: [1, 8, 2],
    b1: [0, 1, 40],
    b2: [2, 3, 3],
    b3: [0, 0, 1],
    draft: [100, 1000, 1000],
  });
  const reuses = [
    { id: 'r1', datasetIds: ['a1'] },
    { id: 'r2', datasetIds: ['a1', 'b1'] },
    { id: 'r3', datasetIds: ['a3'] },
    { id: 'r4', datasetIds: ['draft'] },
    { id: 'r5', datasetIds: ['b3'] },
  ];
  const input = (patch: Partial<DashboardInput> = {}): DashboardInput => ({
    datasets,
    visibility: 'ALL',
    portalId: null,
    usage: use,
    reuses,
    themeNames: new Map([
      ['t-env', 'Environment'],
      ['t-mob', 'Mobility'],
    ]),
    histogramBuckets: 10,
    ...patch,
  });
  // By hand: maxima over the 7 published datasets.
  const max = { d: 10, a: 40, r: 2 };
  const expected: Record<string, number> = {
    a1: formula({ d: 10, a: 20, r: 2 }, max),
    a2: formula({ d: 3, a: 5, r: 0 }, max),
    a3: formula({ d: 8, a: 2, r: 1 }, max),
    a4: 0,
    b1: formula({ d: 1, a: 40, r: 1 }, max),
    b2: formula({ d: 3, a: 3, r: 0 }, max),
    b3: formula({ d: 0, a: 1, r: 1 }, max),
  };

  it('totals only published datasets', () => {
    const r = buildDashboard(input());
    expect(r.totals).toEqual({
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
      machineUse: 0,
      robotEvents: 0,
      robotShare: 0,
      machineShare: 0,
    });
    expect(r.scope).toBe('NETWORK');
    expect(r.portalId).toBeNull();
    expect(r.formulaVersion).toBe(POPULARITY_FORMULA_VERSION);
    expect(r.weights).toEqual(DEFAULT_POPULARITY_WEIGHTS);
  });

  it('gives the shares of robot and of machine traffic of the counted datasets', () => {
    const base = input();
    const usage = new Map([...base.usage].map(([id, u]) => [id, { ...u, machine: 1, robotEvents: 2 }]));
    const r = buildDashboard({ ...base, usage });
    // 7 published datasets counted, 6 with usage: regular use 10 + 25 + 71 = 106.
    expect(r.totals).toMatchObject({ machineUse: 6, robotEvents: 12 });
    expect(r.totals.robotShare).toBeCloseTo(12 / (12 + 106 + 6), 10);
    expect(r.totals.machineShare).toBeCloseTo(6 / (106 + 6), 10);
  });

  it('scores relative to the counted datasets, ranks them, and lists most and least popular', () => {
    const r = buildDashboard(input());
    // Order by the hand-computed scores: a1 94.6 > a3 > b1 > a2 > b2 > b3 > a4.
    expect(expected.a1).toBe(94.6);
    const order = ['a1', 'a3', 'b1', 'a2', 'b2', 'b3', 'a4'];
    expect(r.popularity.mostPopular.map((e) => [e.datasetId, e.score])).toEqual(order.slice(0, 5).map((id) => [id, expected[id]]));
    expect(r.popularity.leastPopular.map((e) => e.datasetId)).toEqual(['a4', 'b3', 'b2', 'a2', 'b1']);
    expect(r.popularity.leastPopular.map((e) => e.popularity.rank)).toEqual([7, 6, 5, 4, 3]);
    const a1 = r.popularity.mostPopular[0];
    expect(a1).toMatchObject({ datasetId: 'a1', title: 'Title a1', downloads: 10, apiCalls: 20, reuses: 2 });
    expect(a1.popularity).toMatchObject({ rank: 1, scope: 'NETWORK', portalId: null, scopeSize: 7, percentile: round2((100 * 6) / 7) });
    expect(a1.popularity.metrics).toEqual({ downloads: 10, apiCalls: 20, reuses: 2 });
    const c = a1.popularity.contributions;
    expect(Math.round((c.downloads + c.apiCalls + c.reuses) * 100)).toBe(Math.round(a1.score * 100));
  });

  it('buckets every counted score in the histogram', () => {
    const r = buildDashboard(input());
    // 94.6 | 67.31 | 57.07 | 43.38, 40.11 | 18.22 | 0
    expect(r.popularity.histogram.map((b) => b.count)).toEqual([1, 1, 0, 0, 2, 1, 1, 0, 0, 1]);
    expect(r.popularity.histogram[0]).toEqual({ from: 0, to: 10, count: 1 });
    expect(buildDashboard(input({ histogramBuckets: 1 })).popularity.histogram).toEqual([{ from: 0, to: 100, count: 7 }]);
    expect(() => buildDashboard(input({ histogramBuckets: 0 }))).toThrow(RangeError);
  });

  it('lists top 5 per metric without zeros, ties by id', () => {
    const r = buildDashboard(input());
    expect(r.top5.downloads.map((e) => [e.datasetId, e.count])).toEqual([
      ['a1', 10],
      ['a3', 8],
      ['a2', 3],
      ['b2', 3],
      ['b1', 1],
    ]);
    expect(r.top5.apiCalls.map((e) => [e.datasetId, e.count])).toEqual([
      ['b1', 40],
      ['a1', 20],
      ['a2', 5],
      ['b2', 3],
      ['a3', 2],
    ]);
    expect(r.top5.reuses.map((e) => [e.datasetId, e.count])).toEqual([
      ['a1', 2],
      ['a3', 1],
      ['b1', 1],
      ['b3', 1],
    ]);
  });

  it('describes every theme in use, by dataset count then id', () => {
    const r = buildDashboard(input());
    const avg = (...ids: string[]) => round2(ids.reduce((s, id) => s + expected[id], 0) / ids.length);
    expect(r.themes).toEqual([
      { themeId: 't-mob', name: 'Mobility', datasetCount: 3, downloads: 11, apiCalls: 8, reuses: 2, averageScore: avg('a2', 'a3', 'b3') },
      { themeId: 't-eco', name: 't-eco', datasetCount: 2, downloads: 4, apiCalls: 43, reuses: 1, averageScore: avg('b1', 'b2') },
      { themeId: 't-env', name: 'Environment', datasetCount: 2, downloads: 13, apiCalls: 25, reuses: 2, averageScore: avg('a1', 'a2') },
    ]);
  });

  it('never lets a dataset outside the selection move a figure', () => {
    const base = buildDashboard(input());
    const hidden = ds('hidden', { published: false });
    const more = buildDashboard(
      input({
        datasets: [...datasets, hidden],
        usage: new Map([...use, ['hidden', { views: 1e6, downloads: 1e6, apiCalls: 1e6 }]]),
        reuses: [...reuses, { id: 'r9', datasetIds: ['hidden'] }],
      }),
    );
    expect(more).toEqual(base);
  });

  it('scores a portal against its own datasets only (PORTAL scope)', () => {
    const r = buildDashboard(input({ portalId: 'p1' }));
    expect(r.scope).toBe('PORTAL');
    expect(r.totals).toMatchObject({ datasets: 4, records: 170, downloads: 21, apiCalls: 27, views: 8, reuses: 3 });
    const pMax = { d: 10, a: 20, r: 2 };
    expect(r.popularity.mostPopular.map((e) => [e.datasetId, e.score, e.popularity.portalId])).toEqual([
      ['a1', 100, 'p1'],
      ['a3', formula({ d: 8, a: 2, r: 1 }, pMax), 'p1'],
      ['a2', formula({ d: 3, a: 5, r: 0 }, pMax), 'p1'],
      ['a4', 0, 'p1'],
    ]);
  });

  it('scores people, not clicks (formula 2): one session\'s 100 downloads or API calls weigh as one', () => {
    const two = [ds('busy'), ds('broad')];
    const scope = { kind: 'NETWORK' as const, portalId: null };
    const scores = scoreScope(
      two,
      usage({ busy: [0, 100, 100], broad: [0, 5, 5] }, { busy: { uniqueRequests: 1, uniqueInvestigations: 1 } }),
      new Map(),
      scope,
    );
    // busy: 1 downloading session, API calls capped at its 1 investigating session; broad: 5 and 5.
    expect(scores.get('busy')!.metrics).toEqual({ downloads: 1, apiCalls: 1, reuses: 0 });
    expect(scores.get('broad')!.metrics).toEqual({ downloads: 5, apiCalls: 5, reuses: 0 });
    expect(scores.get('broad')!.rank).toBe(1);
    expect(scores.get('busy')!.score).toBe(formula({ d: 1, a: 1, r: 0 }, { d: 5, a: 5, r: 0 }));
    expect(scores.get('busy')!.formulaVersion).toBe(POPULARITY_FORMULA_VERSION);
  });

  it('builds the private and public halves from their own datasets', () => {
    const priv = buildDashboard(input({ visibility: 'PRIVATE' }));
    expect(priv.totals).toMatchObject({ datasets: 2, records: 25, downloads: 11, apiCalls: 5, views: 3, reuses: 1, reuseShare: 0.5 });
    const pm = { d: 8, a: 3, r: 1 };
    expect(priv.popularity.mostPopular.map((e) => [e.datasetId, e.score])).toEqual([
      ['a3', formula({ d: 8, a: 2, r: 1 }, pm)],
      ['b2', formula({ d: 3, a: 3, r: 0 }, pm)],
    ]);
    const pub = buildDashboard(input({ visibility: 'PUBLIC' }));
    expect(pub.totals).toMatchObject({ datasets: 5, records: 167, downloads: 14, apiCalls: 66, reuses: 3 });
  });

  it('is all zeros without datasets', () => {
    const r = buildDashboard(input({ datasets: [] }));
    expect(r.totals).toEqual({
      datasets: 0,
      records: 0,
      views: 0,
      downloads: 0,
      apiCalls: 0,
      reuses: 0,
      datasetsWithReuses: 0,
      reuseShare: 0,
      datasetsMissingTheme: 0,
      datasetsMissingLicence: 0,
      datasetsMissingPublisher: 0,
      machineUse: 0,
      robotEvents: 0,
      robotShare: 0,
      machineShare: 0,
    });
    expect(r.popularity.mostPopular).toEqual([]);
    expect(r.popularity.leastPopular).toEqual([]);
    expect(r.popularity.histogram.every((b) => b.count === 0)).toBe(true);
    expect(r.top5).toEqual({ downloads: [], apiCalls: [], reuses: [] });
    expect(r.themes).toEqual([]);
  });

  it('uses the given weights', () => {
    const w = { downloads: 1, apiCalls: 0, reuses: 0 };
    const r = buildDashboard(input({ weights: w }));
    expect(r.popularity.mostPopular[0]).toMatchObject({ datasetId: 'a1', score: 100 });
    expect(r.popularity.mostPopular[1]).toMatchObject({ datasetId: 'a3', score: formula({ d: 8, a: 0, r: 0 }, { d: 10, a: 1, r: 1 }, { d: 1, a: 0, r: 0 }) });
    expect(r.weights).toEqual(w);
  });
});

describe('scoreScope', () => {
  it('echoes the scope and its size', () => {
    const s = scoreScope([{ id: 'x' }, { id: 'y' }], usage({ x: [0, 4, 0] }), new Map(), { kind: 'PORTAL', portalId: 'p9' });
    expect(s.get('x')).toMatchObject({ score: 50, rank: 1, scope: 'PORTAL', portalId: 'p9', scopeSize: 2, formulaVersion: POPULARITY_FORMULA_VERSION });
    expect(s.get('y')).toMatchObject({ score: 0, rank: 2, percentile: 0 });
    expect(scoreScope([{ id: 'x' }], new Map(), new Map(), { kind: 'NETWORK', portalId: 'ignored' }).get('x')!.portalId).toBeNull();
  });
});

describe('usage series', () => {
  const rows = [
    { day: '2026-02-27', views: 1, downloads: 0, apiCalls: 0 },
    { day: '2026-02-28', views: 0, downloads: 2, apiCalls: 0 },
    { day: '2026-02-28', views: 0, downloads: 1, apiCalls: 0 },
    { day: '2026-03-02', views: 0, downloads: 0, apiCalls: 5 },
    { day: '2026-04-01', views: 9, downloads: 9, apiCalls: 9 },
  ];
  it('zero-fills every day of the range and ignores rows outside it', () => {
    expect(usageSeries(rows, '2026-02-28', '2026-03-03', 'DAY')).toEqual([
      { period: '2026-02-28', views: 0, downloads: 3, apiCalls: 0 },
      { period: '2026-03-01', views: 0, downloads: 0, apiCalls: 0 },
      { period: '2026-03-02', views: 0, downloads: 0, apiCalls: 5 },
      { period: '2026-03-03', views: 0, downloads: 0, apiCalls: 0 },
    ]);
  });
  it('sums months over the days of the range only', () => {
    expect(usageSeries(rows, '2026-02-28', '2026-04-01', 'MONTH')).toEqual([
      { period: '2026-02', views: 0, downloads: 3, apiCalls: 0 },
      { period: '2026-03', views: 0, downloads: 0, apiCalls: 5 },
      { period: '2026-04', views: 9, downloads: 9, apiCalls: 9 },
    ]);
    expect(usageSeries([], '2025-11-30', '2026-01-01', 'MONTH').map((p) => p.period)).toEqual(['2025-11', '2025-12', '2026-01']);
  });
  it('counts days and months across leap years and year ends', () => {
    expect(dayCount('2024-02-28', '2024-03-01')).toBe(3);
    expect(dayCount('2026-03-01', '2026-02-28')).toBe(0);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(monthCount('2025-12-31', '2026-01-01')).toBe(2);
    expect(seriesPeriods('2024-02-28', '2024-03-01', 'DAY')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(() => dayCount('2026-02-30', '2026-03-01')).toThrow(RangeError);
  });
  it('caps the range', () => {
    expect(checkSeriesRange('2026-01-01', '2026-01-01', 'DAY')).toBeNull();
    expect(checkSeriesRange('2024-01-01', addDays('2024-01-01', MAX_DAY_POINTS - 1), 'DAY')).toBeNull();
    expect(checkSeriesRange('2024-01-01', addDays('2024-01-01', MAX_DAY_POINTS), 'DAY')).toMatch(/at most 1096 days/);
    expect(checkSeriesRange('2016-01-15', '2025-12-01', 'MONTH')).toBeNull();
    expect(MAX_MONTH_POINTS).toBe(120);
    expect(checkSeriesRange('2016-01-15', '2026-01-01', 'MONTH')).toMatch(/at most 120 months/);
    expect(checkSeriesRange('2026-01-02', '2026-01-01', 'MONTH')).toMatch(/after/);
  });
});

describe('popularityWeightsFrom', () => {
  it('defaults when unset or blank, parses otherwise, and names the problem', () => {
    expect(popularityWeightsFrom(undefined)).toEqual(DEFAULT_POPULARITY_WEIGHTS);
    expect(popularityWeightsFrom('  ')).toEqual(DEFAULT_POPULARITY_WEIGHTS);
    expect(popularityWeightsFrom('downloads=1,apiCalls=1,reuses=2')).toEqual({ downloads: 1, apiCalls: 1, reuses: 2 });
    expect(() => popularityWeightsFrom('downloads=1')).toThrow(/POPULARITY_WEIGHTS is missing apiCalls, reuses/);
    expect(() => popularityWeightsFrom('downloads=0,apiCalls=0,reuses=0')).toThrow(/POPULARITY_WEIGHTS/);
  });
});

describe('reuse permissions', () => {
  const user = (userId: string, role: 'ADMIN' | 'USER' | 'TRACKER', spaceIds: string[] = []): Caller => ({
    kind: 'user',
    userId,
    role,
    automated: false,
    spaceIds,
  });
  const pub = { _id: 'pub', published: true, visibility: Visibility.PUBLIC, ownerId: null, spaceIds: [] };
  const priv = { _id: 'priv', published: true, visibility: Visibility.PRIVATE, ownerId: 'owner', spaceIds: ['s1'] };
  it('shows a reuse to whoever sees one of its datasets, its author and admins', () => {
    const onPrivate = { authorId: 'bob', datasetIds: ['priv'] };
    expect(canSeeReuse(onPrivate, [priv], { kind: 'anonymous' })).toBe(false);
    expect(canSeeReuse(onPrivate, [priv], user('carol', 'USER'))).toBe(false);
    expect(canSeeReuse(onPrivate, [priv], user('member', 'USER', ['s1']))).toBe(true);
    expect(canSeeReuse(onPrivate, [priv], user('bob', 'USER'))).toBe(true);
    expect(canSeeReuse(onPrivate, [priv], user('root', 'ADMIN'))).toBe(true);
    expect(canSeeReuse({ authorId: null, datasetIds: ['pub', 'priv'] }, [pub, priv], { kind: 'anonymous' })).toBe(true);
  });
  it('lets admins edit any reuse and users their own', () => {
    expect(canEditReuse({ authorId: 'bob' }, user('bob', 'USER'))).toBe(true);
    expect(canEditReuse({ authorId: 'bob' }, user('carol', 'USER'))).toBe(false);
    expect(canEditReuse({ authorId: null }, user('carol', 'USER'))).toBe(false);
    expect(canEditReuse({ authorId: null }, user('root', 'ADMIN'))).toBe(true);
    expect(canEditReuse({ authorId: 'svc' }, user('svc', 'TRACKER'))).toBe(false);
    expect(canEditReuse({ authorId: 'bob' }, { kind: 'anonymous' })).toBe(false);
  });
});

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
