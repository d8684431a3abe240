import type { TestGateway } from './support/test-gateway';
import { M1, NET_MAX, at, day, formula, pairs, startDashboardGateway, type DashboardQuery } from './support/dashboard-fixture';

/*
 * Reuses: the reuses of a dataset and the visible datasets of a reuse, who
 * may register, change and remove them, and the dashboard figures moving
 * when one is changed or removed.
 * The catalog, activity and reuses, and the hand-computed scores, are in
 * test/support/dashboard-fixture.ts.
 */

describe('data dashboard', () => {
  let t: TestGateway;
  let admin: string;
  let bob: string;
  let carol: string;
  let tracker: string;
  let reuseIds: Record<string, string>;
  let dashboard: DashboardQuery;

  beforeAll(async () => {
    ({ t, admin, bob, carol, tracker, reuseIds, dashboard } = await startDashboardGateway());
  });
  afterAll(() => t.stop());

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
