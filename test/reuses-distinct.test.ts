import { startTestGateway, type TestGateway } from './support/test-gateway';
import { Visibility } from '../src/domain/resources';

/*
 * Issue 17, item 6: one user registered the same URL five times and got five
 * reuses, enough to put a dataset at #1 of "Top 5 by reuses" and high in
 * "most popular". A reuse is one (dataset, normalised URL): registering it
 * again returns the same reuse, and the figures count distinct URLs.
 *
 * Catalog: d1..d4 PUBLIC in portal p, no usage (scores come from reuses only).
 * Honest reuses: d2 two different apps, d3 one. d1 is the stuffed one.
 */

const REG = `mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id url author { id } datasets { id } } }`;
const UPD = `mutation U($id: ID!, $input: UpdateReuseInput!) { updateReuse(id: $id, input: $input) { id url } }`;
const DASH = `query { dataDashboard {
  totals { reuses datasetsWithReuses }
  top5 { reuses { datasetId count } }
  popularity { mostPopular { datasetId reuses score } }
  themes { themeId reuses }
} }`;
const POP = `query P($id: ID!) { dataset(id: $id) { popularity(scope: NETWORK) { rank metrics { reuses } } reuses { totalCount } } }`;

interface Registered {
  id: string;
  url: string;
  author: { id: string } | null;
  datasets: { id: string }[];
}
interface Dash {
  totals: { reuses: number; datasetsWithReuses: number };
  top5: { reuses: { datasetId: string; count: number }[] };
  popularity: { mostPopular: { datasetId: string; reuses: number; score: number }[] };
  themes: { themeId: string; reuses: number }[];
}

describe('a reuse counts once per dataset and normalised URL', () => {
  let t: TestGateway;
  let admin: string;
  let mallory: string;
  let bob: string;

  const register = async (url: string, datasetIds: string[], key: string, title = 'My app') => {
    const res = await t.gql<{ registerReuse: Registered }>(REG, { input: { title, url, type: 'APPLICATION', datasetIds } }, key);
    return res;
  };
  const ok = async (url: string, datasetIds: string[], key: string, title?: string): Promise<Registered> => {
    const res = await register(url, datasetIds, key, title);
    expect(res.errors).toBeUndefined();
    return res.data!.registerReuse;
  };
  const dashboard = async (): Promise<Dash> => {
    const res = await t.gql<{ dataDashboard: Dash }>(DASH, {}, admin);
    expect(res.errors).toBeUndefined();
    return res.data!.dataDashboard;
  };
  const top5 = (d: Dash) => d.top5.reuses.map((e) => [e.datasetId, e.count]);
  const reuseDocs = () => t.gw.store.reuses.countDocuments({});

  beforeAll(async () => {
    // The hourly registration budget is off: this test registers more than 5 as one USER on purpose.
    t = await startTestGateway({ env: { REUSE_REGISTRATIONS_PER_HOUR: '0' } });
    admin = await t.keyFor('root', 'ADMIN');
    mallory = await t.keyFor('mallory', 'USER');
    bob = await t.keyFor('bob', 'USER');
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p', name: 'Portal', url: null }]);
    await w.themes([{ _id: 'th', name: 'Theme' }]);
    const base = {
      description: null,
      ownerId: null,
      spaceIds: [] as string[],
      collectionIds: [] as string[],
      published: true,
      visibility: Visibility.PUBLIC,
      portalId: 'p',
      themeIds: ['th'],
      licence: 'ODbL',
      publisher: 'Org',
      recordCount: 1,
    };
    await w.datasets(['d1', 'd2', 'd3', 'd4'].map((id) => ({ ...base, _id: id, title: `Dataset ${id}` })));
    await ok('https://maps.example.org/two-a', ['d2'], bob, 'two a');
    await ok('https://maps.example.org/two-b', ['d2'], bob, 'two b');
    await ok('https://maps.example.org/three', ['d3'], bob, 'three');
  });
  afterAll(() => t.stop());

  it('registers the same URL five times as one reuse, with the same id back', async () => {
    const before = await reuseDocs();
    const first = await ok('https://stuff.example.org/app', ['d1'], mallory);
    for (let i = 0; i < 4; i++) {
      const again = await ok('https://stuff.example.org/app', ['d1'], mallory, `copy ${i}`);
      expect(again.id).toBe(first.id);
    }
    expect(await reuseDocs()).toBe(before + 1);

    const d = await dashboard();
    // Before the fix: d1 had 5 reuses and led the top 5 and the popularity.
    expect(top5(d)).toEqual([['d2', 2], ['d1', 1], ['d3', 1]]);
    expect(d.totals).toEqual({ reuses: 4, datasetsWithReuses: 3 });
    expect(d.popularity.mostPopular[0]).toMatchObject({ datasetId: 'd2', reuses: 2 });
    expect(d.popularity.mostPopular.find((e) => e.datasetId === 'd1')!.reuses).toBe(1);
  });

  it('writes one reuse when the same registration arrives five times at once', async () => {
    const before = await reuseDocs();
    const all = await Promise.all([0, 1, 2, 3, 4].map(() => ok('https://race.example.org/app', ['d3'], mallory)));
    expect(new Set(all.map((r) => r.id)).size).toBe(1);
    expect(await reuseDocs()).toBe(before + 1);
    const removed = await t.gql(`mutation D($id: ID!) { removeReuse(id: $id) }`, { id: all[0]!.id }, mallory);
    expect(removed.errors).toBeUndefined();
    expect(await reuseDocs()).toBe(before);
  });

  it('treats URLs differing in host case, trailing slash, tracking parameters or fragment as the same reuse', async () => {
    const first = await ok('https://stuff.example.org/app', ['d1'], mallory);
    const before = await reuseDocs();
    for (const url of [
      'https://STUFF.Example.ORG/app',
      'https://stuff.example.org/app/',
      'https://stuff.example.org/app?utm_source=newsletter&utm_campaign=spring',
      'https://stuff.example.org/app?fbclid=IwAR0xyz',
      'https://stuff.example.org/app#map',
      'http://stuff.example.org:80/app',
      'HTTPS://Stuff.example.org:443/app/?gclid=1&utm_medium=x#top',
    ]) {
      const again = await ok(url, ['d1'], mallory);
      expect([url, again.id]).toEqual([url, first.id]);
      // The stored URL is the one first registered.
      expect(again.url).toBe('https://stuff.example.org/app');
    }
    expect(await reuseDocs()).toBe(before);
    expect(top5(await dashboard())).toEqual([['d2', 2], ['d1', 1], ['d3', 1]]);
  });

  it('counts a genuinely different URL as a second reuse (path case included)', async () => {
    const first = await ok('https://stuff.example.org/app', ['d1'], mallory);
    const other = await ok('https://stuff.example.org/App', ['d1'], mallory);
    expect(other.id).not.toBe(first.id);
    const d = await dashboard();
    expect(top5(d)).toEqual([['d1', 2], ['d2', 2], ['d3', 1]]);
    expect(d.totals.reuses).toBe(5);
    const pop = await t.gql<{ dataset: { popularity: { rank: number; metrics: { reuses: number } }; reuses: { totalCount: number } } }>(
      POP,
      { id: 'd1' },
      admin,
    );
    expect(pop.errors).toBeUndefined();
    expect(pop.data!.dataset.popularity.metrics.reuses).toBe(2);
    expect(pop.data!.dataset.reuses.totalCount).toBe(2);
  });

  it('gives a second user who registers the same URL the existing reuse, not a new one', async () => {
    const before = await reuseDocs();
    const mine = await ok('https://maps.example.org/three/', ['d3'], mallory, 'not yours');
    expect(mine.author).toEqual({ id: 'bob' });
    expect(mine.url).toBe('https://maps.example.org/three');
    expect(await reuseDocs()).toBe(before);
    // It stays bob's: mallory may not change it.
    const upd = await t.gql(UPD, { id: mine.id, input: { title: 'mine now' } }, mallory);
    expect(upd.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a registration that only partly overlaps an existing one (DUPLICATE_REUSE), writing nothing', async () => {
    const existing = await ok('https://maps.example.org/three', ['d3'], bob);
    const before = await reuseDocs();
    const res = await register('https://maps.example.org/three?utm_source=x', ['d3', 'd4'], bob);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'DUPLICATE_REUSE', reuseId: existing.id, datasetIds: ['d3'] });
    expect(await reuseDocs()).toBe(before);
    // For the other dataset alone it is a reuse of its own; the same work counts once in the totals.
    const d4 = await ok('https://maps.example.org/three', ['d4'], bob);
    expect(d4.id).not.toBe(existing.id);
    const d = await dashboard();
    expect(top5(d)).toEqual([['d1', 2], ['d2', 2], ['d3', 1], ['d4', 1]]);
    expect(d.totals).toEqual({ reuses: 5, datasetsWithReuses: 4 });
    expect(d.themes).toEqual([{ themeId: 'th', reuses: 5 }]);
  });

  it('refuses to change a URL into one the dataset already has (DUPLICATE_REUSE), writing nothing', async () => {
    const a = await ok('https://maps.example.org/two-a', ['d2'], bob);
    const res = await t.gql(UPD, { id: a.id, input: { url: 'https://MAPS.example.org/two-b/' } }, bob);
    expect(res.errors?.[0].extensions?.code).toBe('DUPLICATE_REUSE');
    expect((await t.gw.store.reuses.findOne({ _id: a.id }))!.url).toBe('https://maps.example.org/two-a');
    // Changing to its own URL in another spelling is fine.
    const same = await t.gql<{ updateReuse: { url: string } }>(UPD, { id: a.id, input: { url: 'https://maps.example.org/two-a/' } }, bob);
    expect(same.errors).toBeUndefined();
    expect(same.data!.updateReuse.url).toBe('https://maps.example.org/two-a/');
    expect(top5(await dashboard())).toEqual([['d1', 2], ['d2', 2], ['d3', 1], ['d4', 1]]);
  });

  it('counts duplicates stored before this rule (old ids, no key) once, and returns the oldest on registration', async () => {
    const old = (id: string, url: string, createdAt: string) => ({
      _id: id,
      title: 'legacy',
      url,
      type: 'APPLICATION' as const,
      datasetIds: ['d4'],
      authorId: 'mallory',
      createdAt: new Date(createdAt),
      modifiedAt: new Date(createdAt),
    });
    await t.gw.store.reuses.insertMany([
      old('reuse-0b1d-legacy-1', 'https://legacy.example.org/viz', '2024-01-01T00:00:00Z'),
      old('reuse-0b1d-legacy-2', 'https://legacy.example.org/viz', '2024-01-02T00:00:00Z'),
      old('reuse-0b1d-legacy-3', 'https://LEGACY.example.org/viz/', '2024-01-03T00:00:00Z'),
      old('reuse-0b1d-legacy-4', 'https://legacy.example.org/viz?utm_source=a', '2024-01-04T00:00:00Z'),
    ]);
    const d = await dashboard();
    // d4: the URL of the previous test and one legacy URL, not five.
    expect(top5(d)).toEqual([['d1', 2], ['d2', 2], ['d4', 2], ['d3', 1]]);
    expect(d.totals.reuses).toBe(6);
    const again = await ok('https://legacy.example.org/viz', ['d4'], admin);
    expect(again.id).toBe('reuse-0b1d-legacy-1');
    // An old id still reads and changes.
    const upd = await t.gql<{ updateReuse: { id: string } }>(UPD, { id: 'reuse-0b1d-legacy-2', input: { title: 'renamed' } }, mallory);
    expect(upd.errors).toBeUndefined();
  });
});
