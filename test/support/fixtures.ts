import type { TestGateway } from './test-gateway';
import { Visibility } from '../../src/domain/resources';

/**
 * A small hand-built catalog used by integration tests:
 * portal p1; themes t-eco, t-soc; users alice (owner), bob (member of space s1), carol;
 * space s1 {bob}; collections c-root > c-child; datasets:
 *  - d-pub: published PUBLIC, in c-child, themes t-eco
 *  - d-priv: published PRIVATE, owner alice, in space s1, in c-root
 *  - d-draft: unpublished PUBLIC, owner alice
 * files f1 (d-pub), f2 (d-priv), f3 (d-pub and d-draft).
 */
export async function loadSmallCatalog(t: TestGateway): Promise<void> {
  const w = t.gw.services.catalogWriter;
  await w.portals([{ _id: 'p1', name: 'Portal One', url: null }]);
  await w.themes([
    { _id: 't-eco', name: 'Economie' },
    { _id: 't-soc', name: 'Social' },
  ]);
  await w.users([
    { _id: 'alice', name: 'Alice', email: null, role: 'USER', automated: false },
    { _id: 'bob', name: 'Bob', email: null, role: 'USER', automated: false },
    { _id: 'carol', name: 'Carol', email: null, role: 'USER', automated: false },
  ]);
  await w.spaces([{ _id: 's1', name: 'Space One', memberIds: ['bob'] }]);
  await w.collections([
    { _id: 'c-root', name: 'Root', parentCollectionIds: [], spaceIds: ['s1'], ownerId: 'alice' },
    { _id: 'c-child', name: 'Child', parentCollectionIds: ['c-root'], spaceIds: [], ownerId: 'alice' },
  ]);
  const base = { description: null, licence: 'ODbL', publisher: 'Org', recordCount: 10, spaceIds: [] as string[], themeIds: [] as string[] };
  await w.datasets([
    { ...base, _id: 'd-pub', title: 'Public', portalId: 'p1', ownerId: 'carol', collectionIds: ['c-child'], themeIds: ['t-eco'], published: true, visibility: Visibility.PUBLIC },
    { ...base, _id: 'd-priv', title: 'Private', portalId: 'p1', ownerId: 'alice', collectionIds: ['c-root'], spaceIds: ['s1'], published: true, visibility: Visibility.PRIVATE },
    { ...base, _id: 'd-draft', title: 'Draft', portalId: 'p1', ownerId: 'alice', collectionIds: [], published: false, visibility: Visibility.PUBLIC },
  ]);
  await w.files([
    { _id: 'f1', title: 'one.csv', sizeBytes: 100, contentType: 'text/csv', datasetIds: ['d-pub'], ownerId: null },
    { _id: 'f2', title: 'two.csv', sizeBytes: 200, contentType: 'text/csv', datasetIds: ['d-priv'], ownerId: null },
    { _id: 'f3', title: 'three.csv', sizeBytes: 300, contentType: 'text/csv', datasetIds: ['d-pub', 'd-draft'], ownerId: null },
  ]);
}

export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0';

/**
 * Sends `events` (TrackAccessInput objects) through `trackAccesses` with
 * `key`; fails the test unless every one is recorded.
 */
export async function trackAllRecorded(t: TestGateway, events: Record<string, unknown>[], key: string): Promise<void> {
  const tracked = await t.gql<{ trackAccesses: { recorded: number; rejected: number } }>(
    `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected } }`,
    { inputs: events },
    key,
  );
  expect(tracked.errors).toBeUndefined();
  expect(tracked.data!.trackAccesses).toEqual({ recorded: events.length, rejected: 0 });
}

/** Registers a reuse (RegisterReuseInput) with `key`; fails the test on a GraphQL error. Returns its id. */
export async function registerReuse(t: TestGateway, input: Record<string, unknown>, key: string): Promise<string> {
  const res = await t.gql<{ registerReuse: { id: string } }>(
    `mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id } }`,
    { input },
    key,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.registerReuse.id;
}
