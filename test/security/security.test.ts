/**
 * Issue 9 "Safe to put on the internet": one test per finding, over real
 * HTTP against the shared embedded database. Timing bounds are generous
 * (busy CI machine); what matters is the coded refusal.
 */
import http from 'node:http';
import { getIntrospectionQuery, parse } from 'graphql';
import { costDependsOnVariables } from '../../src/graphql/cost';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from '../support/fixtures';

type Json = { errors?: { message: string; extensions?: { code?: string; cost?: number } }[]; data?: unknown; error?: { code: string } };

async function post(t: TestGateway, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json; headers: Headers }> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, json, headers: res.headers };
}

const code = (j: Json) => j.errors?.[0]?.extensions?.code ?? j.error?.code;

describe('security: the query cost model refuses costly documents before running them', () => {
  let t: TestGateway;
  let admin: string;
  let user: string;
  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    admin = await t.keyFor('sec-admin', 'ADMIN');
    user = await t.keyFor('sec-user', 'USER');
  });
  afterAll(() => t.stop());

  const bomb = `query($n: Int) { ${Array.from({ length: 10 }, (_, i) => `a${i}: datasets(first: $n) { nodes { collections { datasets(first: $n) { nodes { collections { datasets(first: $n) { nodes { id title } } } } } } } }`).join(' ')} }`;

  it('refuses the variable-`first` bomb before executing it (no data), with bounded memory', async () => {
    const rss = process.memoryUsage().rss;
    const r = await post(t, { query: bomb, variables: { n: 500 } });
    expect(r.status).toBe(400);
    expect(code(r.json)).toBe('QUERY_TOO_COMPLEX');
    expect(r.json.errors?.[0]?.extensions?.cost).toBeGreaterThan(100_000);
    expect(r.json.data).toBeUndefined();
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
  });

  it('judges the same document again for each request whose variables change its cost (no stale cached verdict)', async () => {
    const small = await post(t, { query: bomb, variables: { n: 1 } });
    expect(small.status).toBe(200);
    expect(small.json.errors).toBeUndefined();
    const big = await post(t, { query: bomb, variables: { n: 500 } });
    expect(code(big.json)).toBe('QUERY_TOO_COMPLEX');
    // @include with a variable decides which fields are counted.
    const q = `query($all: Boolean!) { datasets(first: 100) { nodes { collections { datasets(first: 100) @include(if: $all) { nodes { collections { datasets(first: 100) { nodes { id } } } } } } } } }`;
    expect((await post(t, { query: q, variables: { all: false } })).json.errors).toBeUndefined();
    expect(code((await post(t, { query: q, variables: { all: true } })).json)).toBe('QUERY_TOO_COMPLEX');
  });

  it('knows which operations a variable can make dearer', () => {
    const depends = (q: string) => costDependsOnVariables(parse(q));
    expect(depends('query($n: Int) { datasets(first: $n) { nodes { id } } }')).toBe(true);
    expect(depends('query($f: DateTime) { dataset(id: "d") { usage(from: $f) { total } } }')).toBe(true);
    expect(depends('query($x: Boolean!) { dataset(id: "d") @skip(if: $x) { id } }')).toBe(true);
    expect(depends('query($n: Int) { ...F } fragment F on Query { datasets(first: $n) { nodes { id } } }')).toBe(true);
    expect(depends('mutation($i: TrackAccessInput!) { trackAccess(input: $i) { status } }')).toBe(false);
    expect(depends('query($id: ID!) { dataset(id: $id) { id title } }')).toBe(false);
  });

  it('counts list fields without `first` and defaults (no variables at all)', async () => {
    const q = `{ datasets { nodes { collections { datasets { nodes { collections { datasets { nodes { id } } } } } } } } }`;
    const r = await post(t, { query: q });
    expect(code(r.json)).toBe('QUERY_TOO_COMPLEX');
  });

  it('counts fragments like inline selections', async () => {
    const q = `query($n: Int) { datasets(first: $n) { ...D } } fragment D on DatasetConnection { nodes { collections { datasets(first: $n) { nodes { collections { datasets(first: $n) { nodes { id } } } } } } } }`;
    const r = await post(t, { query: q, variables: { n: 500 } });
    expect(code(r.json)).toBe('QUERY_TOO_COMPLEX');
  });

  it('still serves an ordinary usage tree', async () => {
    const q = `{ collections(first: 10) { nodes { id stats { views } datasets(first: 20) { nodes { id stats { downloads } files(first: 20) { nodes { id stats { downloads } } } } } } } }`;
    const r = await post(t, { query: q }, { authorization: `Bearer ${admin}` });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
  });

  const aliased = (field: string, n = 30) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field.replace('$I', String(i))}`).join(' ')} }`;

  it.each([
    ['usageReport', aliased('usageReport(first: 10) { totalCount }'), 'user'],
    ['usageByUserReport', aliased('usageByUserReport(type: DATASET, first: 10) { totalCount }'), 'user'],
    ['monthlyUsageExport', aliased('monthlyUsageExport(portalId: "p1", first: 10) { totalCount }'), 'user'],
    ['dataDashboard', aliased('dataDashboard(from: "2026-01-$IT00:00:00Z") { totals { views } }'.replace('$I', '01')), 'anonymous'],
    [
      'popularity windows',
      `{ dataset(id: "d-pub") { ${Array.from({ length: 30 }, (_, i) => `p${i}: popularity(from: "2025-01-${String(i + 1).padStart(2, '0')}T00:00:00Z") { score }`).join(' ')} } }`,
      'anonymous',
    ],
    [
      'day series on every dataset',
      `{ datasets(first: 500) { nodes { usage(from: "2023-01-01T00:00:00Z", to: "2025-12-31T00:00:00Z") { points { period } } } } }`,
      'anonymous',
    ],
  ])('refuses %s under aliases / large lists with QUERY_TOO_COMPLEX', async (_name, query, who) => {
    const r = await post(t, { query }, who === 'user' ? { authorization: `Bearer ${user}` } : {});
    expect(r.status).toBe(400);
    expect(code(r.json)).toBe('QUERY_TOO_COMPLEX');
  });

  it('allows the standard introspection query (GraphiQL, BI tools) and refuses an introspection bomb', async () => {
    const ok = await post(t, { query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) });
    expect(ok.status).toBe(200);
    expect(ok.json.errors).toBeUndefined();
    const bomb = await post(t, { query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }' });
    // Apollo's introspection-depth rule or the cost model, whichever comes first.
    expect(bomb.status).toBe(400);
    expect(['GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX']).toContain(code(bomb.json));
  });

  it('a single heavy field is still allowed', async () => {
    const r = await post(t, { query: `{ dataDashboard { totals { datasets } } }` });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
  });
});

describe('security: request time budget', () => {
  let t: TestGateway;
  let admin: string;
  beforeAll(async () => {
    t = await startTestGateway({ env: { REQUEST_TIMEOUT_MS: '100', MAX_CATALOG_BATCH: '100000', MAX_BODY_BYTES: '10000000' } });
    admin = await t.keyFor('tb-admin', 'ADMIN');
  });
  afterAll(() => t.stop());

  it('answers 504 REQUEST_TIMEOUT and starts no new resolver once the budget is spent', async () => {
    // Many root fields, each a database round trip: the budget ends mid-way.
    const q = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: dataDashboard(from: "2025-0${(i % 9) + 1}-01T00:00:00Z") { totals { datasets } }`).join(' ')} }`;
    const r = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: q }),
    });
    // Either refused by cost (default limit) or timed out: never a long run.
    const j = (await r.json()) as Json;
    expect([400, 504]).toContain(r.status);
    expect(['QUERY_TOO_COMPLEX', 'REQUEST_TIMEOUT']).toContain(code(j));
  });

  it('a large admin upsert stops at the time budget', async () => {
    const themes = Array.from({ length: 5_000 }, (_, i) => ({ id: `tb-${i}`, name: `Theme ${i}` }));
    const r = await post(t, { query: `mutation($t: [ThemeInput!]!) { a: upsertThemes(themes: $t) { created } b: upsertThemes(themes: $t) { created } }`, variables: { t: themes } }, { authorization: `Bearer ${admin}` });
    // The coded 504 is the budget's own answer; no wall-clock bound here.
    expect(r.status).toBe(504);
    expect(code(r.json)).toBe('REQUEST_TIMEOUT');
  }, 90_000);
});

describe('security: rate limits and budgets', () => {
  let t: TestGateway;
  let user: string;
  let admin: string;
  beforeAll(async () => {
    t = await startTestGateway({
      env: {
        RATE_LIMIT_ANONYMOUS: '20',
        RATE_LIMIT_PER_KEY: '1000',
        AUTH_FAILURE_LIMIT: '10',
        TRACK_EVENTS_PER_MINUTE_USER: '30',
        REUSE_REGISTRATIONS_PER_HOUR: '3',
        MAX_CATALOG_BATCH: '50',
      },
    });
    await loadSmallCatalog(t);
    user = await t.keyFor('carol', 'USER');
    admin = await t.keyFor('rl-admin', 'ADMIN');
  });
  afterAll(() => t.stop());

  it('answers 429 RATE_LIMITED with Retry-After once an anonymous IP exceeds its rate', async () => {
    const results = [];
    for (let i = 0; i < 25; i++) results.push(await post(t, { query: '{ portals { id } }' }));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(code(limited[0]!.json)).toBe('RATE_LIMITED');
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts tracking events, not requests: one request of 300 events from a USER key is refused', async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => ({ resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD', eventId: `rl-${i}`, userAgent: BROWSER_UA }));
    const r = await post(
      t,
      { query: 'mutation($i: [TrackAccessInput!]!) { trackAccesses(inputs: $i) { recorded } }', variables: { i: inputs } },
      { authorization: `Bearer ${user}` },
    );
    expect(r.status).toBe(429);
    expect(code(r.json)).toBe('RATE_LIMITED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const totals = await t.gw.store.usageTotals.findOne({ _id: 'DATASET:d-pub' } as never);
    expect((totals as { downloads?: number } | null)?.downloads ?? 0).toBe(0);
  });

  it('limits reuse registrations per USER per hour', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await post(
        t,
        { query: `mutation { registerReuse(input: { title: "R${i}", url: "https://example.org/r${i}", type: APPLICATION, datasetIds: ["d-pub"] }) { id } }` },
        { authorization: `Bearer ${user}` },
      );
      codes.push(r.json.errors ? code(r.json) : 'OK');
    }
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(2);
  });

  it('refuses catalog batches over MAX_CATALOG_BATCH with BATCH_TOO_LARGE', async () => {
    const themes = Array.from({ length: 51 }, (_, i) => ({ id: `bt-${i}`, name: `T${i}` }));
    const r = await post(t, { query: 'mutation($t: [ThemeInput!]!) { upsertThemes(themes: $t) { created } }', variables: { t: themes } }, { authorization: `Bearer ${admin}` });
    expect(code(r.json)).toBe('BATCH_TOO_LARGE');
    expect(r.status).toBe(400);
  });

  // Last: once an IP is over the failed-authentication limit, all its keyed requests get 429.
  it('limits key guessing: failed authentications from one IP get 429 after the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const r = await post(t, { query: '{ portals { id } }' }, { authorization: `Bearer ugk_guess${i}` });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
  });
});

describe('security: HTTP hygiene: coded JSON errors, headers, metrics, access to users', () => {
  let t: TestGateway;
  let admin: string;
  let user: string;
  beforeAll(async () => {
    t = await startTestGateway({ env: { METRICS_TOKEN: 'metrics-secret' } });
    await loadSmallCatalog(t);
    admin = await t.keyFor('hh-admin', 'ADMIN');
    user = await t.keyFor('alice', 'USER');
  });
  afterAll(() => t.stop());

  it.each([
    ['syntax error', { query: '{ portals { id ' }, {}, 400, 'GRAPHQL_PARSE_FAILED'],
    ['token limit', { query: `{ ${'portals { id } '.repeat(8000)} }` }, {}, 400, 'GRAPHQL_PARSE_FAILED'],
    ['validation error', { query: '{ nope }' }, {}, 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['unsupported charset', { query: '{ portals { id } }' }, { 'content-type': 'application/json; charset=latin9' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['bogus Content-Encoding', { query: '{ portals { id } }' }, { 'content-encoding': 'bogus' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['APQ hash mismatch', { query: '{ portals { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }, {}, 400, 'PERSISTED_QUERY_HASH_MISMATCH'],
    ['malformed JSON', '{"query": ', {}, 400, 'BAD_REQUEST'],
    ['year 0050 in Dataset.usage', { query: '{ dataset(id: "d-pub") { usage(from: "0050-01-01T00:00:00Z", to: "0050-01-02T00:00:00Z") { firstDay } } }' }, {}, 200, 'BAD_USER_INPUT'],
    // (A field error: HTTP 200 with a coded error, as GraphQL over HTTP has it.)
  ])('%s → HTTP %s %s', async (_n, body, headers, status, expected) => {
    const r = await post(t, body, headers as Record<string, string>);
    expect(r.status).toBe(status);
    expect(code(r.json)).toBe(expected);
  });

  it('unknown routes get a JSON 404 NOT_FOUND', async () => {
    const res = await fetch(`${t.baseUrl}/nope/${'x'.repeat(20)}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Json).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a 50 KB query string gets 431 with a JSON body', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(`${t.baseUrl}/health?${'x'.repeat(50_000)}`, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      });
      req.on('error', reject);
    });
    expect(status).toBe(431);
    expect((JSON.parse(body) as Json).errors?.[0]?.extensions?.code).toBe('HEADERS_TOO_LARGE');
  });

  it.each([
    ['Token scheme', { authorization: 'Token KEY' }],
    ['trailing garbage', { authorization: 'Bearer KEY extra' }],
    ['bare key', { authorization: 'KEY' }],
    ['empty Bearer', { authorization: 'Bearer ' }],
    ['empty X-API-Key', { 'x-api-key': '' }],
  ])('a malformed credential header (%s) is 401 INVALID_AUTHORIZATION, never anonymous', async (_n, h) => {
    const headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.replace('KEY', admin)]));
    const r = await post(t, { query: '{ portals { id } }' }, headers);
    expect(r.status).toBe(401);
    expect(code(r.json)).toBe('INVALID_AUTHORIZATION');
    const csv = await fetch(`${t.baseUrl}/api/reports/metrics/datasets`, { headers });
    expect(csv.status).toBe(401);
  });

  it('an unknown key is 401 UNAUTHENTICATED', async () => {
    const r = await post(t, { query: '{ portals { id } }' }, { authorization: 'Bearer ugk_unknown' });
    expect(r.status).toBe(401);
    expect(code(r.json)).toBe('UNAUTHENTICATED');
  });

  it('sends the usual security headers', async () => {
    const res = await fetch(`${t.baseUrl}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('/metrics needs METRICS_TOKEN and its labels stay bounded under hostile paths and operation names', async () => {
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(401);
    const auth = { authorization: 'Bearer metrics-secret' };
    const size0 = (await (await fetch(`${t.baseUrl}/metrics`, { headers: auth })).text()).length;
    for (let i = 0; i < 200; i++) {
      await fetch(`${t.baseUrl}/random-${i}-${Math.random()}`);
      await post(t, { query: `query Op${i}x${Math.random().toString(36).slice(2)} { portals { id } }` });
    }
    const text = await (await fetch(`${t.baseUrl}/metrics`, { headers: auth })).text();
    expect(text).not.toContain('random-');
    expect(text).not.toMatch(/operation="Op\d/);
    expect(text).toContain('operation="field:portals"');
    expect(text).toContain('route="other"');
    expect(text.length - size0).toBeLessThan(20_000);
  });

  it('/metrics is off (404) without METRICS_TOKEN', async () => {
    const other = await startTestGateway();
    try {
      expect((await fetch(`${other.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await other.stop();
    }
  });

  it('stops starting resolvers when the client goes away', async () => {
    const items = (p: string) => Array.from({ length: 1000 }, (_, i) => ({ id: `${p}-${i}`, name: `T${i}` }));
    const ac = new AbortController();
    const sent = fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        query: 'mutation($a: [ThemeInput!]!, $b: [ThemeInput!]!) { a: upsertThemes(themes: $a) { created } b: upsertThemes(themes: $b) { created } }',
        variables: { a: items('gone-a'), b: items('gone-b') },
      }),
      signal: ac.signal,
    }).catch(() => null);
    // Abort while the first upsert runs (1,000 writes take a while on FerretDB).
    await new Promise((r) => setTimeout(r, 400));
    ac.abort();
    await sent;
    // Give the first upsert time to finish; the second must never start.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await t.gw.store.themes.countDocuments({ _id: { $in: items('gone-b').map((x) => x.id) } } as never)).toBe(0);
  });

  it('user(id) is for admins and the user itself', async () => {
    expect(code((await post(t, { query: '{ user(id: "alice") { id } }' })).json)).toBe('UNAUTHENTICATED');
    expect(code((await post(t, { query: '{ user(id: "bob") { id } }' }, { authorization: `Bearer ${user}` })).json)).toBe('FORBIDDEN');
    expect((await post(t, { query: '{ user(id: "alice") { id } }' }, { authorization: `Bearer ${user}` })).json.data).toEqual({ user: { id: 'alice' } });
    expect((await post(t, { query: '{ user(id: "bob") { id } }' }, { authorization: `Bearer ${admin}` })).json.data).toEqual({ user: { id: 'bob' } });
  });
});
