/**
 * The long usage table (CSV and GraphQL give the same rows), `?portal=` on
 * the resource reports, by-user filters, User.stats, and a Make Data Count
 * log naming datasets by DOI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { GEN, loadCatalog } from './support/formats-fixture';
import { generateCombinedLog } from '../bench/log-gen';
import { connect } from '../src/cli';
import { cliIo } from './support/cli-io';
import { importLogsCommand } from '../src/logs/log-cli';

const DAY = 86_400_000;
const TABLE = `query U($filter: UsageTableFilter, $first: Int, $after: String) {
  usageTable(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { date portalId resourceType resourceId title parentDatasetIds userId metric accessMethod count }
  }
}`;

interface Node {
  date: string;
  portalId: string | null;
  resourceType: string;
  resourceId: string;
  title: string | null;
  parentDatasetIds: string[];
  userId: string | null;
  metric: string;
  accessMethod: string;
  count: number;
}

describe('usage table and report filters', () => {
  let t: TestGateway;
  let admin: string;
  let ursula: string;

  beforeAll(async () => {
    t = await startTestGateway();
    await loadCatalog(t);
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p2', name: 'Portal Two', url: null }]);
    await w.datasets([
      { _id: 'ds-p2', title: 'Other portal', portalId: 'p2', description: null, licence: null, publisher: null, recordCount: 1, spaceIds: [], themeIds: [], collectionIds: [], ownerId: null, published: true, visibility: 'PUBLIC' as never, doi: null },
    ]);
    admin = await t.keyFor('root', 'ADMIN');
    ursula = await t.keyFor('ursula', 'USER');
    const tracker = await t.keyFor('svc', 'TRACKER');
    const start = Date.now() - 20 * DAY;
    const events = [...generateCombinedLog(GEN, 200, start, 5, Math.floor((18 * DAY) / 200 / 2))]
      .filter((l) => l.event && !l.event.resourceId.startsWith('ds-unknown'))
      .map((l, i) => ({ ...l.event!, eventId: `u-${i}` }));
    events.push(
      { ...events[0], eventId: 'p2-1', resourceType: 'DATASET', resourceId: 'ds-p2', action: 'VIEW', url: '/datasets/ds-p2', httpStatus: 200 },
      { ...events[1], eventId: 'urs-1', resourceType: 'DATASET', resourceId: 'ds-a', action: 'VIEW', url: '/datasets/ds-a', httpStatus: 200, userId: 'ursula' } as never,
      { ...events[2], eventId: 'urs-2', resourceType: 'FILE', resourceId: 'fa-1', action: 'DOWNLOAD', url: '/f', httpStatus: 200, userId: 'ursula' } as never,
    );
    const res = await t.gql(`mutation T($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded } }`, { inputs: events }, tracker);
    expect(res.errors).toBeUndefined();
    await t.settle();
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  async function csv(q: string, key = admin): Promise<Record<string, string>[]> {
    const res = await fetch(`${t.baseUrl}/api/reports/usage-table?bom=false&${q}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const [head, ...rows] = (await res.text()).trim().split('\r\n').map((l) => l.split(','));
    return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  }

  async function allNodes(filter: Record<string, unknown>, key = admin): Promise<Node[]> {
    const out: Node[] = [];
    let after: string | null = null;
    for (;;) {
      const r: { data?: { usageTable: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Node[] } } | null; errors?: unknown } = await t.gql(
        TABLE,
        { filter, first: 37, after },
        key,
      );
      expect(r.errors).toBeUndefined();
      out.push(...r.data!.usageTable.nodes);
      if (!r.data!.usageTable.pageInfo.hasNextPage) return out;
      after = r.data!.usageTable.pageInfo.endCursor;
    }
  }

  it('CSV and GraphQL give the same rows in the same order, paged', async () => {
    for (const granularity of ['DAY', 'MONTH']) {
      const rows = await csv(`granularity=${granularity.toLowerCase()}`);
      const nodes = await allNodes({ granularity });
      // CSV months are their first day (a date in spreadsheets); GraphQL keeps YYYY-MM.
      expect(nodes.map((n) => [n.date.length === 7 ? `${n.date}-01` : n.date, n.resourceType, n.resourceId, n.metric.toLowerCase(), n.accessMethod, String(n.count)])).toEqual(
        rows.map((r) => [r.date, r.resource_type, r.resource_id, r.metric, r.access_method, r.count]),
      );
      expect(rows.length).toBeGreaterThan(20);
    }
    const months = await csv('granularity=month&resource_type=FILE&metrics=downloads');
    expect(new Set(months.map((r) => r.metric))).toEqual(new Set(['downloads']));
    expect(months.every((r) => /^\d{4}-\d{2}-01$/.test(r.date) && r.parent_datasets !== '')).toBe(true);
  });

  it('filters by portal, resource, user and window; a USER sees what they may see', async () => {
    const p2 = await csv('portal=p2');
    expect(new Set(p2.map((r) => r.resource_id))).toEqual(new Set(['ds-p2']));
    const one = await csv('resource_id=ds-b&resource_type=DATASET');
    expect(new Set(one.map((r) => r.resource_id))).toEqual(new Set(['ds-b']));
    const today = new Date().toISOString().slice(0, 10);
    expect(await csv(`since=${today}&until=${today}`)).toEqual([]);
    const mine = await csv('user=ursula', ursula);
    expect(new Set(mine.map((r) => r.user_id))).toEqual(new Set(['ursula']));
    expect((await fetch(`${t.baseUrl}/api/reports/usage-table?user=root`, { headers: { authorization: `Bearer ${ursula}` } })).status).toBe(403);
    const asUser = await csv('resource_type=DATASET', ursula);
    expect(asUser.some((r) => r.resource_id === 'ds-priv')).toBe(false);
    expect((await csv('resource_type=DATASET')).some((r) => r.resource_id === 'ds-priv')).toBe(true);
    expect((await fetch(`${t.baseUrl}/api/reports/usage-table?portal=nope`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(404);
    const json = await (await fetch(`${t.baseUrl}/api/reports/usage-table?format=json&portal=p2`, { headers: { authorization: `Bearer ${admin}` } })).json();
    expect(json).toEqual(p2.map((r) => ({ ...r, count: Number(r.count), portal: r.portal, title: r.title, user_id: null, country: null })));
  });

  it('?portal= narrows the resource reports; by-user reports filter by user and resource', async () => {
    const get = async (p: string, key = admin) => {
      const res = await fetch(`${t.baseUrl}${p}${p.includes('?') ? '&' : '?'}bom=false`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      const [head, ...rows] = (await res.text()).trim().split('\r\n').map((l) => l.split(','));
      return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
    };
    const all = await get('/api/reports/metrics/datasets');
    expect(all.some((r) => r.id === 'ds-p2')).toBe(true);
    const p1 = await get('/api/reports/metrics/datasets?portal=p1');
    expect(p1.length).toBe(all.length - 1);
    expect(p1.every((r) => r.portal === 'p1')).toBe(true);
    expect((await get('/api/reports/metrics/files?portal=p2')).length).toBe(0);
    expect((await get('/api/reports/metrics?portal=p2')).map((r) => r.id)).toEqual(['ds-p2']);
    const byUser = await get('/api/reports/metrics/datasets_by_user?user=ursula&resource=ds-a');
    expect(byUser.map((r) => [r.id, r.user_id])).toEqual([['ds-a', 'ursula']]);
    expect(await get('/api/reports/metrics/datasets_by_user?resource=ds-c')).toEqual([]);
  });

  it('User.stats: a user sees their own, admins anyone\'s', async () => {
    const q = `{ user(id: "ursula") { id stats { views downloads apiCalls datasets lastViewedAt } } }`;
    const own = await t.gql<{ user: { stats: { views: number; downloads: number; datasets: number; lastViewedAt: string } } }>(q, {}, ursula);
    expect(own.errors).toBeUndefined();
    expect(own.data!.user.stats.views).toBeGreaterThanOrEqual(1);
    expect(own.data!.user.stats.datasets).toBe(1);
    const byAdmin = await t.gql<{ user: { stats: unknown } }>(q, {}, admin);
    expect(byAdmin.data!.user.stats).toEqual(own.data!.user.stats);
  });

  it('catalog DOIs are normalised and checked', async () => {
    const up = (doi: string) =>
      t.gql<{ upsertDatasets: { ids: string[] } }>(
        `mutation U($d: [DatasetInput!]!) { upsertDatasets(datasets: $d) { ids } }`,
        { d: [{ id: 'ds-doi', title: 'With DOI', portalId: 'p1', doi }] },
        admin,
      );
    expect((await up('https://doi.org/10.5061/DRYAD.XY9')).errors).toBeUndefined();
    const q = await t.gql<{ dataset: { doi: string } }>(`{ dataset(id: "ds-doi") { doi } }`, {}, admin);
    expect(q.data!.dataset.doi).toBe('10.5061/dryad.xy9');
    expect((await up('not-a-doi')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('imports a Make Data Count log whose lines name datasets by DOI', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mdc-'));
    const when = new Date(Date.now() - 2 * DAY).toISOString();
    const row = (doi: string, url: string, sess: string) =>
      [when, '192.0.2.77', sess, '-', '-', url, doi, '-', '2048', 'Mozilla/5.0 (X11; Linux x86_64)', 'Lake fish', 'Portal One', 'p1', 'A', '2020-01-01', '1', '-', url, '2020'].join('\t');
    const file = path.join(tmp, 'counter_2026.log');
    fs.writeFileSync(
      file,
      [
        '# counter log',
        row('doi:10.5061/DRYAD.AA1', 'https://repo.example/stash/dataset/doi:10.5061/dryad.aa1', 's-1'),
        row('doi:10.5061/dryad.aa1', 'https://repo.example/stash/downloads/file_stream/1', 's-1'),
        row('doi:10.9999/none', 'https://repo.example/stash/dataset/doi:10.9999/none', 's-2'),
        'short\tline',
      ].join('\n') + '\n',
    );
    const before = (await csv('resource_id=ds-a&resource_type=DATASET&granularity=month')).reduce((n, r) => n + (r.metric === 'downloads' && r.access_method === 'regular' ? Number(r.count) : 0), 0);
    const io = cliIo(t.dbName);
    expect(await importLogsCommand([file], { mapping: path.resolve(__dirname, '../examples/log-mapping.json'), progress: false }, io, connect)).toBe(0);
    const out = JSON.parse(io.stdout) as { recorded: number; skipped: Record<string, number> };
    expect(out).toMatchObject({ recorded: 2, skipped: { unparsable: 1, 'unknown resource': 1 } });
    await t.settle();
    const after = (await csv('resource_id=ds-a&resource_type=DATASET&granularity=month')).reduce((n, r) => n + (r.metric === 'downloads' && r.access_method === 'regular' ? Number(r.count) : 0), 0);
    expect(after).toBe(before + 1);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
