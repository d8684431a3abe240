/** Issue 9, finding 11: admin catalog input is validated, with stable codes, and nothing is written on failure. */
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { loadSmallCatalog } from '../support/fixtures';
import { findCollectionCycle } from '../../src/catalog/catalog-validation';

type Json = { errors?: { message: string; extensions?: { code?: string } }[]; data?: Record<string, unknown> | null };

describe('admin input validation: catalog upserts, collection cycles, user ids', () => {
  let t: TestGateway;
  let admin: string;
  beforeAll(async () => {
    t = await startTestGateway({ env: { MAX_BODY_BYTES: '2000000' } });
    await loadSmallCatalog(t);
    admin = await t.keyFor('ai-admin', 'ADMIN');
  });
  afterAll(() => t.stop());

  const gql = async (query: string, variables?: Record<string, unknown>): Promise<Json> => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Json;
  };
  const code = (j: Json) => j.errors?.[0]?.extensions?.code;
  const dataset = (over: Record<string, unknown>) => ({ id: 'ai-d', title: 'T', portalId: 'p1', ...over });
  const upsertDataset = (d: Record<string, unknown>) => gql('mutation($d: [DatasetInput!]!) { upsertDatasets(datasets: $d) { created } }', { d: [d] });

  it.each([
    ['recordCount 1e21', { recordCount: 1e21 }, ['VALUE_OUT_OF_RANGE', 'BAD_USER_INPUT']],
    ['a 900 KB title', { title: 'x'.repeat(900_000) }, ['VALUE_OUT_OF_RANGE']],
    ['year 0000', { createdAt: '0000-01-01T00:00:00Z' }, ['VALUE_OUT_OF_RANGE', 'BAD_USER_INPUT']],
    ['year 10000', { modifiedAt: '+010000-01-01T00:00:00Z' }, ['VALUE_OUT_OF_RANGE', 'BAD_USER_INPUT']],
    ['an id outside the id alphabet', { id: '=cmd|calc' }, ['INVALID_ID']],
    ['a reference outside the id alphabet', { themeIds: ['t eco'] }, ['INVALID_ID']],
  ])('refuses a dataset with %s', async (_n, over, codes) => {
    const r = await upsertDataset(dataset(over));
    expect(codes).toContain(code(r));
    expect(await t.gw.store.datasets.countDocuments({ _id: { $in: ['ai-d', '=cmd|calc'] } } as never)).toBe(0);
  });

  it('accepts a valid dataset', async () => {
    const r = await upsertDataset(dataset({ recordCount: 2 ** 40, createdAt: '1999-12-31T00:00:00Z' }));
    expect(r.errors).toBeUndefined();
  });

  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd'])('refuses the portal URL %s', async (url) => {
    const r = await gql('mutation($p: [PortalInput!]!) { upsertPortals(portals: $p) { created } }', { p: [{ id: 'ai-p', name: 'P', url }] });
    expect(['VALUE_OUT_OF_RANGE', 'BAD_USER_INPUT']).toContain(code(r));
    expect(await t.gw.store.portals.countDocuments({ _id: 'ai-p' } as never)).toBe(0);
  });

  it('refuses collection parent cycles, within one call and with stored collections', async () => {
    const q = 'mutation($c: [CollectionInput!]!) { upsertCollections(collections: $c) { created } }';
    const inCall = await gql(q, { c: [{ id: 'ai-a', name: 'A', parentCollectionIds: ['ai-b'] }, { id: 'ai-b', name: 'B', parentCollectionIds: ['ai-a'] }] });
    expect(code(inCall)).toBe('COLLECTION_CYCLE');
    // c-child's parent is c-root: making c-root a child of c-child closes a loop.
    const stored = await gql(q, { c: [{ id: 'c-root', name: 'Root', parentCollectionIds: ['c-child'] }] });
    expect(code(stored)).toBe('COLLECTION_CYCLE');
    const root = await t.gw.store.collections.findOne({ _id: 'c-root' } as never);
    expect((root as { parentCollectionIds: string[] }).parentCollectionIds).toEqual([]);
  });

  it('refuses a user id outside the id alphabet (createUser)', async () => {
    const r = await gql('mutation { createUser(input: { id: "=evil|user", name: "E", role: USER }) { id } }');
    expect(code(r)).toBe('INVALID_ID');
    expect(await t.gw.store.users.countDocuments({ _id: '=evil|user' } as never)).toBe(0);
  });

  it('findCollectionCycle names the loop', () => {
    const stored: Record<string, string[]> = { b: ['c'], c: ['a'] };
    expect(findCollectionCycle([{ _id: 'a', parentCollectionIds: ['b'] }], (id) => stored[id] ?? [])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCollectionCycle([{ _id: 'a', parentCollectionIds: ['b'] }], () => [])).toBeNull();
  });
});
