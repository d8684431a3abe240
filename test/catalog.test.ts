import { startTestGateway, type TestGateway } from './support/test-gateway';

const UPSERT_DATASETS = `mutation U($d: [DatasetInput!]!) { upsertDatasets(datasets: $d) { created updated ids } }`;
const UPSERT_FILES = `mutation U($f: [FileInput!]!) { upsertFiles(files: $f) { created updated ids } }`;

describe('catalog upserts', () => {
  let t: TestGateway;
  let admin: string;
  let user: string;

  beforeAll(async () => {
    t = await startTestGateway();
    admin = await t.keyFor('root', 'ADMIN');
    user = await t.keyFor('someone', 'USER');
    const r = await t.gql(
      `mutation {
        upsertPortals(portals: [{ id: "p1", name: "Portal", url: "https://data.example.org" }]) { created }
        upsertThemes(themes: [{ id: "eco", name: "Economie" }]) { created }
        upsertSpaces(spaces: [{ id: "s1", name: "Space", memberIds: ["someone"] }]) { created }
        upsertCollections(collections: [
          { id: "c2", name: "Child", parentCollectionIds: ["c1"] },
          { id: "c1", name: "Root", spaceIds: ["s1"] }
        ]) { created }
      }`,
      {},
      admin,
    );
    expect(r.errors).toBeUndefined();
  });
  afterAll(() => t.stop());

  const dataset = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    title: `Dataset ${id}`,
    portalId: 'p1',
    themeIds: ['eco'],
    collectionIds: ['c2'],
    recordCount: 5,
    ...extra,
  });

  it('creates then updates by id, idempotently', async () => {
    const first = await t.gql<{ upsertDatasets: { created: number; updated: number } }>(UPSERT_DATASETS, { d: [dataset('d1'), dataset('d2')] }, admin);
    expect(first.data!.upsertDatasets).toMatchObject({ created: 2, updated: 0 });
    const again = await t.gql<{ upsertDatasets: { created: number; updated: number } }>(
      UPSERT_DATASETS,
      { d: [dataset('d1', { title: 'Renamed', createdAt: '2020-01-01T00:00:00Z' })] },
      admin,
    );
    expect(again.data!.upsertDatasets).toMatchObject({ created: 0, updated: 1 });
    const q = await t.gql<{ dataset: { title: string; createdAt: string; collections: { id: string }[]; themes: { name: string }[] } }>(
      `{ dataset(id: "d1") { title createdAt collections { id } themes { name } } }`,
      {},
      admin,
    );
    expect(q.data!.dataset).toEqual({ title: 'Renamed', createdAt: '2020-01-01T00:00:00.000Z', collections: [{ id: 'c2' }], themes: [{ name: 'Economie' }] });
    expect(await t.gw.store.datasets.countDocuments({})).toBe(2);
  });

  it('rejects unknown references with a clear error and writes nothing', async () => {
    const res = await t.gql(UPSERT_FILES, { f: [{ id: 'f1', title: 'a.csv', datasetIds: ['d1'] }, { id: 'f2', title: 'b.csv', datasetIds: ['ghost'] }] }, admin);
    expect(res.errors?.[0].extensions?.code).toBe('UNKNOWN_REFERENCE');
    expect(res.errors?.[0].message).toContain('ghost');
    expect(await t.gw.store.files.countDocuments({})).toBe(0);
    const res2 = await t.gql(UPSERT_DATASETS, { d: [dataset('d9', { portalId: 'nope', themeIds: ['nope'] })] }, admin);
    expect(res2.errors?.[0].extensions?.code).toBe('UNKNOWN_REFERENCE');
    expect(await t.gw.store.datasets.findOne({ _id: 'd9' })).toBeNull();
  });

  it('links files and datasets both ways', async () => {
    const res = await t.gql(UPSERT_FILES, { f: [{ id: 'f1', title: 'a.csv', sizeBytes: 2048, datasetIds: ['d1', 'd2'] }] }, admin);
    expect(res.errors).toBeUndefined();
    const q = await t.gql<{ file: { datasets: { id: string }[] }; dataset: { files: { totalCount: number; nodes: { id: string }[] } } }>(
      `{ file(id: "f1") { datasets { id } } dataset(id: "d2") { files { totalCount nodes { id } } } }`,
      {},
      admin,
    );
    expect(q.data!.file.datasets.map((d) => d.id).sort()).toEqual(['d1', 'd2']);
    expect(q.data!.dataset.files).toEqual({ totalCount: 1, nodes: [{ id: 'f1' }] });
  });

  it('lists datasets as a stable, paginated connection', async () => {
    await t.gql(UPSERT_DATASETS, { d: ['d3', 'd4', 'd5'].map((id) => dataset(id)) }, admin);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data?: { datasets: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { id: string }[] } } | null } = await t.gql(
        `query P($after: String) { datasets(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`,
        { after },
        admin,
      );
      const c = page.data!.datasets;
      expect(c.totalCount).toBe(5);
      seen.push(...c.nodes.map((n) => n.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    const bad = await t.gql(`{ datasets(first: 2, after: "garbage") { totalCount } }`, {}, admin);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('only lets admins push the catalog', async () => {
    const res = await t.gql(UPSERT_DATASETS, { d: [dataset('d7')] }, user);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anon = await t.gql(UPSERT_DATASETS, { d: [dataset('d7')] }, null);
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await t.gw.store.datasets.findOne({ _id: 'd7' })).toBeNull();
  });

  it('refuses a collection that is its own parent', async () => {
    const res = await t.gql(`mutation { upsertCollections(collections: [{ id: "loop", name: "L", parentCollectionIds: ["loop"] }]) { created } }`, {}, admin);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
