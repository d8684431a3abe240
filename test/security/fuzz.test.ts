/**
 * Issue 9: fuzzing GraphQL inputs and HTTP requests with fast-check (fixed
 * seed, bounded runs). Whatever a client sends: no crash, no HTTP 500, and
 * every error carries a stable code.
 */
import fc from 'fast-check';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { loadSmallCatalog } from '../support/fixtures';
import { KNOWN_CODES } from '../../src/http/error-masking';

const SEED = 20261130;

type Body = { errors?: { extensions?: { code?: string } }[]; error?: { code?: string }; data?: unknown };

describe('fuzzing (fast-check, fixed seed)', () => {
  let t: TestGateway;
  let keys: Record<string, string | null>;
  const problems: string[] = [];
  let requests = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    t = await startTestGateway({ env: { REQUEST_TIMEOUT_MS: '5000' } });
    await loadSmallCatalog(t);
    keys = { none: null, admin: await t.keyFor('fz-admin', 'ADMIN'), user: await t.keyFor('alice', 'USER'), tracker: await t.keyFor('fz-tracker', 'TRACKER'), bad: 'ugk_not-a-key' };
  });
  afterAll(async () => {
    await t.stop();
  });

  /** Sends one request and records what is wrong with the answer, if anything. */
  async function check(label: string, init: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<void> {
    requests++;
    let res: Response;
    try {
      res = await fetch(`${t.baseUrl}${init.path}`, { method: init.method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      // The client library refusing to send (e.g. a body on GET) is not a server problem.
      if (err instanceof TypeError && !/fetch failed/.test(err.message)) return;
      problems.push(`${label}: no answer (${String(err)})`);
      return;
    }
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const text = await res.text();
    if (res.status >= 500 && res.status !== 503 && res.status !== 504) problems.push(`${label}: HTTP ${res.status} ${text.slice(0, 200)}`);
    const type = res.headers.get('content-type') ?? '';
    // The web pages (/, GraphiQL, their assets) are not API routes: they need only avoid 500.
    const api = /^\/(graphql|api\/|health|ready|metrics)/.test(init.path) || res.status === 404;
    if (!api) return;
    if (!type.includes('json')) {
      if (res.status >= 400) problems.push(`${label}: HTTP ${res.status} without a JSON body (${type})`);
      return;
    }
    let body: Body;
    try {
      body = JSON.parse(text) as Body;
    } catch {
      problems.push(`${label}: invalid JSON`);
      return;
    }
    const codes = [...(body.errors ?? []).map((e) => e.extensions?.code), ...(body.error ? [body.error.code] : [])];
    if (res.status >= 400 && codes.length === 0 && !('status' in (body as object))) problems.push(`${label}: HTTP ${res.status} without a code`);
    for (const c of codes) {
      if (!c || !KNOWN_CODES.has(c)) problems.push(`${label}: unknown code ${String(c)}`);
      if (c === 'INTERNAL_SERVER_ERROR') problems.push(`${label}: INTERNAL_SERVER_ERROR ${text.slice(0, 300)}`);
    }
  }

  const date = fc.oneof(
    fc.constantFrom('2026-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '0099-12-31T00:00:00Z', '9999-12-31T23:59:59Z', '+010000-01-01T00:00:00Z', '2026-02-30', '', 'now'),
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.string({ maxLength: 30 }),
  );
  const int = fc.oneof(fc.integer({ min: -5, max: 600 }), fc.constantFrom(0, 500, 501, 2147483647, -2147483648), fc.constant('$n'), fc.constant('null'));
  const str = fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s));
  const field = fc.oneof(
    fc.constant('portals { id name }'),
    fc.constant('themes { id }'),
    fc.tuple(int, fc.constantFrom('DAY', 'MONTH'), date, date).map(([n, g, a, b]) => `datasets(first: ${n}) { totalCount nodes { id title usage(from: ${JSON.stringify(a)}, to: ${JSON.stringify(b)}, granularity: ${g}) { points { period views } } } }`),
    fc.tuple(int, fc.constantFrom('PORTAL', 'NETWORK'), date).map(([n, s, a]) => `datasets(first: ${n}) { nodes { popularity(scope: ${s}, from: ${JSON.stringify(a)}) { score rank } } }`),
    fc.tuple(date, date, fc.integer({ min: -3, max: 200 })).map(([a, b, h]) => `dataDashboard(from: ${JSON.stringify(a)}, to: ${JSON.stringify(b)}, histogramBuckets: ${h}) { totals { views datasets } popularity { histogram { count } } }`),
    fc.tuple(int, str, str).map(([n, s, u]) => `usageReport(first: ${n}, since: ${s}, until: ${u}) { totalCount nodes { id } }`),
    fc.tuple(int, str).map(([n, a]) => `collections(first: ${n}, after: ${a}) { nodes { id datasets(first: ${n}) { nodes { id } } childCollections { nodes { id } } } }`),
    fc.tuple(str, str).map(([m, p]) => `monthlyUsageExport(from: ${m}, portalId: ${p}) { totalCount }`),
    str.map((id) => `user(id: ${id}) { id name }`),
    str.map((id) => `dataset(id: ${id}) { id stats { views } files(first: 3) { nodes { id } } }`),
    fc.constant('me { id role }'),
    fc.constant('__schema { types { name } }'),
    fc.string({ maxLength: 30 }).map((x) => `portals { id } ${x}`),
  );
  const query = fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.tuple(fc.boolean(), field), { minLength: 1, maxLength: 2 }).map((fs) => {
        const body = fs.map(([alias, f], i) => (alias ? `a${i}: ${f}` : f)).join(' ');
        return `query${body.includes('$n') ? '($n: Int)' : ''} { ${body} }`;
      }) },
    {
      weight: 2,
      arbitrary: fc.tuple(str, fc.constantFrom('DATASET', 'FILE', 'COLLECTION', 'BOGUS'), fc.constantFrom('VIEW', 'DOWNLOAD', 'API_CALL'), date, str).map(
        ([id, type, action, ts, ev]) => `mutation { trackAccess(input: { resourceType: ${type}, resourceId: ${id}, action: ${action}, timestamp: ${JSON.stringify(ts)}, eventId: ${ev} }) { status } }`,
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(str, str, str, date).map(
        ([id, title, url, d]) => `mutation { upsertPortals(portals: [{ id: ${id}, name: ${title}, url: ${url} }]) { created } upsertCollections(collections: [{ id: ${id}, name: ${title}, parentCollectionIds: [${id}], createdAt: ${JSON.stringify(d)} }]) { created } }`,
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );

  it('GraphQL documents and variables: no 500, every error coded', async () => {
    await fc.assert(
      fc.asyncProperty(query, fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -10, max: 1000 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }), fc.constantFrom('none', 'admin', 'user', 'tracker', 'bad'), async (q, n, who) => {
        const key = keys[who];
        await check(`graphql[${who}] ${q.slice(0, 120)} n=${JSON.stringify(n)}`, {
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify({ query: q, variables: { n } }),
        });
      }),
      { seed: SEED, numRuns: 250 },
    );
    expect(problems).toEqual([]);
  }, 600_000);

  const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
  it('HTTP requests (methods, paths, headers, bodies): no 500, every error coded JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.oneof(
          fc.constantFrom('/graphql', '/api/reports/metrics', '/api/reports/metrics/datasets', '/api/reports/metrics/files_by_user', '/api/reports/monthly', '/ready', '/metrics', '/nope'),
          fc.stringMatching(/^\/[A-Za-z0-9%._~\-/?=&]{0,80}$/),
          fc.tuple(fc.constantFrom('/api/reports/metrics/datasets?since=', '/graphql?query=', '/api/reports/monthly?portal='), fc.string({ maxLength: 40 })).map(([p, v]) => p + encodeURIComponent(v)),
        ),
        fc.record(
          {
            'content-type': fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin9', 'text/plain', 'application/graphql', 'multipart/form-data'), headerValue),
            'content-encoding': fc.oneof(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus'), headerValue),
            authorization: fc.oneof(fc.constantFrom('Bearer', 'Bearer ', 'Token abc', 'Basic Zm9vOmJhcg=='), headerValue),
            'x-api-key': headerValue,
            accept: fc.constantFrom('application/json', 'text/csv', '*/*', 'application/graphql-response+json'),
          },
          { requiredKeys: [] },
        ),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), query.map((q) => JSON.stringify({ query: q }))),
        async (method, path, headers, body) => {
          await check(`${method} ${path} ${JSON.stringify(headers)} ${String(body).slice(0, 80)}`, {
            method,
            path,
            headers: headers as Record<string, string>,
            body: method === 'GET' ? undefined : body,
          });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
    expect(problems).toEqual([]);
  }, 600_000);

  it('the gateway still answers after the fuzzing', async () => {
    expect(requests).toBeGreaterThanOrEqual(550);
    console.log('fuzz statuses', JSON.stringify(Object.fromEntries(statuses)));
    // Enough of the inputs got past validation to exercise resolvers.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(40);
    expect((await fetch(`${t.baseUrl}/health`)).status).toBe(200);
  });
});
