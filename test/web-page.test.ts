import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { WEB_CSP_DIRECTIVES } from '../src/http/web.routes';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/*
 * The dashboard page and GraphiQL as files (no browser): what `/` and
 * `GET /graphql` serve, the content types of the assets they reference, that
 * nothing is loaded from another host at run time, and CORS_ORIGINS.
 * dist/web is built by `npm test`'s pretest (scripts/build-web.js).
 */

const WEB_DIR = path.resolve(__dirname, '../dist/web');
/** Hosts the old landing page and usual CDNs load from. */
const CDN_HOSTS = /(esm\.sh|unpkg\.com|jsdelivr\.net|cdnjs|googleapis\.com|gstatic\.com|cdn\.apollographql\.com|apollographql\.com)/i;

/** src/href attributes of an HTML page. */
const references = (html: string): string[] => [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
/** url(...) references of a stylesheet. */
const cssUrls = (css: string): string[] => [...css.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1]);
/**
 * Places where a script would load code or data from a URL. Other
 * http(s) strings in bundles are identifiers (XML namespaces, JSON-schema
 * ids) or documentation links, never fetched.
 */
const LOADING_EXTERNAL = /(?:import\s*\(|from|importScripts\s*\(|new\s+Worker\s*\(|fetch\s*\(|\.src\s*=|sourceMappingURL=)\s*["'`]?https?:\/\//;

describe('dashboard page and GraphiQL (HTTP)', () => {
  let t: TestGateway;

  beforeAll(async () => {
    try {
      readFileSync(path.join(WEB_DIR, 'index.html'));
    } catch {
      throw new Error('dist/web is missing: run `node scripts/build-web.js` (npm test does it in pretest)');
    }
    t = await startTestGateway({ env: { RATE_LIMIT_ANONYMOUS: '0' } });
  });
  afterAll(() => t?.stop());

  const get = (p: string, headers: Record<string, string> = {}) => fetch(`${t.baseUrl}${p}`, { headers });

  /** Fetches every same-origin asset of a page and checks its content type. */
  async function checkAssets(html: string, pageUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    for (const ref of references(html)) {
      if (ref.startsWith('data:')) continue;
      const u = new URL(ref, pageUrl);
      expect(u.origin).toBe(t.baseUrl);
      const res = await get(u.pathname);
      expect(res.status).toBe(200);
      const type = res.headers.get('content-type') ?? '';
      if (u.pathname.endsWith('.js')) expect(type).toMatch(/^(text|application)\/javascript/);
      else if (u.pathname.endsWith('.css')) expect(type).toMatch(/^text\/css/);
      bodies.push(await res.text());
    }
    return bodies;
  }

  it('serves the dashboard page at / with its own CSP, and its assets with the right types', async () => {
    const res = await get('/', { accept: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<div id="app">');
    expect(references(html)).toEqual(expect.arrayContaining(['/app.js', '/app.css']));
    const [js, css] = [
      ...(await checkAssets(html, `${t.baseUrl}/`)),
    ].sort((a, b) => b.length - a.length);
    // The dashboard bundle carries no URL at all: ECharts and our code only.
    expect(js).not.toMatch(/https?:\/\//);
    expect(css).not.toMatch(/https?:\/\//);
    expect((await get('/app.js.map')).status).toBe(200);
  });

  it('serves the local GraphiQL at GET /graphql to browsers, and keeps GET queries for Apollo', async () => {
    const res = await get('/graphql', { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('/graphiql/graphiql.js');
    expect(html).not.toMatch(CDN_HOSTS);
    const bodies = await checkAssets(html, `${t.baseUrl}/graphql`);
    for (const worker of ['editor.worker.js', 'json.worker.js', 'graphql.worker.js']) {
      const w = await get(`/graphiql/${worker}`);
      expect(w.status).toBe(200);
      expect(w.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
      bodies.push(await w.text());
    }
    for (const body of bodies) {
      expect(body).not.toMatch(CDN_HOSTS);
      expect(body).not.toMatch(LOADING_EXTERNAL);
    }
    const css = bodies.find((b) => b.includes('.graphiql-container'));
    expect(css).toBeDefined();
    for (const u of cssUrls(css!)) expect(u).not.toMatch(/^(https?:)?\/\//);

    // curl-like and JSON clients still get GraphQL, CSRF prevention intact.
    const blocked = await get('/graphql?query=%7B__typename%7D');
    expect(blocked.status).toBe(400);
    expect(JSON.stringify(await blocked.json())).toContain('Cross-Site Request Forgery');
    const ok = await get('/graphql?query=%7B__typename%7D', { 'apollo-require-preflight': 'true', accept: 'application/json' });
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
    const post = await t.gql<{ __typename: string }>('{ __typename }');
    expect(post.data).toEqual({ __typename: 'Query' });
  });

  it('exports the CSP directives the pages need, same-origin only', () => {
    for (const values of Object.values(WEB_CSP_DIRECTIVES)) {
      for (const v of values) expect(v).toMatch(/^('self'|'none'|'unsafe-inline'|data:|blob:)$/);
    }
    expect(WEB_CSP_DIRECTIVES['worker-src']).toContain("'self'");
  });

  it('sends no CORS header without CORS_ORIGINS', async () => {
    const res = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(t.url, { method: 'POST', headers: { origin: 'https://portal.example.org', 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reads CORS_ORIGINS as a list of origins', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.org, http://localhost:8080' }).corsOrigins).toEqual(['https://a.example.org', 'http://localhost:8080']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example.org/path' })).toThrow(/CORS_ORIGINS/);
  });

  describe('with CORS_ORIGINS', () => {
    let c: TestGateway;
    beforeAll(async () => {
      c = await startTestGateway({ env: { CORS_ORIGINS: 'https://portal.example.org', RATE_LIMIT_ANONYMOUS: '0' } });
    });
    afterAll(() => c?.stop());

    it('answers preflights and requests of listed origins only, on /graphql and the reports', async () => {
      const preflight = (origin: string, p = '/graphql') =>
        fetch(`${c.baseUrl}${p}`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
        });
      const ok = await preflight('https://portal.example.org');
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://portal.example.org');
      expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      expect((await preflight('https://evil.example.net')).headers.get('access-control-allow-origin')).toBeNull();

      const post = await fetch(c.url, { method: 'POST', headers: { origin: 'https://portal.example.org', 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(post.headers.get('access-control-allow-origin')).toBe('https://portal.example.org');
      expect(await post.json()).toEqual({ data: { __typename: 'Query' } });

      const report = await fetch(`${c.baseUrl}/api/reports/metrics/datasets`, { headers: { origin: 'https://portal.example.org' } });
      expect(report.headers.get('access-control-allow-origin')).toBe('https://portal.example.org');
      // CORS is no CSRF bypass: a "simple" cross-origin POST is still refused by Apollo.
      const simple = await fetch(c.url, { method: 'POST', headers: { origin: 'https://portal.example.org', 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' });
      expect(simple.status).toBe(400);
      // The dashboard page itself needs no CORS.
      expect((await fetch(`${c.baseUrl}/app.js`, { headers: { origin: 'https://portal.example.org' } })).headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
