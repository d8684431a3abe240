/**
 * Permission matrix of the usage reports (docs/permissions.md): every
 * report, as CSV over HTTP and as GraphQL, for anonymous, TRACKER, USER
 * (owner, space member, other users) and ADMIN callers, over public,
 * private and unpublished resources. No row, parent id or parent name a
 * caller may not see, ever.
 *
 * Catalog (test/support/fixtures.ts): d-pub (public, owner carol), d-priv
 * (private, owner alice, space s1 with member bob), d-draft (unpublished,
 * owner alice); f1 ∈ d-pub, f2 ∈ d-priv, f3 ∈ d-pub + d-draft; collections
 * c-root > c-child.
 */
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog } from './support/fixtures';
import { fetchCsv, track, type FixtureEvent } from './support/report-fixtures';

type Who = 'anonymous' | 'tracker' | 'invalid' | 'revoked' | 'admin' | 'alice' | 'bob' | 'carol' | 'dave';
type Viewer = 'admin' | 'alice' | 'bob' | 'carol' | 'dave';
const VIEWERS: Viewer[] = ['admin', 'alice', 'bob', 'carol', 'dave'];
const ACTIVE_USERS = ['alice', 'bob', 'carol'] as const;

const TITLES: Record<string, string> = { 'd-pub': 'Public', 'd-priv': 'Private', 'd-draft': 'Draft' };

/** Datasets each caller may see. */
const VISIBLE_DATASETS: Record<Viewer, string[]> = {
  admin: ['d-pub', 'd-priv', 'd-draft'],
  alice: ['d-pub', 'd-priv', 'd-draft'], // owner of d-priv and d-draft
  bob: ['d-pub', 'd-priv'], // member of s1, where d-priv is shared
  carol: ['d-pub'], // owner of the public one only
  dave: ['d-pub'], // nobody in particular
};
const FILE_DATASETS: Record<string, string[]> = { f1: ['d-pub'], f2: ['d-priv'], f3: ['d-pub', 'd-draft'] };
const COLLECTIONS = ['c-child', 'c-root'];

const visibleFiles = (v: Viewer): string[] => Object.keys(FILE_DATASETS).filter((f) => FILE_DATASETS[f].some((d) => VISIBLE_DATASETS[v].includes(d)));
const hiddenDatasets = (v: Viewer): string[] => Object.keys(TITLES).filter((d) => !VISIBLE_DATASETS[v].includes(d));

/** Expected ids per report for a viewer; by-user ids are `resource/user`. */
function expectedIds(report: string, v: Viewer): string[] {
  const users = v === 'admin' ? [...ACTIVE_USERS] : ACTIVE_USERS.filter((u) => u === v);
  const pairs = (ids: string[]) => ids.flatMap((id) => users.map((u) => `${id}/${u}`));
  switch (report) {
    case 'files':
      return visibleFiles(v);
    case 'datasets':
      return VISIBLE_DATASETS[v];
    case 'collections':
      return COLLECTIONS;
    case 'metrics':
      return [...COLLECTIONS, ...VISIBLE_DATASETS[v], ...visibleFiles(v)];
    case 'files_by_user':
      return pairs(visibleFiles(v));
    case 'datasets_by_user':
      return pairs(VISIBLE_DATASETS[v]);
    case 'collections_by_user':
      return pairs(COLLECTIONS);
    case 'monthly':
      return VISIBLE_DATASETS[v];
    default:
      throw new Error(report);
  }
}

interface ReportCase {
  name: string;
  path: string;
  /** Ids of a CSV record. */
  csvId: (r: Record<string, string>) => string;
  gql: string;
  variables: Record<string, unknown>;
  /** Ids of a GraphQL node. */
  gqlId: (n: Record<string, unknown>) => string;
  field: string;
}

const ROW = `id name parentDatasets { id name } parentCollections { id name } parentSpaces { id name } owner { id name }`;
const resourceCase = (name: string, type: string | null): ReportCase => ({
  name,
  path: name === 'metrics' ? '/api/reports/metrics' : `/api/reports/metrics/${name}`,
  csvId: (r) => r.id,
  gql: `query R($type: ResourceType) { usageReport(type: $type, first: 500) { totalCount nodes { ${ROW} } } }`,
  variables: { type },
  gqlId: (n) => String(n.id),
  field: 'usageReport',
});
const byUserCase = (name: string, type: string): ReportCase => ({
  name,
  path: `/api/reports/metrics/${name}`,
  csvId: (r) => `${r.id}/${r.user_id}`,
  gql: `query B($type: ResourceType!) { usageByUserReport(type: $type, first: 500) { totalCount nodes { id name user { id name } } } }`,
  variables: { type },
  gqlId: (n) => `${n.id}/${(n.user as { id: string }).id}`,
  field: 'usageByUserReport',
});

const CASES: ReportCase[] = [
  resourceCase('metrics', null),
  resourceCase('files', 'FILE'),
  resourceCase('datasets', 'DATASET'),
  resourceCase('collections', 'COLLECTION'),
  byUserCase('files_by_user', 'FILE'),
  byUserCase('datasets_by_user', 'DATASET'),
  byUserCase('collections_by_user', 'COLLECTION'),
  {
    name: 'monthly',
    path: '/api/reports/monthly?portal=p1',
    csvId: (r) => r.dataset_id,
    gql: `query X { monthlyUsageExport(portalId: "p1", first: 500) { totalCount nodes { datasetId datasetTitle month } } }`,
    variables: {},
    gqlId: (n) => String(n.datasetId),
    field: 'monthlyUsageExport',
  },
];

/** Every id and name of a dataset the viewer may not see must be absent from the whole answer. */
function expectNoHiddenDataset(body: string, v: Viewer): void {
  for (const d of hiddenDatasets(v)) {
    expect(body).not.toContain(d);
    expect(body).not.toContain(TITLES[d]);
  }
}

describe('report permissions', () => {
  let t: TestGateway;
  const keys = {} as Record<Who, string | null>;

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    const auth = t.gw.services.auth;
    keys.anonymous = null;
    keys.invalid = 'ugk_this-key-was-never-issued-0000000000000000';
    keys.admin = await t.keyFor('root', 'ADMIN');
    keys.tracker = await t.keyFor('svc-portal', 'TRACKER');
    keys.dave = await t.keyFor('dave', 'USER');
    keys.alice = (await auth.issueKey('alice')).key;
    keys.bob = (await auth.issueKey('bob')).key;
    keys.carol = (await auth.issueKey('carol')).key;
    const revoked = await auth.issueKey('alice', { label: 'old' });
    await auth.revokeKey(revoked.doc.prefix);
    keys.revoked = revoked.key;

    // Every user views and downloads everything (collections: views), 10 minutes apart.
    const base = Date.now() - 2 * 86_400_000;
    const events: FixtureEvent[] = [];
    const resources = [
      ...['f1', 'f2', 'f3'].map((id) => ({ resourceType: 'FILE' as const, id })),
      ...['d-pub', 'd-priv', 'd-draft'].map((id) => ({ resourceType: 'DATASET' as const, id })),
      ...COLLECTIONS.map((id) => ({ resourceType: 'COLLECTION' as const, id })),
    ];
    let i = 0;
    for (const userId of ACTIVE_USERS) {
      for (const r of resources) {
        for (const action of r.resourceType === 'COLLECTION' ? (['VIEW'] as const) : (['VIEW', 'DOWNLOAD'] as const)) {
          events.push({ resourceType: r.resourceType, resourceId: r.id, action, userId, timestamp: new Date(base + i++ * 600_000).toISOString() });
        }
      }
    }
    // Anonymous traffic too: in totals, in no by-user row.
    events.push({ resourceType: 'FILE', resourceId: 'f2', action: 'DOWNLOAD', sessionId: 'anon', timestamp: new Date(base).toISOString() });
    await track(t, keys.tracker!, events, 'perm');
  });
  afterAll(() => t.stop());

  describe.each(CASES)('$name', (c) => {
    it.each([
      ['anonymous', 401, 'UNAUTHENTICATED'],
      ['invalid', 401, 'UNAUTHENTICATED'],
      ['revoked', 401, 'UNAUTHENTICATED'],
      ['tracker', 403, 'FORBIDDEN'],
    ] as const)('CSV refuses %s with %i %s', async (who, status, code) => {
      const r = await fetchCsv(t, c.path, keys[who]);
      expect(r.status).toBe(status);
      expect(r.json?.error?.code).toBe(code);
      if (status === 401) expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect(r.text).not.toMatch(/d-pub|f1|c-root/);
    });

    it.each([
      ['anonymous', 'UNAUTHENTICATED'],
      ['invalid', 'UNAUTHENTICATED'],
      ['revoked', 'UNAUTHENTICATED'],
      ['tracker', 'FORBIDDEN'],
    ] as const)('GraphQL refuses %s with %s', async (who, code) => {
      const res = await t.gql(c.gql, c.variables, keys[who]);
      expect(res.errors?.[0].extensions?.code).toBe(code);
      expect(res.data?.[c.field] ?? null).toBeNull();
    });

    it.each(VIEWERS)('%s gets exactly the rows they may see, with no hidden parent', async (v) => {
      const expected = expectedIds(c.name, v);
      const csv = await fetchCsv(t, c.path, keys[v]);
      expect(csv.status).toBe(200);
      const csvIds = csv.records!.map(c.csvId);
      expect(new Set(csvIds)).toEqual(new Set(expected));
      expectNoHiddenDataset(csv.text, v);
      if (csv.records![0] && 'parent_datasets' in csv.records![0]) {
        for (const r of csv.records!) {
          for (const id of r.parent_datasets ? r.parent_datasets.split(',') : []) expect(VISIBLE_DATASETS[v]).toContain(id);
        }
      }

      const res = await t.gql<Record<string, { totalCount: number; nodes: Record<string, unknown>[] }>>(c.gql, c.variables, keys[v]);
      expect(res.errors).toBeUndefined();
      const page = res.data![c.field];
      // Same rows, same order, as the CSV.
      expect(page.nodes.map(c.gqlId)).toEqual(csvIds);
      expect(page.totalCount).toBe(csvIds.length);
      expectNoHiddenDataset(JSON.stringify(res.data), v);
    });
  });

  it('a public file in an unpublished dataset names only its public parent to others', async () => {
    const forBob = await fetchCsv(t, '/api/reports/metrics/files', keys.bob);
    const f3 = forBob.records!.find((r) => r.id === 'f3')!;
    expect(f3).toMatchObject({ parent_datasets: 'd-pub', parent_dataset_names: 'Public', parent_collections: 'c-child', parent_spaces: '' });
    const forAlice = await fetchCsv(t, '/api/reports/metrics/files', keys.alice);
    expect(forAlice.records!.find((r) => r.id === 'f3')).toMatchObject({ parent_datasets: 'd-pub,d-draft', parent_dataset_names: 'Public | Draft' });
  });

  it('a private dataset shows its space to a member and stays out of other reports', async () => {
    const forBob = await fetchCsv(t, '/api/reports/metrics/datasets', keys.bob);
    expect(forBob.records!.find((r) => r.id === 'd-priv')).toMatchObject({ parent_spaces: 's1', parent_space_names: 'Space One', parent_collections: 'c-root' });
    const forDave = await fetchCsv(t, '/api/reports/metrics/datasets', keys.dave);
    expect(forDave.records!.map((r) => r.id)).toEqual(['d-pub']);
  });

  it('totals and by-user reports legitimately disagree (anonymous traffic has no user)', async () => {
    const totals = await fetchCsv(t, '/api/reports/metrics/files', keys.admin);
    const perUser = await fetchCsv(t, '/api/reports/metrics/files_by_user', keys.admin);
    const f2Total = Number(totals.records!.find((r) => r.id === 'f2')!.downloads);
    const f2Users = perUser.records!.filter((r) => r.id === 'f2').reduce((s, r) => s + Number(r.downloads), 0);
    expect(f2Total).toBe(4);
    expect(f2Users).toBe(3);
  });

  it('only admins may export every portal at once', async () => {
    expect((await fetchCsv(t, '/api/reports/monthly', keys.alice)).status).toBe(400);
    const all = await fetchCsv(t, '/api/reports/monthly', keys.admin);
    expect(new Set(all.records!.map((r) => r.dataset_id))).toEqual(new Set(['d-pub', 'd-priv', 'd-draft']));
  });
});
