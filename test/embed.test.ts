import { startTestGateway, type TestGateway } from './support/test-gateway';
import { BROWSER_UA, loadSmallCatalog } from './support/fixtures';
import { Visibility } from '../src/domain/resources';
import { badgeLabel, compactNumber, type BadgeMetric } from '../src/embed/embed-format';
import { EMBED_MAX_AGE_S } from '../src/embed/embed.routes';

/*
 * The public usage badge and widget data (docs/embed.md) over real HTTP
 * against a real gateway and database. Catalog: test/support/fixtures.ts
 * (d-pub public, d-priv private, d-draft unpublished) plus a public
 * dataset whose id holds a slash.
 */

jest.setTimeout(120_000);

const SLASH_ID = 'doi/10.5061.x1';
const METRICS: BadgeMetric[] = ['views', 'downloads', 'apiCalls'];
const HIDDEN = ['d-priv', 'd-draft', 'no-such-dataset'];

interface Stats { views: number; downloads: number; apiCalls: number }

describe('usage badge and widget data (HTTP)', () => {
  let t: TestGateway;
  let tracker: string;
  let admin: string;
  let seq = 0;

  const track = async (resourceId: string, action: 'VIEW' | 'DOWNLOAD' | 'API_CALL', n: number, at: Date) => {
    const inputs = Array.from({ length: n }, () => {
      seq += 1;
      // A distinct address per event: no double-click filtering.
      return { eventId: `embed-${seq}`, resourceType: 'DATASET', resourceId, action, timestamp: at.toISOString(), userAgent: BROWSER_UA, ipAddress: `10.9.${seq >> 8}.${seq & 255}` };
    });
    const r = await t.gql<{ trackAccesses: { recorded: number } }>(
      'mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded } }',
      { inputs },
      tracker,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.trackAccesses.recorded).toBe(n);
    await t.settle();
  };

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.baseUrl}${path}`, { headers });
  const ariaLabel = (svg: string) => /aria-label="([^"]*)"/.exec(svg)?.[1];

  const stats = async (id: string): Promise<Stats> => {
    const r = await t.gql<{ dataset: { stats: Stats } }>('query Q($id: ID!) { dataset(id: $id) { stats { views downloads apiCalls } } }', { id });
    expect(r.errors).toBeUndefined();
    return r.data!.dataset.stats;
  };

  const series = async (id: string, from: Date, to: Date, granularity: 'DAY' | 'MONTH') => {
    const r = await t.gql<{ dataset: { usage: { firstDay: string; lastDay: string; points: { period: string; views: number; downloads: number }[]; total: Stats } } }>(
      'query Q($id: ID!, $from: DateTime!, $to: DateTime!, $g: UsageGranularity!) { dataset(id: $id) { usage(from: $from, to: $to, granularity: $g) { firstDay lastDay points { period views downloads } total { views downloads apiCalls } } } }',
      { id, from: from.toISOString(), to: to.toISOString(), g: granularity },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.dataset.usage;
  };

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    await t.gw.services.catalogWriter.datasets([
      { _id: SLASH_ID, title: 'Slashed', portalId: 'p1', ownerId: null, description: null, licence: null, publisher: null, recordCount: 0, spaceIds: [], themeIds: [], collectionIds: [], published: true, visibility: Visibility.PUBLIC },
    ]);
    tracker = await t.keyFor('svc-embed', 'TRACKER');
    admin = await t.keyFor('root', 'ADMIN');
    const now = new Date(Date.now() - 60_000);
    const old = new Date(Date.now() - 75 * 86_400_000);
    await track('d-pub', 'VIEW', 7, now);
    await track('d-pub', 'DOWNLOAD', 3, now);
    await track('d-pub', 'API_CALL', 2, now);
    await track('d-pub', 'DOWNLOAD', 4, old);
    await track('d-pub', 'VIEW', 5, old);
    // Use of the hidden datasets: their badges must still say nothing.
    await track('d-priv', 'DOWNLOAD', 6, now);
    await track('d-draft', 'VIEW', 2, now);
    await track(SLASH_ID, 'DOWNLOAD', 1, now);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('shows each all-time figure of Dataset.stats, compact and labelled, in English and French', async () => {
    const s = await stats('d-pub');
    expect(s).toEqual({ views: 12, downloads: 7, apiCalls: 2 });
    for (const metric of METRICS) {
      for (const lang of ['en', 'fr'] as const) {
        const res = await get(`/badge/dataset/d-pub.svg?metric=${metric}&lang=${lang}`);
        expect(res.status).toBe(200);
        expect(ariaLabel(await res.text())).toBe(`${badgeLabel(metric, 'all', lang)}: ${compactNumber(s[metric], lang)}`);
      }
    }
    // Defaults: downloads, all time, English.
    expect(ariaLabel(await (await get('/badge/dataset/d-pub.svg')).text())).toBe('downloads: 7');
  });

  it('shows this month\'s figures as Dataset.usage(granularity: MONTH) gives them', async () => {
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const { total } = await series('d-pub', monthStart, now, 'MONTH');
    expect(total).toEqual({ views: 7, downloads: 3, apiCalls: 2 });
    for (const metric of METRICS) {
      const svg = await (await get(`/badge/dataset/d-pub.svg?metric=${metric}&period=month`)).text();
      expect(ariaLabel(svg)).toBe(`${badgeLabel(metric, 'month', 'en')}: ${total[metric]}`);
    }
    expect(ariaLabel(await (await get('/badge/dataset/d-pub.svg?metric=views&period=month&lang=fr')).text())).toBe('vues ce mois-ci: 7');
  });

  it('is cacheable by anyone and embeddable from any origin, with a strong ETag and 304 on If-None-Match', async () => {
    const res = await get('/badge/dataset/d-pub.svg?metric=views');
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe(`public, max-age=${EMBED_MAX_AGE_S}`);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const body = await res.text();

    const again = await get('/badge/dataset/d-pub.svg?metric=views', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe(`public, max-age=${EMBED_MAX_AGE_S}`);

    // Another figure, another validator: a stale copy is replaced.
    const other = await get('/badge/dataset/d-pub.svg?metric=downloads', { 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);

    // New use changes the badge and its ETag; the old validator no longer matches.
    await track('d-pub', 'VIEW', 1, new Date(Date.now() - 30_000));
    const after = await get('/badge/dataset/d-pub.svg?metric=views', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    const newBody = await after.text();
    expect(newBody).not.toBe(body);
    expect(ariaLabel(newBody)).toBe(`views: ${(await stats('d-pub')).views}`);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('gives private, unpublished and unknown datasets one identical "usage | n/a" badge, whoever asks', async () => {
    const answers = [];
    for (const id of HIDDEN) {
      for (const key of [null, admin]) {
        for (const q of ['metric=downloads', 'metric=views&period=month']) {
          const res = await get(`/badge/dataset/${id}.svg?${q}`, key ? { authorization: `Bearer ${key}` } : {});
          const headers = Object.fromEntries([...res.headers].filter(([k]) => k !== 'date'));
          answers.push(JSON.stringify({ status: res.status, headers, body: await res.text() }));
        }
      }
    }
    expect(new Set(answers).size).toBe(1);
    const one = JSON.parse(answers[0]!) as { status: number; headers: Record<string, string>; body: string };
    expect(one.status).toBe(200);
    expect(ariaLabel(one.body)).toBe('usage: n/a');
    expect(one.headers['cache-control']).toBe(`public, max-age=${EMBED_MAX_AGE_S}`);
    // Nothing of the hidden datasets' use or titles leaks.
    expect(one.body).not.toMatch(/Private|Draft/);
  });

  it('stops showing figures as soon as a dataset is made private or unpublished', async () => {
    const flip = { _id: 'd-flip', title: 'Flip', portalId: 'p1', ownerId: null, description: null, licence: null, publisher: null, recordCount: 0, spaceIds: [], themeIds: [], collectionIds: [], published: true, visibility: Visibility.PUBLIC };
    const w = t.gw.services.catalogWriter;
    await w.datasets([flip]);
    await track('d-flip', 'DOWNLOAD', 2, new Date(Date.now() - 60_000));
    const badge = async () => ariaLabel(await (await get('/badge/dataset/d-flip.svg')).text());
    expect(await badge()).toBe('downloads: 2');
    await w.datasets([{ ...flip, visibility: Visibility.PRIVATE }]);
    expect(await badge()).toBe('usage: n/a');
    expect((await get('/embed/dataset/d-flip.json')).status).toBe(404);
    await w.datasets([{ ...flip, published: false }]);
    expect(await badge()).toBe('usage: n/a');
    await w.datasets([flip]);
    expect(await badge()).toBe('downloads: 2');
  });

  it('takes ids with a slash, raw or percent-encoded', async () => {
    for (const path of [`/badge/dataset/${SLASH_ID}.svg`, `/badge/dataset/${encodeURIComponent(SLASH_ID)}.svg`]) {
      expect(ariaLabel(await (await get(path)).text())).toBe('downloads: 1');
    }
  });

  it('answers bad parameters with a coded 400 and a path without .svg with 404', async () => {
    const cases: [string, number, string][] = [
      ['/badge/dataset/d-pub.svg?metric=clicks', 400, 'BAD_USER_INPUT'],
      ['/badge/dataset/d-pub.svg?period=year', 400, 'BAD_USER_INPUT'],
      ['/badge/dataset/d-pub.svg?metric=views&metric=downloads', 400, 'BAD_USER_INPUT'],
      ['/badge/dataset/-bad%7Cid.svg', 400, 'INVALID_ID'],
      ['/badge/dataset/d-pub.png', 404, 'NOT_FOUND'],
      ['/embed/dataset/d-pub.json?range=7y', 400, 'BAD_USER_INPUT'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('gives the widget the 30-day and 12-month series of Dataset.usage and the all-time totals', async () => {
    const now = new Date();
    const res = await get('/embed/dataset/d-pub.json?range=30d');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('cache-control')).toBe(`public, max-age=${EMBED_MAX_AGE_S}`);
    const etag = res.headers.get('etag')!;
    const days = (await res.json()) as { points: unknown[]; total: unknown; allTime: unknown; firstDay: string; lastDay: string };
    const daySeries = await series('d-pub', new Date(now.getTime() - 29 * 86_400_000), now, 'DAY');
    expect(days.points).toHaveLength(30);
    expect(days.points).toEqual(daySeries.points);
    expect([days.firstDay, days.lastDay]).toEqual([daySeries.firstDay, daySeries.lastDay]);
    const s = await stats('d-pub');
    expect(days.total).toEqual({ views: daySeries.total.views, downloads: daySeries.total.downloads });
    expect(days.allTime).toEqual({ views: s.views, downloads: s.downloads });
    expect((await get('/embed/dataset/d-pub.json?range=30d', { 'if-none-match': etag })).status).toBe(304);

    const months = (await (await get('/embed/dataset/d-pub.json?range=12m')).json()) as { points: { period: string }[]; total: { views: number; downloads: number } };
    const monthSeries = await series('d-pub', new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)), now, 'MONTH');
    expect(months.points).toHaveLength(12);
    expect(months.points).toEqual(monthSeries.points);
    // The 75-day-old use is inside 12 months, outside 30 days.
    expect(months.total).toEqual({ views: s.views, downloads: s.downloads });
  });

  it('gives private, unpublished and unknown datasets one identical 404 for the widget', async () => {
    const answers = [];
    for (const id of HIDDEN) {
      for (const key of [null, admin]) {
        const res = await get(`/embed/dataset/${id}.json?range=12m`, key ? { authorization: `Bearer ${key}` } : {});
        const headers = Object.fromEntries([...res.headers].filter(([k]) => k !== 'date'));
        answers.push(JSON.stringify({ status: res.status, headers, body: await res.text() }));
      }
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0]!)).toMatchObject({ status: 404, body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no public, published dataset with this id' } }) });
  });

  it('serves the widget alone as a frameable page, the same shell whatever the dataset', async () => {
    const res = await get('/embed/dataset/d-pub?lang=fr&range=12m');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<div data-usage-gateway-dataset="d-pub" data-range="12m"></div>');
    expect(html).toContain('<script src="../widget.js"></script>');
    for (const id of HIDDEN) {
      expect(await (await get(`/embed/dataset/${id}?lang=fr&range=12m`)).text()).toBe(html.replace('"d-pub"', `"${id}"`));
    }
    // An id with a slash: the script is still /embed/widget.js.
    expect(await (await get(`/embed/dataset/${SLASH_ID}`)).text()).toContain('<script src="../../widget.js"></script>');
    expect(await (await get(`/embed/dataset/${encodeURIComponent(SLASH_ID)}`)).text()).toContain('<script src="../widget.js"></script>');
    expect((await get('/embed/dataset/%3Cscript%3E')).status).toBe(400);
  });

  it('serves the widget script for other origins', async () => {
    const res = await get('/embed/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('cache-control')).toBe(`public, max-age=${EMBED_MAX_AGE_S}`);
    const js = await res.text();
    expect(js).toContain('data-usage-gateway-dataset');
    // No run-time fetch from another host (no CDN): the only absolute URL is the SVG namespace.
    expect(new Set(js.match(/https?:\/\/[\w./-]+/g))).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });
});

describe('usage badge rate limit (HTTP)', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({ env: { RATE_LIMIT_ANONYMOUS: '3', RATE_LIMIT_WINDOW_MS: '600000' } });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('limits badge and widget requests per client IP, apart from the GraphQL limit', async () => {
    const statuses = [];
    for (const path of ['/badge/dataset/a.svg', '/embed/dataset/a.json', '/badge/dataset/b.svg', '/badge/dataset/c.svg']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 404, 200, 429]);
    // GraphQL keeps its own count.
    const gql = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(gql.status).toBe(200);
  });
});
