import { startTestGateway, type TestGateway } from './test-gateway';
import { BROWSER_UA, registerReuse, trackAllRecorded } from './fixtures';
import { Visibility } from '../../src/domain/resources';

/**
 * The data dashboard tests' gateway (test/dashboard-visibility.test.ts,
 * dashboard-windows, dashboard-reads, dashboard-reuses): a hand-made catalog,
 * events recorded through `trackAccesses` over HTTP, reuses through the reuse
 * mutations, and every expected figure worked out by hand below (scores with
 * the published formula of docs/popularity.md, written out again in
 * `formula`).
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
export const monthStart = (k: number) => new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + k, 1));
export const M1 = monthStart(-2);
export const M2 = monthStart(-1);
export const day = (m: Date, d: number) => `${m.toISOString().slice(0, 7)}-${String(d).padStart(2, '0')}`;
export const lastDayOf = (m: Date) => new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
export const at = (d: string, time = '12:00:00') => `${d}T${time}.000Z`;

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
export function formula(x: [number, number, number], max: [number, number, number]): number {
  const n = (v: number, m: number) => (m === 0 ? 0 : Math.log(1 + v) / Math.log(1 + m));
  return Math.round(100 * (50 * n(x[0], max[0]) + 30 * n(x[1], max[1]) + 20 * n(x[2], max[2]))) / 100;
}
export const round2 = (x: number) => Math.round(x * 100) / 100;

export const DASHBOARD = `query D($v: DashboardVisibility, $p: ID, $from: DateTime, $to: DateTime, $k: Int) {
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

export interface Entry {
  datasetId: string;
  title: string;
  downloads: number;
  apiCalls: number;
  reuses: number;
  score: number;
  popularity: { score: number; rank: number; percentile: number; scope: string; portalId: string | null; scopeSize: number };
}
export interface Dashboard {
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

export const pairs = (l: { datasetId: string; count: number }[]) => l.map((e) => [e.datasetId, e.count]);
export const scores = (l: Entry[]) => l.map((e) => [e.datasetId, e.score]);

/** Hand-computed all-time scores, network scope as admin: maxima downloads 10 (a1), API calls 40 (b1), reuses 2 (a1). */
export const NET_MAX: [number, number, number] = [10, 40, 2];
export const S = {
  a1: formula([10, 20, 2], NET_MAX), // 94.60
  a2: formula([3, 5, 0], NET_MAX), // 43.38
  a3: formula([8, 2, 1], NET_MAX), // 67.31
  a4: 0,
  b1: formula([1, 40, 1], NET_MAX), // 57.07
  b2: formula([3, 3, 0], NET_MAX), // 40.11
  b3: formula([0, 1, 1], NET_MAX), // 18.22
};

/** The dashboard query as `key` (null: anonymous); fails the test on a GraphQL error. */
export type DashboardQuery = (vars: Record<string, unknown>, key: string | null) => Promise<Dashboard>;

export interface DashboardGateway {
  t: TestGateway;
  admin: string;
  alice: string;
  bob: string;
  carol: string;
  tracker: string;
  /** Ids of the reuses r1…r5 of the header. */
  reuseIds: Record<string, string>;
  dashboard: DashboardQuery;
}

/**
 * A gateway (database commands monitored) holding the catalog, activity and
 * reuses of the header, with keys for root (ADMIN), alice, bob, carol (USER)
 * and svc-portal (TRACKER).
 */
export async function startDashboardGateway(): Promise<DashboardGateway> {
  const t = await startTestGateway({ monitorCommands: true });
  const reuseIds: Record<string, string> = {};

  const dashboard: DashboardQuery = async (vars, key) => {
    const res = await t.gql<{ dataDashboard: Dashboard }>(DASHBOARD, vars, key);
    expect(res.errors).toBeUndefined();
    return res.data!.dataDashboard;
  };

  const register = (input: Record<string, unknown>, key: string) => registerReuse(t, input, key);

  // A failed set-up stops its gateway: the test file never gets it to stop.
  try {
    const admin = await t.keyFor('root', 'ADMIN');
    const alice = await t.keyFor('alice', 'USER');
    const bob = await t.keyFor('bob', 'USER');
    const carol = await t.keyFor('carol', 'USER');
    const tracker = await t.keyFor('svc-portal', 'TRACKER');
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

    await trackAllRecorded(t, plannedEvents(), tracker);

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
    return { t, admin, alice, bob, carol, tracker, reuseIds, dashboard };
  } catch (e) {
    await t.stop();
    throw e;
  }
}
