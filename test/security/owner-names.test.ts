/**
 * Issue 16, finding B: dataset owners are people, and their names (and ids,
 * which may be login names or e-mail addresses) were listed to anonymous
 * callers. `Dataset.owner` is now given to anonymous callers and TRACKER
 * keys only on portals with `publicOwnerNames`; signed-in people (USER,
 * ADMIN) see it everywhere they see the dataset (docs/permissions.md,
 * "Owner names").
 */
import pino from 'pino';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { canSeeOwner } from '../../src/auth/visibility';
import { ANONYMOUS, type Caller } from '../../src/domain/caller';
import { loadDemoData } from '../../src/demo/load-demo';

type Role = 'anonymous' | 'TRACKER' | 'USER' | 'ADMIN';
interface Row {
  id: string;
  owner: { id: string; name: string } | null;
  portal: { id: string; publicOwnerNames: boolean } | null;
}

const DATASETS = `{ datasets(first: 500) { nodes { id owner { id name } portal { id publicOwnerNames } } } }`;
const user = (role: 'ADMIN' | 'USER' | 'TRACKER', userId = 'x'): Caller => ({ kind: 'user', userId, role, automated: false, spaceIds: [] });

describe('canSeeOwner (pure rule)', () => {
  it.each([
    ['anonymous', ANONYMOUS, false, false],
    ['anonymous', ANONYMOUS, true, true],
    ['TRACKER', user('TRACKER'), false, false],
    ['TRACKER', user('TRACKER'), true, true],
    ['USER', user('USER'), false, true],
    ['ADMIN', user('ADMIN'), false, true],
  ] as const)('%s, portal publicOwnerNames=%s → %s', (_name, caller, flag, expected) => {
    expect(canSeeOwner({ publicOwnerNames: flag }, caller)).toBe(expected);
  });

  it('a portal stored before the flag existed, or no portal at all, keeps names hidden', () => {
    expect(canSeeOwner({}, ANONYMOUS)).toBe(false);
    expect(canSeeOwner(null, ANONYMOUS)).toBe(false);
    expect(canSeeOwner(undefined, user('TRACKER'))).toBe(false);
  });
});

describe('Dataset.owner over GraphQL', () => {
  let t: TestGateway;
  const keys: Partial<Record<Role, string>> = {};

  const as = async (role: Role, query: string, variables?: Record<string, unknown>) => {
    const res = await t.gql<Record<string, unknown>>(query, variables, keys[role] ?? null);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const owners = async (role: Role): Promise<Map<string, Row['owner']>> => {
    const data = (await as(role, DATASETS)) as { datasets: { nodes: Row[] } };
    return new Map(data.datasets.nodes.map((n) => [n.id, n.owner]));
  };
  const upsertPortals = async (portals: object[]) => {
    const res = await t.gql('mutation P($p: [PortalInput!]!) { upsertPortals(portals: $p) { created updated } }', { p: portals }, keys.ADMIN);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  };

  beforeAll(async () => {
    t = await startTestGateway();
    keys.ADMIN = await t.keyFor('root', 'ADMIN');
    keys.TRACKER = await t.keyFor('svc', 'TRACKER');
    keys.USER = await t.keyFor('bob', 'USER', { name: 'Bob Martin' });
    await upsertPortals([
      { id: 'p-open', name: 'Open', publicOwnerNames: true },
      { id: 'p-closed', name: 'Closed' },
    ]);
    const res = await t.gql(
      `mutation {
        upsertUsers(users: [{ id: "jeanne.dupont@example.org", name: "Jeanne Dupont" }, { id: "paul", name: "Paul Durand" }]) { created }
        upsertDatasets(datasets: [
          { id: "d-open", title: "Open owner", portalId: "p-open", ownerId: "paul" },
          { id: "d-closed", title: "Closed owner", portalId: "p-closed", ownerId: "jeanne.dupont@example.org" },
          { id: "d-none", title: "No owner", portalId: "p-open" }
        ]) { created }
      }`,
      {},
      keys.ADMIN,
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  });
  afterAll(() => t?.stop());

  it('the portal flag defaults to false and reads back', async () => {
    const data = (await as('anonymous', '{ portals { id publicOwnerNames } }')) as { portals: { id: string; publicOwnerNames: boolean }[] };
    expect(data.portals).toEqual([
      { id: 'p-closed', publicOwnerNames: false },
      { id: 'p-open', publicOwnerNames: true },
    ]);
  });

  it.each(['anonymous', 'TRACKER'] as const)('%s sees owners only where the portal publishes them', async (role) => {
    const seen = await owners(role);
    expect(seen.get('d-open')).toEqual({ id: 'paul', name: 'Paul Durand' });
    expect(seen.get('d-closed')).toBeNull();
    expect(seen.get('d-none')).toBeNull();
    // Neither the name nor the id (an e-mail address here) leaks by another path.
    const one = await t.gql('{ dataset(id: "d-closed") { owner { id name } } portal(id: "p-closed") { datasets { nodes { owner { name } } } } }', {}, keys[role] ?? null);
    expect(one.errors).toBeUndefined();
    expect(JSON.stringify(one.data)).not.toMatch(/Jeanne|dupont/);
  });

  it.each(['USER', 'ADMIN'] as const)('%s sees every owner', async (role) => {
    const seen = await owners(role);
    expect(seen.get('d-open')).toEqual({ id: 'paul', name: 'Paul Durand' });
    expect(seen.get('d-closed')).toEqual({ id: 'jeanne.dupont@example.org', name: 'Jeanne Dupont' });
    expect(seen.get('d-none')).toBeNull();
  });

  it('turning the flag on publishes the names, an upsert without it hides them again', async () => {
    await upsertPortals([{ id: 'p-closed', name: 'Closed', publicOwnerNames: true }]);
    expect((await owners('anonymous')).get('d-closed')).toEqual({ id: 'jeanne.dupont@example.org', name: 'Jeanne Dupont' });
    await upsertPortals([{ id: 'p-closed', name: 'Closed' }]);
    expect((await owners('anonymous')).get('d-closed')).toBeNull();
  });
});

describe('the demo catalog', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
    await loadDemoData(t.gw.services, new Date(), pino({ level: 'silent' }), { datasetCount: 80, eventCount: 0 });
  });
  afterAll(() => t?.stop());

  it('shows owner names to anonymous callers on data.gouv.fr only (its flag), to admins everywhere', async () => {
    const anon = await t.gql<{ datasets: { nodes: Row[] } }>(DATASETS);
    const rows = anon.data!.datasets.nodes;
    const withOwner = (p: string) => rows.filter((r) => r.portal?.id === p && r.owner !== null).length;
    expect(rows.some((r) => r.portal?.id === 'datagouv')).toBe(true);
    expect(withOwner('datagouv')).toBeGreaterThan(0);
    expect(withOwner('rennes-metropole')).toBe(0);
    expect(withOwner('brest-metropole')).toBe(0);
    for (const r of rows) expect(r.portal?.publicOwnerNames).toBe(r.portal?.id === 'datagouv');

    const adminKey = await t.keyFor('root', 'ADMIN');
    const admin = await t.gql<{ datasets: { nodes: Row[] } }>(DATASETS, {}, adminKey);
    const named = admin.data!.datasets.nodes.filter((r) => r.owner !== null);
    expect(named.some((r) => r.portal?.id === 'rennes-metropole' || r.portal?.id === 'brest-metropole')).toBe(true);
  });
});
