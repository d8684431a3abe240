import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { BROWSER_UA } from './support/fixtures';
import { launchBrowser, type TestBrowser } from './support/browser';
import { Visibility } from '../src/domain/resources';
import { noOverflow, chartTexts, type Overflow } from './support/page-layout';

/*
 * The dashboard page's geography, series at every level and its rough edges,
 * in headless Chromium against a real gateway, at 1366 px and 390 px, in
 * English and French: the world map with its table (compared with the
 * GraphQL answer), portal / network / collection / file series with the
 * current month marked partial, empty, loading, error and key-needed states,
 * and no element overflowing its card (measured in the page). Screenshots go
 * to test-artifacts/screenshots/edges-*.png.
 *
 * Catalog: portal pA "Atlantic Portal": d1 "Population by municipality 2019"
 * (14,711,503 records, theme "Citoyenneté et participation démocratique"),
 * d2 "Population by municipality 2020" (same theme), d3 "Air quality
 * stations", d4 "Bike counters", d5-d7 quiet; portal pB "Boreal Portal": d8.
 * Collections: Population (d1, d2) > Cycling (d4); Environment data (d3).
 * Use from FR, DE, US and from visitors without a country (unknown), this
 * month and the months before.
 */

jest.setTimeout(600_000);

interface Chart { getDom(): { getAttribute(n: string): string | null } }
declare const window: { usageGatewayCharts: Map<string, Chart> };
declare const localStorage: { setItem(k: string, v: string): void };
declare const document: { activeElement: { id: string } | null };
declare const requestAnimationFrame: (cb: () => void) => number;

const SHOTS = path.resolve(__dirname, '../test-artifacts/screenshots');
const WIDTHS = [1366, 390] as const;
const LANGS = ['en', 'fr'] as const;
type Lang = (typeof LANGS)[number];

const MIN = 60_000;
const DAY = 86_400_000;
/** Minutes before now: this month (the current, partial one) unless the test runs in its first minutes. */
const recent = (k: number) => new Date(Date.now() - (k + 1) * MIN).toISOString();
const daysAgo = (n: number, k: number) => new Date(Date.now() - n * DAY - k * MIN).toISOString();

type Act = 'VIEW' | 'DOWNLOAD' | 'API_CALL';
/** [type, id, action, when (recent minutes or days ago), count, country or null] */
const PLAN: ['DATASET' | 'FILE', string, Act, 'now' | number, number, string | null][] = [
  ['DATASET', 'd1', 'DOWNLOAD', 'now', 4, 'FR'],
  ['DATASET', 'd1', 'DOWNLOAD', 'now', 2, 'DE'],
  ['DATASET', 'd1', 'DOWNLOAD', 'now', 3, null],
  ['DATASET', 'd1', 'VIEW', 40, 3, 'US'],
  ['DATASET', 'd1', 'API_CALL', 70, 5, 'FR'],
  ['DATASET', 'd2', 'VIEW', 'now', 2, 'FR'],
  ['DATASET', 'd3', 'API_CALL', 40, 3, 'DE'],
  ['DATASET', 'd4', 'VIEW', 'now', 1, 'US'],
  ['DATASET', 'd8', 'DOWNLOAD', 40, 2, 'BE'],
  ['FILE', 'f1', 'DOWNLOAD', 'now', 3, 'FR'],
  ['FILE', 'f1', 'DOWNLOAD', 40, 2, 'SG'],
];

const NAMES: Record<Lang, (code: string | null) => string> = {
  en: (c) => (c ? new Intl.DisplayNames(['en'], { type: 'region' }).of(c)! : 'Unknown'),
  fr: (c) => (c ? new Intl.DisplayNames(['fr'], { type: 'region' }).of(c)! : 'Inconnu'),
};

interface CountryRow { country: string | null; views: number; downloads: number; apiCalls: number; machine: { views: number; downloads: number; apiCalls: number } }
interface Series { firstDay: string; lastDay: string; granularity: string; points: { period: string; views: number; downloads: number; apiCalls: number }[] }

describe('dashboard page: map, series and rough edges (browser)', () => {
  let t: TestGateway;
  let browser: TestBrowser;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestGateway({ env: { RATE_LIMIT_ANONYMOUS: '0', RATE_LIMIT_PER_KEY: '0', AUTH_FAILURE_LIMIT: '0' } });
    const admin = await t.keyFor('root', 'ADMIN');
    const tracker = await t.keyFor('svc-portal', 'TRACKER');
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'pA', name: 'Atlantic Portal', url: null }, { _id: 'pB', name: 'Boreal Portal', url: null }]);
    await w.themes([{ _id: 't-cit', name: 'Citoyenneté et participation démocratique' }, { _id: 't-env', name: 'Environment' }, { _id: 't-mob', name: 'Mobility' }]);
    await w.collections([
      { _id: 'c-pop', name: 'Population', parentCollectionIds: [], spaceIds: [], ownerId: null },
      { _id: 'c-cyc', name: 'Cycling', parentCollectionIds: ['c-pop'], spaceIds: [], ownerId: null },
      { _id: 'c-env', name: 'Environment data', parentCollectionIds: [], spaceIds: [], ownerId: null },
    ]);
    const base = { description: null, ownerId: null, spaceIds: [] as string[], collectionIds: [] as string[], published: true, visibility: Visibility.PUBLIC, licence: 'ODbL', publisher: 'Org', portalId: 'pA', themeIds: [] as string[], recordCount: 10 };
    await w.datasets([
      { ...base, _id: 'd1', title: 'Population by municipality 2019', themeIds: ['t-cit'], collectionIds: ['c-pop'], recordCount: 14_711_503 },
      { ...base, _id: 'd2', title: 'Population by municipality 2020', themeIds: ['t-cit'], collectionIds: ['c-pop'], recordCount: 14_800_001 },
      { ...base, _id: 'd3', title: 'Air quality stations', themeIds: ['t-env'], collectionIds: ['c-env'] },
      { ...base, _id: 'd4', title: 'Bike counters', themeIds: ['t-mob'], collectionIds: ['c-cyc'] },
      { ...base, _id: 'd5', title: 'Quiet one' },
      { ...base, _id: 'd6', title: 'Quiet two' },
      { ...base, _id: 'd7', title: 'Quiet three' },
      { ...base, _id: 'd8', title: 'Boreal lakes', portalId: 'pB', themeIds: ['t-env'] },
    ]);
    await w.files([
      { _id: 'f1', title: 'population-2019.csv', sizeBytes: 1_600_000, contentType: 'text/csv', datasetIds: ['d1'], ownerId: null },
      { _id: 'f2', title: 'population-2019.json', sizeBytes: 3_000, contentType: 'application/json', datasetIds: ['d1'], ownerId: null },
    ]);
    const events: Record<string, unknown>[] = [];
    for (const [resourceType, resourceId, action, when, n, country] of PLAN) {
      for (let i = 0; i < n; i += 1) {
        const seq = events.length + 1;
        events.push({
          eventId: `edge-${seq}`, resourceType, resourceId, action,
          timestamp: when === 'now' ? recent(seq) : daysAgo(when, seq),
          userAgent: BROWSER_UA, ipAddress: `10.2.${seq >> 8}.${seq & 255}`,
          ...(country ? { country } : {}),
        });
      }
    }
    const tracked = await t.gql<{ trackAccesses: { recorded: number; rejected: number } }>(
      `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected } }`, { inputs: events }, tracker);
    expect(tracked.errors).toBeUndefined();
    expect(tracked.data!.trackAccesses).toEqual({ recorded: events.length, rejected: 0 });
    const reuse = await t.gql(`mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id } }`, {
      input: { title: 'Population explorer', url: 'https://apps.example.org/pop', type: 'APPLICATION', datasetIds: ['d1'], createdAt: daysAgo(30, 0) },
    }, admin);
    expect(reuse.errors).toBeUndefined();
    await t.settle();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function open(hash: string, width: number, lang: Lang = 'en'): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    page.on('pageerror', (e) => errors.push(`${hash}: ${e.message} ${(e.stack ?? '').split('\n').slice(1, 4).join(' | ')}`));
    page.on('console', (m) => {
      // The error-state test makes requests fail on purpose; Chromium logs them.
      if (m.type() === 'error' && !/Failed to load resource|net::ERR_FAILED/.test(m.text())) errors.push(`${hash}: ${m.text()}`);
    });
    await page.addInitScript((l) => localStorage.setItem('usage-gateway.lang', l), lang);
    await page.goto(`${t.baseUrl}/${hash}`);
    await ready(page);
    return page;
  }
  const ready = (page: Page) => page.waitForSelector('#app[data-ready]', { timeout: 120_000 });
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `edges-${name}.png`), fullPage: true });
  const rows = (page: Page, card: string) =>
    page.$$eval(`[data-card="${card}"] tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => ({ value: c.getAttribute('data-value'), text: (c.textContent ?? '').trim() }))));
  /** Every card child inside its card, tables scrolling inside theirs, figures on one line: [] when all fit. */
  const overflow = (page: Page): Promise<Overflow[]> => page.evaluate(noOverflow);
  async function expectFits(page: Page): Promise<void> {
    // Open every table first: a table too wide must scroll inside its card, not stick out.
    for (const b of await page.$$('[data-action="toggle-table"][aria-expanded="false"]')) await b.click();
    expect(await overflow(page)).toEqual([]);
  }
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await t.gql<T>(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  const use = (c: CountryRow) => c.views + c.downloads + c.apiCalls;
  const machineUse = (c: CountryRow) => c.machine.views + c.machine.downloads + c.machine.apiCalls;
  const COUNTRY_FIELDS = 'countries { country views downloads apiCalls machine { views downloads apiCalls } }';

  /** The map card's table against the API's countries: same rows, most used first, names in the page's language. */
  async function expectCountries(page: Page, card: string, api: CountryRow[], lang: Lang): Promise<void> {
    await page.waitForSelector(`[data-card="${card}"] tbody tr`);
    const shown = await rows(page, card);
    const expected = api.filter((c) => use(c) + machineUse(c) > 0).sort((a, b) => use(b) - use(a) || (a.country ?? '~').localeCompare(b.country ?? '~'));
    expect(shown.map((r) => [r[0].value, r[0].text, Number(r[1].value), Number(r[2].value), Number(r[3].value), Number(r[4].value)]))
      .toEqual(expected.map((c) => [c.country ?? 'unknown', NAMES[lang](c.country), use(c), c.views, c.downloads, c.apiCalls]));
    expect(expected.some((c) => c.country === null)).toBe(true);
    // The map is drawn (a canvas), and its description speaks the page's language.
    await page.waitForFunction((id) => window.usageGatewayCharts.has(id), card);
    const label = await page.evaluate((id) => window.usageGatewayCharts.get(id)!.getDom().getAttribute('aria-label'), card);
    expect(label).toContain(NAMES[lang](expected[0].country));
    expect(label).toMatch(lang === 'fr' ? /^Graphique : / : /^Chart: /);
  }

  /** A series card's table against the API's series, and the current month marked partial. */
  async function expectSeries(page: Page, card: string, api: Series): Promise<void> {
    const shown = await rows(page, card);
    const points = api.points.slice(api.points.findIndex((p) => p.views + p.downloads + p.apiCalls > 0));
    expect(shown.map((r) => r.map((c) => c.value))).toEqual(points.map((p) => [p.period, String(p.views), String(p.downloads), String(p.apiCalls)]));
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect(await page.getAttribute(`[data-card="${card}"]`, 'data-partial')).toBe(points[points.length - 1].period);
    expect(points[points.length - 1].period.slice(0, 7)).toBe(thisMonth);
    expect(shown[shown.length - 1][0].text).toMatch(/\((partial month|mois en cours)\)$/);
  }
  const range = () => ({ from: new Date(Date.now() - 1095 * DAY).toISOString(), to: new Date().toISOString() });
  const SERIES_FIELDS = 'firstDay lastDay granularity points { period views downloads apiCalls }';

  for (const lang of LANGS) {
    for (const width of WIDTHS) {
      it(`dashboard ${lang} ${width}px: map with its table, network and portal series, theme labels, nothing overflowing`, async () => {
        const page = await open('', width, lang);
        const api = await gql<{ dataDashboard: { countries: CountryRow[] } }>(`{ dataDashboard(visibility: ALL) { ${COUNTRY_FIELDS} } }`);
        await expectCountries(page, 'countries', api.dataDashboard.countries, lang);
        const net = await gql<{ networkUsage: Series }>(`query N($from: DateTime!, $to: DateTime!) { networkUsage(from: $from, to: $to, granularity: MONTH) { ${SERIES_FIELDS} } }`, range());
        await page.click('[data-card="network-usage"] [data-action="toggle-table"]');
        await expectSeries(page, 'network-usage', net.networkUsage);

        // The record count fits its card on one line (it broke mid-number at 1366 px).
        const records = await page.$eval('[data-figure="records"]', (f) => ({ value: Number(f.getAttribute('data-value')), text: f.querySelector('dd')!.textContent, title: f.querySelector('dd')!.getAttribute('title') }));
        expect(records.value).toBeGreaterThan(29_000_000);
        expect(records.title ?? records.text).toBe(new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-US').format(records.value));
        // Themes: every name and average score readable without hover; treemap text 12 px or more, never cut.
        await page.waitForFunction(() => window.usageGatewayCharts.has('themes'));
        const chips = await page.$$eval('[data-theme-list] li', (lis) => lis.map((li) => li.textContent ?? ''));
        expect(chips.some((c) => c.startsWith('Citoyenneté et participation démocratique') && /(avg\. score|score moyen) /.test(c))).toBe(true);
        const themeTexts = await page.evaluate(chartTexts, 'themes');
        expect(themeTexts.length).toBeGreaterThan(0);
        for (const x of themeTexts) {
          expect(x.fontSize).toBeGreaterThanOrEqual(12);
          expect(x.text).not.toMatch(/(\.\.\.|…)$/);
        }
        expect(themeTexts.some((x) => /(avg\. score|score moyen)/.test(x.text))).toBe(true);
        // Bar labels: two titles with the same start stay apart ("Population by municipality 2019 / 2020").
        const bars = (await page.evaluate(chartTexts, 'most-popular')).map((x) => x.text).filter((x) => /^\p{L}/u.test(x));
        expect(bars.map((x) => x.replace(/\s*\n\s*/g, ' ')).filter((x) => x.startsWith('Population by')).sort()).toEqual(['Population by municipality 2019', 'Population by municipality 2020']);
        expect(new Set(bars).size).toBe(bars.length);
        await shot(page, `dashboard-${lang}-${width}`);
        await expectFits(page);

        // A portal: its own series.
        await page.selectOption('#f-portal', 'pA');
        await ready(page);
        const portal = await gql<{ portal: { usage: Series } }>(`query P($from: DateTime!, $to: DateTime!) { portal(id: "pA") { usage(from: $from, to: $to, granularity: MONTH) { ${SERIES_FIELDS} } } }`, range());
        await page.click('[data-card="portal-usage"] [data-action="toggle-table"]');
        await expectSeries(page, 'portal-usage', portal.portal.usage);
        expect(await page.textContent('[data-card="portal-usage"] h3')).toContain('Atlantic Portal');
        await expectFits(page);
        await shot(page, `portal-${lang}-${width}`);
        await page.close();
      });

      it(`dataset ${lang} ${width}px: map, dataset and file series, French types and units, descriptions in the page's language`, async () => {
        const page = await open('#/datasets/d1', width, lang);
        const api = await gql<{ dataset: { stats: { countries: CountryRow[] } } }>(`{ dataset(id: "d1") { stats { ${COUNTRY_FIELDS} } } }`);
        await expectCountries(page, 'dataset-countries', api.dataset.stats.countries, lang);
        const ds = await gql<{ dataset: { usage: Series } }>(`query D($from: DateTime!, $to: DateTime!) { dataset(id: "d1") { usage(from: $from, to: $to, granularity: MONTH) { ${SERIES_FIELDS} } } }`, range());
        await page.click('[data-card="usage-over-time"] [data-action="toggle-table"]');
        await expectSeries(page, 'usage-over-time', ds.dataset.usage);

        // A file's series: chosen from the files table.
        await page.click('[data-card="files"] tbody tr:first-child [data-action="select"]');
        await page.waitForSelector('[data-card="file-usage"]');
        const file = await gql<{ file: { usage: Series } }>(`query F($from: DateTime!, $to: DateTime!) { file(id: "f1") { usage(from: $from, to: $to, granularity: MONTH) { ${SERIES_FIELDS} } } }`, range());
        await page.click('[data-card="file-usage"] [data-action="toggle-table"]');
        await expectSeries(page, 'file-usage', file.file.usage);

        const reuse = await page.textContent('[data-card="reuses-list"] li');
        const size = (await rows(page, 'files')).find((r) => r[1].value === 'f1')![5].text;
        if (lang === 'fr') {
          expect(reuse).toContain('Application');
          expect(reuse).not.toContain('APPLICATION');
          expect(size).toMatch(/^1,5\s?Mo$/);
        } else {
          expect(size).toMatch(/^1\.5\s?MB$/);
        }
        // Screen-reader descriptions: the page's words, no "series 0"-style indexes.
        await page.waitForFunction(() => window.usageGatewayCharts.has('regular-vs-machine'));
        const aria = await page.evaluate(() => [...window.usageGatewayCharts.values()].map((c) => c.getDom().getAttribute('aria-label') ?? ''));
        for (const a of aria) {
          expect(a).toMatch(lang === 'fr' ? /^Graphique : / : /^Chart: /);
          expect(a).not.toMatch(/series|data is as follows|\bindex\b/i);
        }
        // Both bar groups keep their axis label on a phone.
        const labels = (await page.evaluate(chartTexts, 'unique-vs-total')).map((x) => x.text.replace(/\n/g, ' '));
        expect(labels).toEqual(expect.arrayContaining([lang === 'fr' ? 'Consultations' : 'Investigations', expect.stringMatching(lang === 'fr' ? /^Requêtes/ : /^Requests/)]));
        await expectFits(page);
        await shot(page, `dataset-${lang}-${width}`);
        await page.close();
      });

      it(`tree ${lang} ${width}px: landing shows the top collections with figures; a collection shows its subtree series`, async () => {
        const page = await open('#/tree', width, lang);
        const roots = await gql<{ collections: { nodes: { id: string; subtreeStats: { views: number; downloads: number; apiCalls: number } }[] } }>(
          `{ collections(first: 200, rootsOnly: true) { nodes { id subtreeStats { views downloads apiCalls } } } }`);
        const landing = await rows(page, 'top-collections');
        const expected = roots.collections.nodes.map((c) => [c.id, c.subtreeStats.views + c.subtreeStats.downloads + c.subtreeStats.apiCalls] as const).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        expect(landing.map((r) => [r[1].value, Number(r[2].value)])).toEqual(expected);
        // The hint once, not twice.
        const hints = await page.$$eval('main .note', (ns) => ns.map((n) => n.textContent));
        expect(new Set(hints).size).toBe(hints.length);
        await shot(page, `tree-landing-${lang}-${width}`);
        await page.click('[data-collection="c-pop"]');
        await page.waitForSelector('[data-card="collection-usage"]');
        const coll = await gql<{ collection: { usage: Series } }>(`query C($from: DateTime!, $to: DateTime!) { collection(id: "c-pop") { usage(from: $from, to: $to, granularity: MONTH) { ${SERIES_FIELDS} } } }`, range());
        await page.click('[data-card="collection-usage"] [data-action="toggle-table"]');
        await expectSeries(page, 'collection-usage', coll.collection.usage);
        // Two titles with the same start stay apart in the pie's labels.
        await page.waitForFunction(() => window.usageGatewayCharts.has('collection-datasets'));
        const pie = (await page.evaluate(chartTexts, 'collection-datasets')).map((x) => x.text);
        for (const x of pie) expect(x).not.toMatch(/(\.\.\.|…)/);
        expect(new Set(pie).size).toBe(pie.length);
        await expectFits(page);
        await shot(page, `tree-collection-${lang}-${width}`);
        await page.close();
      });

      it(`empty and key-needed states ${lang} ${width}px: sentences instead of empty charts`, async () => {
        const page = await open('', width, lang);
        await page.selectOption('#f-window', 'custom');
        await page.fill('#f-from', '2001-01-01');
        await page.fill('#f-to', '2001-01-31');
        await page.click('[data-action="apply-window"]');
        await ready(page);
        for (const card of ['most-popular', 'least-popular', 'top5-downloads', 'top5-apiCalls', 'countries', 'network-usage']) {
          const text = await page.textContent(`[data-card="${card}"] [data-empty]`);
          expect([card, (text ?? '').length > 20]).toEqual([card, true]);
        }
        expect(await page.$$eval('[data-card="least-popular"] .chart', (c) => c.length)).toBe(0);
        await expectFits(page);
        await shot(page, `empty-${lang}-${width}`);

        await page.selectOption('#f-window', 'all');
        await ready(page);
        await page.locator('[data-filter="visibility"] label').nth(2).click();
        await ready(page);
        const notice = await page.textContent('[data-need-key]');
        expect(notice).toContain(lang === 'fr' ? 'clé d’API' : 'API key');
        expect(await page.$$('[data-card]')).toHaveLength(0);
        await page.click('[data-action="focus-key"]');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
        await expectFits(page);
        await shot(page, `need-key-${lang}-${width}`);
        await page.close();
      });

      it(`loading and error states ${lang} ${width}px: header, navigation and layout stay; the message helps`, async () => {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
        await page.addInitScript((l) => localStorage.setItem('usage-gateway.lang', l), lang);
        // Loading: the dashboard's answer is held until the skeleton is on screen.
        let release!: () => void;
        const held = new Promise<void>((r) => { release = r; });
        const hold = async (route: Route) => {
          if ((route.request().postData() ?? '').includes('dataDashboard(visibility: $v')) await held;
          await route.continue();
        };
        await page.route('**/graphql', hold);
        await page.goto(`${t.baseUrl}/`);
        await page.waitForSelector('[data-loading="dashboard"]');
        expect(await page.isVisible('header.top nav a[href="#/tree"]')).toBe(true);
        expect(await page.$$eval('main .skeleton-card', (s) => s.length)).toBeGreaterThan(3);
        await shot(page, `loading-${lang}-${width}`);
        release();
        await ready(page);
        await page.unroute('**/graphql', hold);

        // A server failure: a helpful message, the navigation kept, no raw server text; Retry recovers.
        const fail = (route: Route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ errors: [{ message: 'MongoServerError: connection pool cleared (internal detail)', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }) });
        await page.route('**/graphql', fail);
        await page.selectOption('#f-window', '30');
        await ready(page);
        const alert = await page.textContent('[role="alert"][data-error]');
        expect(alert).not.toContain('MongoServerError');
        expect(alert).toContain(lang === 'fr' ? 'Réessayez' : 'Retry');
        expect(await page.isVisible('header.top nav a[href="#/tree"]')).toBe(true);
        expect(await page.isVisible('#f-window')).toBe(true);
        await expectFits(page);
        await shot(page, `error-${lang}-${width}`);
        await page.unroute('**/graphql', fail);
        await page.click('[data-action="retry"]');
        await page.waitForSelector('[data-figure="records"]');

        // The gateway unreachable at start: header and navigation still there, the network named.
        const abort = (route: Route) => route.abort('connectionrefused');
        await page.route('**/graphql', abort);
        await page.reload();
        await ready(page);
        expect(await page.isVisible('header.top nav a[href="#/"]')).toBe(true);
        expect(await page.textContent('[role="alert"][data-error="network"]')).toContain(lang === 'fr' ? 'injoignable' : 'could not be reached');
        await shot(page, `unreachable-${lang}-${width}`);
        await page.unroute('**/graphql', abort);
        await page.close();
      });
    }
  }

  it('shows the page frame and grey blocks before its script has arrived (slow connection)', async () => {
    const page = await browser.context.newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const hold = async (route: Route) => { await held; await route.continue(); };
    await page.route('**/app.js', hold);
    // A deferred script holds DOMContentLoaded back: wait for the markup itself.
    await page.goto(`${t.baseUrl}/`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-static-skeleton]');
    expect(await page.textContent('header.top h1')).toContain('Data usage dashboard');
    expect(await page.isVisible('main .skeleton-card')).toBe(true);
    await shot(page, 'before-script-en-1366');
    release();
    await ready(page);
    expect(await page.$('[data-static-skeleton]')).toBeNull();
    await page.unroute('**/app.js', hold);
    await page.close();
  });

  it('keeps every card and key figure whole at every width from 1600 px down to 320 px', async () => {
    const page = await open('', 1366);
    await page.waitForFunction(() => window.usageGatewayCharts.has('themes'));
    for (const b of await page.$$('[data-action="toggle-table"][aria-expanded="false"]')) await b.click();
    const found: Record<number, Overflow[]> = {};
    for (const width of [1600, 1440, 1280, 1180, 1024, 960, 900, 820, 768, 700, 640, 600, 540, 480, 414, 375, 360, 320]) {
      await page.setViewportSize({ width, height: 900 });
      // Two frames: layout, then the figures' fitting (a ResizeObserver).
      await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
      const o = await overflow(page);
      if (o.length) found[width] = o;
    }
    expect(found).toEqual({});
    await page.close();
  });

  it('logged no page error', () => {
    expect(errors).toEqual([]);
  });
});
