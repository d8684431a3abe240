import type { TestGateway } from './support/test-gateway';
import { DASHBOARD, M1, M2, at, day, formula, lastDayOf, monthStart, pairs, startDashboardGateway, type DashboardQuery } from './support/dashboard-fixture';

/*
 * The data dashboard over a time window (activity of the window, reuses
 * registered by its end, the same score as Dataset.popularity), and a
 * dataset's usage series per day and per month, zero-filled.
 * The catalog, activity and reuses, and the hand-computed scores, are in
 * test/support/dashboard-fixture.ts.
 */

describe('data dashboard', () => {
  let t: TestGateway;
  let admin: string;
  let dashboard: DashboardQuery;

  beforeAll(async () => {
    ({ t, admin, dashboard } = await startDashboardGateway());
  });
  afterAll(() => t.stop());

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
});
