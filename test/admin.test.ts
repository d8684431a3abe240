/**
 * Who is calling: admin mutations (createUser, issueApiKey, revokeApiKey),
 * `me` and `apiKeys`, over real HTTP. Keys are stored hashed only.
 */
import { createHash } from 'node:crypto';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';
import { fetchCsv } from './support/report-fixtures';

const CREATE_USER = `mutation C($input: CreateUserInput!) { createUser(input: $input) { id name email role automated createdAt } }`;
const ISSUE = `mutation I($userId: ID!, $label: String, $automated: Boolean) {
  issueApiKey(userId: $userId, label: $label, automated: $automated) { key apiKey { prefix userId label automated createdAt revokedAt } }
}`;
const REVOKE = `mutation R($prefix: String!) { revokeApiKey(prefix: $prefix) }`;
const ME = `{ me { id name email role automated spaces { id name } } }`;
const KEYS = `query K($userId: ID) { apiKeys(userId: $userId) { prefix userId label automated createdAt revokedAt } }`;

interface Issued {
  key: string;
  apiKey: { prefix: string; userId: string; label: string | null; automated: boolean; createdAt: string; revokedAt: string | null };
}

describe('users and API keys', () => {
  let t: TestGateway;
  let admin: string;
  let tracker: string;
  let bob: string;

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    admin = await t.keyFor('root', 'ADMIN', { name: 'Root' });
    tracker = await t.keyFor('svc-portal', 'TRACKER');
    bob = (await t.gw.services.auth.issueKey('bob')).key;
  });
  afterAll(() => t.stop());

  const issue = async (userId: string, extra: Record<string, unknown> = {}, key = admin): Promise<Issued> => {
    const res = await t.gql<{ issueApiKey: Issued }>(ISSUE, { userId, ...extra }, key);
    expect(res.errors).toBeUndefined();
    return res.data!.issueApiKey;
  };

  it('an admin creates users; the id must be new', async () => {
    const input = { id: 'erin', name: 'Erin', email: 'erin@example.org', role: 'USER' };
    const res = await t.gql<{ createUser: Record<string, unknown> }>(CREATE_USER, { input }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createUser).toMatchObject({ id: 'erin', name: 'Erin', email: 'erin@example.org', role: 'USER', automated: false });
    const again = await t.gql(CREATE_USER, { input }, admin);
    expect(again.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(again.errors?.[0].message).toMatch(/already exists/);
    const badEmail = await t.gql(CREATE_USER, { input: { ...input, id: 'x1', email: 'nope' } }, admin);
    expect(badEmail.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badRole = await t.gql(CREATE_USER, { input: { ...input, id: 'x2', role: 'ROOT' } }, admin);
    expect(badRole.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['anonymous', null, 'UNAUTHENTICATED'],
    ['a USER', 'bob', 'FORBIDDEN'],
    ['a TRACKER', 'tracker', 'FORBIDDEN'],
  ] as const)('refuses admin mutations to %s', async (_who, which, code) => {
    const key = which === 'bob' ? bob : which === 'tracker' ? tracker : null;
    const created = await t.gql(CREATE_USER, { input: { id: 'mallory', name: 'M', role: 'ADMIN' } }, key);
    expect(created.errors?.[0].extensions?.code).toBe(code);
    const issued = await t.gql(ISSUE, { userId: 'bob' }, key);
    expect(issued.errors?.[0].extensions?.code).toBe(code);
    const revoked = await t.gql(REVOKE, { prefix: 'ugk_abcdef' }, key);
    expect(revoked.errors?.[0].extensions?.code).toBe(code);
    expect(await t.gw.store.users.findOne({ _id: 'mallory' })).toBeNull();
  });

  it('issues a key once, stores only its hash, and the key identifies its user', async () => {
    const { key, apiKey } = await issue('alice', { label: 'laptop' });
    expect(key).toMatch(/^ugk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ prefix: key.slice(0, 10), userId: 'alice', label: 'laptop', automated: false, revokedAt: null });
    const stored = await t.gw.store.apiKeys.find({ userId: 'alice' }).toArray();
    expect(stored.map((d) => d._id)).toContain(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(key);

    const me = await t.gql<{ me: Record<string, unknown> }>(ME, {}, key);
    expect(me.data!.me).toEqual({ id: 'alice', name: 'Alice', email: null, role: 'USER', automated: false, spaces: [] });
    const meBob = await t.gql<{ me: Record<string, unknown> }>(ME, {}, bob);
    expect(meBob.data!.me).toMatchObject({ id: 'bob', spaces: [{ id: 's1', name: 'Space One' }] });
    const meTracker = await t.gql<{ me: Record<string, unknown> }>(ME, {}, tracker);
    expect(meTracker.data!.me).toMatchObject({ id: 'svc-portal', role: 'TRACKER' });
    expect((await t.gql(ME, {}, null)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('an automated key makes its traffic machine traffic', async () => {
    const { key, apiKey } = await issue('carol', { label: 'extractor', automated: true });
    expect(apiKey.automated).toBe(true);
    expect((await t.gql<{ me: { automated: boolean } }>(ME, {}, key)).data!.me.automated).toBe(true);
    const res = await t.gql<{ trackAccess: { trafficClass: string } }>(
      `mutation { trackAccess(input: {resourceType: FILE, resourceId: "f1", action: DOWNLOAD, userAgent: "${BROWSER_UA}"}) { trafficClass } }`,
      {},
      key,
    );
    expect(res.data!.trackAccess.trafficClass).toBe('machine');
  });

  it('refuses keys for unknown users', async () => {
    const res = await t.gql(ISSUE, { userId: 'nobody' }, admin);
    expect(res.errors?.[0].extensions?.code).toBe('UNKNOWN_USER');
  });

  it('lists keys: admins anyone\'s, others only their own; never the key or its hash', async () => {
    const mine = await t.gql<{ apiKeys: Issued['apiKey'][] }>(KEYS, {}, bob);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.apiKeys.map((k) => k.userId)).toEqual(['bob']);
    expect(mine.data!.apiKeys[0].prefix).toBe(bob.slice(0, 10));
    expect((await t.gql(KEYS, { userId: 'bob' }, bob)).errors).toBeUndefined();
    expect((await t.gql(KEYS, { userId: 'alice' }, bob)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(KEYS, {}, null)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const theirs = await t.gql<{ apiKeys: Issued['apiKey'][] }>(KEYS, { userId: 'alice' }, admin);
    expect(theirs.data!.apiKeys.length).toBeGreaterThan(0);
    expect(JSON.stringify(theirs.data)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('a revoked key stops working at once: 401 everywhere', async () => {
    await t.gql(CREATE_USER, { input: { id: 'dave', name: 'Dave', role: 'USER' } }, admin);
    const { key, apiKey } = await issue('dave');
    expect((await t.gql(ME, {}, key)).errors).toBeUndefined();
    expect((await fetchCsv(t, '/api/reports/metrics/files', key)).status).toBe(200);

    const res = await t.gql<{ revokeApiKey: number }>(REVOKE, { prefix: apiKey.prefix }, admin);
    expect(res.data!.revokeApiKey).toBe(1);

    const gql = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: ME }),
    });
    expect(gql.status).toBe(401);
    expect(((await gql.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const csv = await fetchCsv(t, '/api/reports/metrics/files', key);
    expect(csv.status).toBe(401);
    expect(csv.json!.error!.code).toBe('UNAUTHENTICATED');

    const listed = await t.gql<{ apiKeys: Issued['apiKey'][] }>(KEYS, { userId: 'dave' }, admin);
    expect(listed.data!.apiKeys[0].revokedAt).not.toBeNull();
    expect((await t.gql<{ revokeApiKey: number }>(REVOKE, { prefix: apiKey.prefix }, admin)).data!.revokeApiKey).toBe(0);
    expect((await t.gql(REVOKE, { prefix: 'ugk' }, admin)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
