/**
 * Where use comes from, and use in time at every level (issue 20), end to
 * end through HTTP and the embedded database: per-country stats of
 * datasets, files, collections, portals and the dashboard (unknown
 * included, private datasets hidden from those who may not see them), the
 * file / collection / portal / network series, their totals after a
 * second batch (`$inc` on stored country totals) and after a full rebuild,
 * and the cost rules of the new fields.
 */
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';
import type { CountryMetrics } from '../src/domain/country-usage';

const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected } }`;
const COUNTRY = `country views downloads apiCalls totalInvestigations uniqueInvestigations totalRequests uniqueRequests volume
  machine { views downloads apiCalls totalInvestigations uniqueInvestigations totalRequests uniqueRequests volume }`;

// Ten days ago and the day before: inside every accepted window whenever the suite runs.
const DAY = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
const DAY2 = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
const at = (day: string, hms: string) => `${day}T${hms}.000Z`;
const RANGE = `from: "${DAY}T00:00:00Z", to: "${DAY2}T23:59:59Z"`;

/** A country row as GraphQL answers it (the machine half as a plain record, to compare with `toEqual`). */
interface Row extends CountryMetrics {
  country: string | null;
  machine: Record<string, number>;
}

/** A row with zeros wherever `r` says nothing. */
function row(country: string | null, r: Partial<Omit<Row, 'country' | 'machine'>> & { machine?: Record<string, number> } = {}): Row {
  const z = { views: 0, downloads: 0, apiCalls: 0, totalInvestigations: 0, uniqueInvestigations: 0, totalRequests: 0, uniqueRequests: 0 };
  return { country, ...z, volume: 0, ...r, machine: { ...z, volume: 0, ...(r.machine ?? {}) } };
}

describe('use by country and in time at every level', () => {
  let t: TestGateway;
  let admin: string;
  let tracker: string;

  const send = async (inputs: Record<string, unknown>[]) => {
    const res = await t.gql<{ trackAccesses: { recorded: number; rejected: number } }>(TRACK_MANY, { inputs }, tracker);
    expect(res.errors).toBeUndefined();
    expect(res.data!.trackAccesses).toEqual({ recorded: inputs.length, rejected: 0 });
  };
  const countriesOf = async (query: string, key: string | null = admin) => {
    const res = await t.gql(query, {}, key);
    expect(res.errors).toBeUndefined();
    return res.data as Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await startTestGateway({ monitorCommands: true });
    await loadSmallCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
    tracker = await t.keyFor('svc-portal', 'TRACKER');
    const who = (n: number, country: string | null) => ({ userAgent: BROWSER_UA, ipAddress: `10.0.0.${n}`, sessionId: `s-${n}`, country });
    // d-pub: a view and an API call from France, a download of f1 from
    // Germany, a view from nowhere known, a machine download from France.
    // d-priv (private): a view from the United States.
    await send([
      { ...who(1, 'FR'), resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: 'c-1', timestamp: at(DAY, '10:00:00') },
      { ...who(1, 'FR'), resourceType: 'DATASET', resourceId: 'd-pub', action: 'API_CALL', eventId: 'c-2', timestamp: at(DAY, '10:05:00') },
      { ...who(2, 'de'), resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'c-3', timestamp: at(DAY, '11:00:00'), bytes: 500 },
      { ...who(3, null), resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: 'c-4', timestamp: at(DAY, '12:00:00') },
      { ...who(4, 'FR'), userAgent: 'python-requests/2.31', resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', eventId: 'c-5', timestamp: at(DAY, '13:00:00') },
      { ...who(5, 'US'), resourceType: 'DATASET', resourceId: 'd-priv', action: 'VIEW', eventId: 'c-6', timestamp: at(DAY, '14:00:00') },
    ]);
    await t.settle();
    // A second batch on a known target: stored country totals move by $inc,
    // on a country it has (DE) and on one it has not yet (JP).
    await send([
      { ...who(6, 'DE'), resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: 'c-7', timestamp: at(DAY2, '09:00:00') },
      { ...who(7, 'JP'), resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', eventId: 'c-8', timestamp: at(DAY2, '09:30:00') },
    ]);
    await t.settle();
  }, 120_000);
  afterAll(() => t?.stop());

  const D_PUB = [
    row('DE', { views: 1, downloads: 1, totalInvestigations: 2, uniqueInvestigations: 2, totalRequests: 1, uniqueRequests: 1, volume: 500 }),
    row('FR', { views: 1, apiCalls: 1, totalInvestigations: 2, uniqueInvestigations: 1, machine: { downloads: 1, totalInvestigations: 1, uniqueInvestigations: 1, totalRequests: 1, uniqueRequests: 1 } }),
    row('JP', { views: 1, totalInvestigations: 1, uniqueInvestigations: 1 }),
    row(null, { views: 1, totalInvestigations: 1, uniqueInvestigations: 1 }),
  ];

  it('a dataset, a file and a collection page give their use by country, unknown last', async () => {
    const d = await countriesOf(`{ dataset(id: "d-pub") { stats { views countries { ${COUNTRY} } } } file(id: "f1") { stats { countries { ${COUNTRY} } } } }`);
    // FR and DE both have 2 investigations: by code then; unknown (null) last.
    expect((d.dataset as { stats: { countries: Row[] } }).stats.countries).toEqual(D_PUB);
    expect((d.file as { stats: { countries: Row[] } }).stats.countries).toEqual([
      row('DE', { downloads: 1, totalInvestigations: 1, uniqueInvestigations: 1, totalRequests: 1, uniqueRequests: 1, volume: 500 }),
      row('FR', { machine: { downloads: 1, totalInvestigations: 1, uniqueInvestigations: 1, totalRequests: 1, uniqueRequests: 1 } }),
    ]);
    // The countries add up to the dataset's totals.
    const views = (d.dataset as { stats: { views: number } }).stats.views;
    expect(D_PUB.reduce((s, r) => s + r.views, 0)).toBe(views);
  });

  it("a collection's subtree, a portal and the dashboard sum their datasets; a private dataset's countries stay hidden", async () => {
    const q = `{ collection(id: "c-root") { stats { countries { country } } subtreeStats { countries { country totalInvestigations } } }
      portal(id: "p1") { subtreeStats { countries { country totalInvestigations } } }
      dataDashboard { countries { country totalInvestigations views } } }`;
    const a = (await countriesOf(q)) as never as {
      collection: { stats: { countries: Row[] }; subtreeStats: { countries: Row[] } };
      portal: { subtreeStats: { countries: Row[] } };
      dataDashboard: { countries: Row[] };
    };
    const withUs = [
      { country: 'FR', totalInvestigations: 2 },
      { country: 'DE', totalInvestigations: 2 },
      { country: 'US', totalInvestigations: 1 },
      { country: 'JP', totalInvestigations: 1 },
      { country: null, totalInvestigations: 1 },
    ].sort((x, y) => (x.country === null ? 1 : y.country === null ? -1 : y.totalInvestigations - x.totalInvestigations || x.country.localeCompare(y.country)));
    expect(a.collection.stats.countries).toEqual([]);
    expect(a.collection.subtreeStats.countries).toEqual(withUs);
    expect(a.portal.subtreeStats.countries).toEqual(withUs);
    expect(a.dataDashboard.countries.map(({ country, totalInvestigations }) => ({ country, totalInvestigations }))).toEqual(withUs);

    const anon = (await countriesOf(q, null)) as never as typeof a;
    const withoutUs = withUs.filter((r) => r.country !== 'US');
    expect(anon.collection.subtreeStats.countries).toEqual(withoutUs);
    expect(anon.portal.subtreeStats.countries).toEqual(withoutUs);
    expect(anon.dataDashboard.countries.map(({ country, totalInvestigations }) => ({ country, totalInvestigations }))).toEqual(withoutUs);
    const priv = await t.gql(`{ dataset(id: "d-priv") { stats { countries { country } } } }`, {}, null);
    expect(priv.data).toEqual({ dataset: null });

    // A dashboard window and a PRIVATE dashboard follow the dashboard's own rules.
    const w = {
      ...(await countriesOf(`{ day2: dataDashboard(from: "${DAY2}T00:00:00Z", to: "${DAY2}T23:59:59Z") { countries { country views } } }`)),
      ...(await countriesOf(`{ priv: dataDashboard(visibility: PRIVATE) { countries { country views } } }`)),
    } as { day2: { countries: unknown }; priv: { countries: unknown } };
    expect(w.day2.countries).toEqual([
      { country: 'DE', views: 1 },
      { country: 'JP', views: 1 },
    ]);
    expect(w.priv.countries).toEqual([{ country: 'US', views: 1 }]);
  });

  it('files, collections, portals and the network have day and month series, visible datasets only', async () => {
    const q = `{ file(id: "f1") { usage(${RANGE}) { points { period downloads } total { downloads } } }
      collection(id: "c-root") { usage(${RANGE}) { points { period views downloads apiCalls } } }
      portal(id: "p1") { usage(${RANGE}, granularity: MONTH) { granularity points { period views } total { views downloads apiCalls } } }
      networkUsage(${RANGE}) { firstDay lastDay points { period views } total { views } } }`;
    type S = { points: Record<string, unknown>[]; total: Record<string, number>; granularity?: string; firstDay?: string; lastDay?: string };
    const a = (await countriesOf(q)) as { file: { usage: S }; collection: { usage: S }; portal: { usage: S }; networkUsage: S };
    expect(a.file.usage.points).toEqual([
      { period: DAY, downloads: 1 },
      { period: DAY2, downloads: 0 },
    ]);
    // c-root > c-child ∋ d-pub; c-root ∋ d-priv. Regular use only (the machine download is not in a series).
    expect(a.collection.usage.points).toEqual([
      { period: DAY, views: 3, downloads: 1, apiCalls: 1 },
      { period: DAY2, views: 2, downloads: 0, apiCalls: 0 },
    ]);
    const months = [...new Set([DAY.slice(0, 7), DAY2.slice(0, 7)])];
    expect(a.portal.usage.granularity).toBe('MONTH');
    expect(a.portal.usage.points.map((p) => p.period)).toEqual(months);
    expect(a.portal.usage.total).toEqual({ views: 5, downloads: 1, apiCalls: 1 });
    expect(a.networkUsage).toMatchObject({ firstDay: DAY, lastDay: DAY2, total: { views: 5 } });

    const anon = (await countriesOf(q, null)) as typeof a;
    expect(anon.collection.usage.points).toEqual([
      { period: DAY, views: 2, downloads: 1, apiCalls: 1 },
      { period: DAY2, views: 2, downloads: 0, apiCalls: 0 },
    ]);
    expect(anon.portal.usage.total.views).toBe(4);
    expect(anon.networkUsage.total.views).toBe(4);
  });

  it('series refuse the arguments Dataset.usage refuses', async () => {
    for (const q of [
      `{ networkUsage(from: "2020-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", granularity: DAY) { total { views } } }`,
      `{ portal(id: "p1") { usage(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { total { views } } } }`,
    ]) {
      const res = await t.gql(q, {}, admin);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('the usage table has a country dimension (CSV and GraphQL), unknown as "unknown"; months are dates in CSV', async () => {
    const csv = async (q: string) => {
      const res = await fetch(`${t.baseUrl}/api/reports/usage-table?bom=false&${q}`, { headers: { authorization: `Bearer ${admin}` } });
      const text = await res.text();
      expect([res.status, text.slice(0, 200)]).toEqual([200, expect.any(String)]);
      const [head, ...rows] = text.trim().split('\r\n').map((l) => l.split(','));
      return { head, rows: rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]]))) };
    };
    const { head, rows } = await csv('by_country=true&resource_type=DATASET&granularity=month');
    expect(head).toContain('country');
    const pub = rows.filter((r) => r.resource_id === 'd-pub');
    const cell = (country: string, metric: string, method = 'regular') =>
      pub.filter((r) => r.country === country && r.metric === metric && r.access_method === method).reduce((s, r) => s + Number(r.count), 0);
    expect([cell('FR', 'views'), cell('FR', 'api_calls'), cell('DE', 'downloads'), cell('DE', 'views'), cell('unknown', 'views'), cell('FR', 'downloads', 'machine')]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(cell('DE', 'volume_bytes')).toBe(500);
    expect(pub.every((r) => /^\d{4}-\d{2}-01$/.test(r.date))).toBe(true);
    // The countries add up to the table without them.
    const plain = (await csv('resource_type=DATASET&granularity=month')).rows;
    const sum = (rs: Record<string, string>[], metric: string) => rs.filter((r) => r.resource_id === 'd-pub' && r.metric === metric).reduce((s, r) => s + Number(r.count), 0);
    for (const m of ['views', 'downloads', 'api_calls', 'volume_bytes']) expect([m, sum(pub, m)]).toEqual([m, sum(plain, m)]);
    expect(plain.every((r) => r.country === '')).toBe(true);

    const g = await t.gql<{ usageTable: { nodes: { country: string | null; metric: string; count: number; resourceId: string }[] } }>(
      `{ usageTable(first: 500, filter: { byCountry: true, resourceType: DATASET, metrics: [VIEWS] }) { nodes { resourceId country metric count } } }`,
      {},
      admin,
    );
    expect(g.errors).toBeUndefined();
    expect(g.data!.usageTable.nodes.filter((n) => n.resourceId === 'd-pub').map((n) => n.country)).toEqual(['FR', 'unknown', 'DE', 'JP']);
    // Per-user figures have no country.
    const bad = await t.gql(`{ usageTable(filter: { byCountry: true, userId: "root" }) { totalCount } }`, {}, admin);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCsv = await fetch(`${t.baseUrl}/api/reports/usage-table?by_country=maybe`, { headers: { authorization: `Bearer ${admin}` } });
    expect(badCsv.status).toBe(400);
  });

  it('countries of many resources are read in one batch per level (no N+1)', async () => {
    await t.settle();
    const commands: string[] = [];
    const listener = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (e.commandName === 'find') commands.push(String(e.command.find));
    };
    t.gw.store.client.on('commandStarted', listener);
    try {
      const res = await t.gql<{ datasets: { nodes: { stats: { countries: unknown[] }; files: { nodes: { stats: { countries: unknown[] } }[] } }[] } }>(
        `{ datasets(first: 50) { nodes { stats { countries { country } } files { nodes { stats { countries { country } } } } } } }`,
        {},
        admin,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.datasets.nodes.length).toBe(3);
    } finally {
      t.gw.store.client.off('commandStarted', listener);
    }
    // Datasets' totals, their countries, then files' totals and countries: 4 reads for 3 datasets and 3 files.
    expect(commands.filter((c) => c === 'usage_totals')).toHaveLength(4);
  });

  it('a full rebuild gives the same country figures as live ingestion', async () => {
    const q = `{ dataset(id: "d-pub") { stats { countries { ${COUNTRY} } } } file(id: "f1") { stats { countries { country totalInvestigations } } }
      dataDashboard { countries { country totalInvestigations } } }`;
    const before = await countriesOf(q);
    await t.gw.services.aggregator.rebuildAll();
    expect(await countriesOf(q)).toEqual(before);
    expect((before.dataset as { stats: { countries: Row[] } }).stats.countries).toEqual(D_PUB);
  });

  it('the new fields are priced: many set series or dashboard countries are refused before running', async () => {
    const aliases = (field: string, n: number) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
    for (const q of [
      `{ ${aliases(`networkUsage(${RANGE}) { total { views } }`, 5)} }`,
      `{ portals { usage(${RANGE}) { total { views } } } }`,
      `{ ${aliases('dataDashboard { countries { country } }', 5)} }`,
      `{ datasets(first: 500) { nodes { stats { countries { machine { views } } } } } }`,
    ]) {
      const res = await t.gql(q, {}, admin);
      expect([q.slice(0, 40), res.errors?.[0]?.extensions?.code]).toEqual([q.slice(0, 40), 'QUERY_TOO_COMPLEX']);
    }
    // One of each is fine.
    const ok = await t.gql(`{ networkUsage(${RANGE}) { total { views } } dataDashboard { countries { country } } }`, {}, admin);
    expect(ok.errors).toBeUndefined();
  });
  // Last: it adds datasets to the catalog.
  it('a large set is summed from one read of the window, with the same series as by id, and again from the cache', async () => {
    await t.gw.services.catalogWriter.portals([{ _id: 'p-many', name: 'Many', url: null }]);
    await t.gw.services.catalogWriter.datasets(
      Array.from({ length: 20 }, (_, i) => ({
        _id: `d-many-${i}`, title: `Many ${i}`, description: null, portalId: 'p-many', ownerId: null, spaceIds: [], collectionIds: [], themeIds: [],
        licence: null, publisher: null, published: true, visibility: 'PUBLIC' as never, recordCount: 1,
      })),
    );
    // 23 datasets × 1096 days: past the 20,000 pairs read by id.
    const range = `from: "${new Date(Date.now() - 1095 * 86_400_000).toISOString()}", to: "${new Date().toISOString()}", granularity: MONTH`;
    const q = `{ portal(id: "p1") { usage(${range}) { points { period views downloads apiCalls } } } networkUsage(${range}) { points { period views downloads apiCalls } total { views } } }`;
    type R = { portal: { usage: { points: unknown[] } }; networkUsage: { points: unknown[]; total: { views: number } } };
    const first = (await countriesOf(q)) as R;
    expect(first.networkUsage.points).toEqual(first.portal.usage.points);
    expect(first.networkUsage.total.views).toBe(5);
    expect(await countriesOf(q)).toEqual(first);
  });
});
