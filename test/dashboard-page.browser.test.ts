import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { BROWSER_UA } from './support/fixtures';
import { launchBrowser, type TestBrowser } from './support/browser';
import { Visibility } from '../src/domain/resources';

/*
 * The dashboard page in headless Chromium against a real gateway: every
 * figure read off the page is compared with the public GraphQL API's answer
 * for the same caller and filters. Needs Debian's chromium
 * (scripts/install-browser.sh). Screenshots and timings go to test-artifacts/.
 *
 * Catalog (published unless said otherwise):
 *   portal pN: n1 "Rivers flow" PUBLIC [Water], n2 "Bus stops" PUBLIC [Roads],
 *              n3 "Secret wells" PRIVATE (owner olga) [Water], n4 "Quiet dataset" PUBLIC, no theme, no licence
 *   portal pS: s1 "Air quality" PUBLIC [Air], s2 "Hidden roadworks" PRIVATE [Roads],
 *              s3 "Draft noise map" unpublished
 *   collections: Hydrology (n1, n3, s1) > Sub basin (n2)
 * Activity 2, 20, 40 and 200 days ago, plus machine and robot traffic on n1.
 */

jest.setTimeout(240_000);

/*
 * Browser globals used inside page.evaluate callbacks: the root tsconfig has
 * Node's libs only, so the few shapes used are declared here (module scope).
 */
interface Chart {
  getDom(): { getBoundingClientRect(): { left: number; top: number } };
  getOption(): { series: { data: number[] }[] };
  convertToPixel(finder: object, value: number[]): number[];
}
declare const window: { usageGatewayCharts: Map<string, Chart> };
declare const document: { documentElement: { scrollWidth: number }; querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null };
declare const sessionStorage: { getItem(k: string): string | null };

const ARTIFACTS = path.resolve(__dirname, '../test-artifacts');
const SHOTS = path.join(ARTIFACTS, 'screenshots');
const PRIVATE_TEXT = ['Secret wells', 'Hidden roadworks', 'wells.csv'];
const DAY_MS = 86_400_000;
const daysAgo = (n: number, minute: number) => {
  const d = new Date(Date.now() - n * DAY_MS);
  d.setUTCHours(10, minute, 0, 0);
  return d.toISOString();
};

type Act = 'VIEW' | 'DOWNLOAD' | 'API_CALL';
/** [type, id, action, days ago, count, user agent] */
const PLAN: ['DATASET' | 'FILE', string, Act, number, number, string?][] = [
  ['DATASET', 'n1', 'DOWNLOAD', 2, 5],
  ['DATASET', 'n1', 'DOWNLOAD', 20, 3],
  ['DATASET', 'n1', 'DOWNLOAD', 200, 2],
  ['DATASET', 'n1', 'API_CALL', 2, 4],
  ['DATASET', 'n1', 'API_CALL', 40, 6],
  ['DATASET', 'n1', 'VIEW', 2, 3],
  ['DATASET', 'n1', 'DOWNLOAD', 2, 2, 'curl/8.5.0'],
  ['DATASET', 'n1', 'VIEW', 2, 3, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  ['DATASET', 'n2', 'DOWNLOAD', 20, 4],
  ['DATASET', 'n2', 'API_CALL', 2, 1],
  ['DATASET', 'n2', 'VIEW', 20, 2],
  ['DATASET', 'n3', 'DOWNLOAD', 2, 7],
  ['DATASET', 'n3', 'API_CALL', 20, 3],
  ['DATASET', 's1', 'DOWNLOAD', 200, 1],
  ['DATASET', 's1', 'API_CALL', 2, 8],
  ['DATASET', 's1', 'VIEW', 2, 1],
  ['DATASET', 's1', 'VIEW', 2, 1, 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
  ['DATASET', 's2', 'DOWNLOAD', 20, 2],
  ['FILE', 'fn1a', 'DOWNLOAD', 2, 2],
  ['FILE', 'fs1', 'DOWNLOAD', 20, 1],
];

const DASHBOARD = `query D($v: DashboardVisibility!, $p: ID, $from: DateTime, $to: DateTime) {
  dataDashboard(visibility: $v, portalId: $p, from: $from, to: $to) {
    totals { datasets records views downloads apiCalls reuses reuseShare datasetsMissingTheme datasetsMissingLicence datasetsMissingPublisher }
    popularity { mostPopular { ...E } leastPopular { ...E } histogram { from to count } }
    top5 { downloads { ...T } apiCalls { ...T } reuses { ...T } }
    themes { name datasetCount averageScore }
  }
}
fragment T on DashboardTopEntry { datasetId title count }
fragment E on DashboardScoreEntry { datasetId title downloads apiCalls reuses score }`;

interface Entry { datasetId: string; title: string; downloads: number; apiCalls: number; reuses: number; score: number }
interface Dash {
  totals: Record<string, number>;
  popularity: { mostPopular: Entry[]; leastPopular: Entry[]; histogram: { from: number; to: number; count: number }[] };
  top5: Record<'downloads' | 'apiCalls' | 'reuses', { datasetId: string; title: string; count: number }[]>;
  themes: { name: string; datasetCount: number; averageScore: number }[];
}

const en = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const enShare = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

describe('dashboard page (browser)', () => {
  let t: TestGateway;
  let browser: TestBrowser;
  let admin: string;
  const timings: Record<string, unknown> = {};

  const api = async (vars: Record<string, unknown>, key: string | null = null): Promise<Dash> => {
    const res = await t.gql<{ dataDashboard: Dash }>(DASHBOARD, { v: 'ALL', ...vars }, key);
    expect(res.errors).toBeUndefined();
    return res.data!.dataDashboard;
  };

  beforeAll(async () => {
    // Chromium first: without it the suite fails at once with the install hint.
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestGateway({ env: { RATE_LIMIT_ANONYMOUS: '0', RATE_LIMIT_PER_KEY: '0', AUTH_FAILURE_LIMIT: '0' } });
    admin = await t.keyFor('root', 'ADMIN');
    const tracker = await t.keyFor('svc-portal', 'TRACKER');
    await t.keyFor('olga', 'USER');
    const w = t.gw.services.catalogWriter;
    await w.portals([
      { _id: 'pN', name: 'North Portal', url: null },
      { _id: 'pS', name: 'South Portal', url: null },
    ]);
    await w.themes([
      { _id: 't-water', name: 'Water' },
      { _id: 't-road', name: 'Roads' },
      { _id: 't-air', name: 'Air' },
    ]);
    await w.collections([
      { _id: 'c-top', name: 'Hydrology', parentCollectionIds: [], spaceIds: [], ownerId: null },
      { _id: 'c-sub', name: 'Sub basin', parentCollectionIds: ['c-top'], spaceIds: [], ownerId: null },
    ]);
    const base = { description: null, ownerId: null, spaceIds: [] as string[], collectionIds: [] as string[], published: true, visibility: Visibility.PUBLIC, licence: 'ODbL', publisher: 'Org' };
    await w.datasets([
      { ...base, _id: 'n1', title: 'Rivers flow', portalId: 'pN', themeIds: ['t-water'], collectionIds: ['c-top'], recordCount: 100 },
      { ...base, _id: 'n2', title: 'Bus stops', portalId: 'pN', themeIds: ['t-road'], collectionIds: ['c-sub'], recordCount: 50 },
      { ...base, _id: 'n3', title: 'Secret wells', portalId: 'pN', ownerId: 'olga', visibility: Visibility.PRIVATE, themeIds: ['t-water'], collectionIds: ['c-top'], recordCount: 20 },
      { ...base, _id: 'n4', title: 'Quiet dataset', portalId: 'pN', themeIds: [], licence: null, recordCount: 0 },
      { ...base, _id: 's1', title: 'Air quality', portalId: 'pS', themeIds: ['t-air'], collectionIds: ['c-top'], recordCount: 30 },
      { ...base, _id: 's2', title: 'Hidden roadworks', portalId: 'pS', visibility: Visibility.PRIVATE, themeIds: ['t-road'], recordCount: 10 },
      { ...base, _id: 's3', title: 'Draft noise map', portalId: 'pS', published: false, themeIds: ['t-air'], recordCount: 5 },
    ]);
    await w.files([
      { _id: 'fn1a', title: 'rivers.csv', sizeBytes: 2048, contentType: 'text/csv', datasetIds: ['n1'], ownerId: null },
      { _id: 'fn1b', title: 'rivers.json', sizeBytes: 4096, contentType: 'application/json', datasetIds: ['n1'], ownerId: null },
      { _id: 'fn3', title: 'wells.csv', sizeBytes: 100, contentType: 'text/csv', datasetIds: ['n3'], ownerId: null },
      { _id: 'fs1', title: 'air.csv', sizeBytes: 300, contentType: 'text/csv', datasetIds: ['s1'], ownerId: null },
    ]);
    const events: Record<string, unknown>[] = [];
    for (const [resourceType, resourceId, action, ago, n, ua] of PLAN) {
      for (let i = 0; i < n; i += 1) {
        const seq = events.length + 1;
        events.push({ eventId: `page-${seq}`, resourceType, resourceId, action, timestamp: daysAgo(ago, i), userAgent: ua ?? BROWSER_UA, ipAddress: `10.1.${seq >> 8}.${seq & 255}` });
      }
    }
    const tracked = await t.gql<{ trackAccesses: { recorded: number; rejected: number } }>(
      `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected } }`,
      { inputs: events },
      tracker,
    );
    expect(tracked.errors).toBeUndefined();
    expect(tracked.data!.trackAccesses).toEqual({ recorded: events.length, rejected: 0 });
    for (const [title, datasetIds] of [['Flood app', ['n1']], ['Air and rivers map', ['n1', 's1']], ['Wells study', ['n3']]] as const) {
      const r = await t.gql(`mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id } }`, {
        input: { title, url: `https://apps.example.org/${encodeURIComponent(title)}`, type: 'APPLICATION', datasetIds, createdAt: daysAgo(30, 0) },
      }, admin);
      expect(r.errors).toBeUndefined();
    }
    // Where figures are aggregated from the event log asynchronously, wait
    // until they include every event: the page's requests do not wait.
    await t.settle();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'page-timings.json'), JSON.stringify(timings, null, 2));
  });

  const errors: string[] = [];
  async function open(hash = '', width = 1366): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    page.on('pageerror', (e) => errors.push(`${hash}: ${e.message}`));
    page.on('console', (m) => {
      // The invalid-key test gets its 401s on purpose; Chromium logs them.
      if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(`${hash}: ${m.text()}`);
    });
    await page.goto(`${t.baseUrl}/${hash}`);
    await ready(page);
    return page;
  }
  const ready = (page: Page) => page.waitForSelector('#app[data-ready]', { timeout: 60_000 });

  /** The totals as the page shows them: raw value and visible text. */
  const figures = (page: Page) =>
    page.$$eval('[data-figure]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-figure'), { value: Number(e.getAttribute('data-value')), text: e.querySelector('dd')!.textContent }])));
  /** Raw values of a chart's table, row by row. */
  const tableValues = (page: Page, card: string) =>
    page.$$eval(`[data-card="${card}"] tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.getAttribute('data-value'))));

  async function expectFiguresMatch(page: Page, d: Dash): Promise<void> {
    const f = await figures(page);
    for (const k of ['datasets', 'records', 'views', 'downloads', 'apiCalls', 'reuses', 'datasetsMissingTheme', 'datasetsMissingLicence', 'datasetsMissingPublisher']) {
      expect([k, f[k].value, f[k].text]).toEqual([k, d.totals[k], en.format(d.totals[k])]);
    }
    expect(f.reuseShare.value).toBeCloseTo(d.totals.reuseShare, 10);
    expect(f.reuseShare.text).toBe(enShare.format(d.totals.reuseShare));
    for (const m of ['downloads', 'apiCalls', 'reuses'] as const) {
      expect(await tableValues(page, `top5-${m}`)).toEqual(d.top5[m].map((e) => [e.title, e.datasetId, String(e.count)]));
    }
    const scoreRows = (l: Entry[]) => l.map((e) => [e.title, e.datasetId, String(e.downloads), String(e.apiCalls), String(e.reuses), String(e.score)]);
    expect(await tableValues(page, 'most-popular')).toEqual(scoreRows(d.popularity.mostPopular));
    expect(await tableValues(page, 'least-popular')).toEqual(scoreRows(d.popularity.leastPopular));
    expect(await tableValues(page, 'themes')).toEqual(d.themes.map((th) => expect.arrayContaining([th.name, String(th.datasetCount), String(th.averageScore)])));
  }

  it('shows the GraphQL figures (anonymous, all time), robot and machine shares, with screenshots', async () => {
    const page = await open();
    const d = await api({});
    await expectFiguresMatch(page, d);
    // Robot and machine shares: the dashboard's own fields when the API has them, else the public datasets' all-time stats.
    const f = await figures(page);
    const fields = await t.gql<{ __type: { fields: { name: string }[] } }>(`{ __type(name: "DashboardTotals") { fields { name } } }`);
    if (fields.data!.__type.fields.some((x) => x.name === 'robotShare')) {
      const shares = await t.gql<{ dataDashboard: { totals: { robotShare: number; machineShare: number } } }>(`{ dataDashboard { totals { robotShare machineShare } } }`);
      expect(f.robotShare.value).toBe(shares.data!.dataDashboard.totals.robotShare);
      expect(f.machineShare.value).toBe(shares.data!.dataDashboard.totals.machineShare);
    } else {
      const stats = await t.gql<{ datasets: { nodes: { stats: { views: number; downloads: number; apiCalls: number; robotEvents: number; machine: { views: number; downloads: number; apiCalls: number } } }[] } }>(
        `{ datasets(first: 500, filter: { published: true }) { nodes { stats { views downloads apiCalls robotEvents machine { views downloads apiCalls } } } } }`,
      );
      let regular = 0;
      let machine = 0;
      let robots = 0;
      for (const { stats: s } of stats.data!.datasets.nodes) {
        regular += s.views + s.downloads + s.apiCalls;
        machine += s.machine.views + s.machine.downloads + s.machine.apiCalls;
        robots += s.robotEvents;
      }
      expect(robots).toBeGreaterThan(0);
      expect(machine).toBeGreaterThan(0);
      expect(f.robotShare.value).toBeCloseTo(robots / (regular + machine + robots), 10);
      expect(f.machineShare.value).toBeCloseTo(machine / (regular + machine), 10);
      expect(f.robotShare.text).toBe(enShare.format(robots / (regular + machine + robots)));
    }

    await page.waitForFunction(() => window.usageGatewayCharts.has('themes'));
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-desktop-1366.png'), fullPage: true });
    const perf = await page.evaluate(() => ({
      firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      dataOnScreen: performance.getEntriesByName('usage-gateway:ready')[0]?.startTime ?? null,
      domContentLoaded: (performance.getEntriesByType as unknown as (type: string) => { domContentLoadedEventEnd: number }[])('navigation')[0].domContentLoadedEventEnd,
    }));
    timings.testCatalogDesktop = perf;
    await page.close();

    const phone = await open('', 390);
    await expectFiguresMatch(phone, d);
    // Readable at 390px: nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(SHOTS, 'dashboard-phone-390.png'), fullPage: true });
    await phone.close();
  });

  it('changes the figures with the visibility switch, the portal and the time window', async () => {
    const page = await open();
    await page.fill('#api-key', admin);
    await page.click('[data-action="use-key"]');
    await ready(page);
    await expectFiguresMatch(page, await api({}, admin));

    await page.locator('[data-filter="visibility"] label', { hasText: 'Private' }).click();
    await ready(page);
    const priv = await api({ v: 'PRIVATE' }, admin);
    expect(priv.totals.datasets).toBe(2);
    await expectFiguresMatch(page, priv);

    await page.locator('[data-filter="visibility"] label', { hasText: 'Public' }).click();
    await ready(page);
    await expectFiguresMatch(page, await api({ v: 'PUBLIC' }, admin));

    let started = Date.now();
    await page.selectOption('#f-window', '7');
    await ready(page);
    const interaction = Date.now() - started;
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 6 * DAY_MS).toISOString().slice(0, 10);
    const week = await api({ v: 'PUBLIC', from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` }, admin);
    const allTime = await api({ v: 'PUBLIC' }, admin);
    expect(week.totals.downloads).toBeLessThan(allTime.totals.downloads);
    await expectFiguresMatch(page, week);
    expect(await page.getAttribute('[data-window]', 'data-window')).toBe(`${from}..${to}`);

    started = Date.now();
    await page.selectOption('#f-portal', 'pS');
    await ready(page);
    timings.testCatalogInteractionsMs = { windowChange: interaction, portalChange: Date.now() - started };
    await expectFiguresMatch(page, await api({ v: 'PUBLIC', p: 'pS', from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` }, admin));

    // A custom window.
    await page.selectOption('#f-window', 'custom');
    const cFrom = new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 10);
    await page.fill('#f-from', cFrom);
    await page.fill('#f-to', to);
    await page.click('[data-action="apply-window"]');
    await ready(page);
    await expectFiguresMatch(page, await api({ v: 'PUBLIC', p: 'pS', from: `${cFrom}T00:00:00Z`, to: `${to}T00:00:00Z` }, admin));
    await page.close();
  });

  it('fills the details panel when a bar is clicked, or its row chosen with the keyboard', async () => {
    const page = await open();
    const d = await api({});
    await page.waitForFunction(() => window.usageGatewayCharts.has('most-popular'));
    // The series and the map come first: bring the chart on screen before clicking it.
    await page.locator('[data-card="most-popular"] .chart').scrollIntoViewIfNeeded();
    // Half-way along the first bar, in page coordinates.
    const point = await page.evaluate(() => {
      const chart = window.usageGatewayCharts.get('most-popular')!;
      const score = chart.getOption().series[0].data[0];
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [score / 2, 0]);
      const box = chart.getDom().getBoundingClientRect();
      return { x: box.left + x, y: box.top + y };
    });
    await page.mouse.click(point.x, point.y);
    const detail = (key: string) => page.getAttribute(`[data-details] [data-detail="${key}"]`, 'data-value');
    await page.waitForSelector('[data-details] [data-detail="id"]');
    const top = d.popularity.mostPopular[0];
    expect(await detail('label')).toBe(top.title);
    expect(await detail('id')).toBe(top.datasetId);
    expect(await detail('downloads')).toBe(String(top.downloads));
    expect(await detail('apiCalls')).toBe(String(top.apiCalls));
    expect(await detail('reuses')).toBe(String(top.reuses));
    expect(await detail('score')).toBe(String(top.score));

    // Keyboard: open the least-popular table and choose its first row.
    await page.focus('[data-card="least-popular"] [data-action="toggle-table"]');
    await page.keyboard.press('Enter');
    await page.focus('[data-card="least-popular"] tbody tr:first-child [data-action="select"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector('[data-details] [data-detail="id"]')?.getAttribute('data-value') === id, d.popularity.leastPopular[0].datasetId);
    expect(await detail('score')).toBe(String(d.popularity.leastPopular[0].score));

    // "See more": the histogram with its numbers.
    await page.click('[data-action="see-more"]');
    await page.click('[data-card="score-histogram"] [data-action="toggle-table"]');
    const hist = await tableValues(page, 'score-histogram');
    expect(hist.map((r) => [Number(r[1]), Number(r[2]), Number(r[3])])).toEqual(d.popularity.histogram.map((b) => [b.from, b.to, b.count]));
    await page.close();
  });

  it('downloads a chart as CSV built from the same rows', async () => {
    const page = await open();
    const d = await api({});
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-card="top5-downloads"] [data-action="csv"]')]);
    expect(download.suggestedFilename()).toBe('top5-downloads.csv');
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('Label,Id,Downloads');
    expect(lines.slice(1)).toEqual(d.top5.downloads.map((e) => `${e.title},${e.datasetId},${e.count}`));
    await page.close();
  });

  it('shows no private dataset anywhere without a key, and shows them with an admin key', async () => {
    const page = await open();
    const html = async () => {
      // Everything on the page: hidden tables, chart data (canvas text is not in the DOM).
      const charts = await page.evaluate(() =>
        JSON.stringify([...window.usageGatewayCharts.values()].map((c) => c.getOption())));
      return (await page.content()) + charts;
    };
    await page.waitForFunction(() => window.usageGatewayCharts.size >= 6);
    for (const text of PRIVATE_TEXT) expect(await html()).not.toContain(text);
    // Without a key nothing private is visible: the page says a key is needed instead of showing empty cards.
    await page.locator('[data-filter="visibility"] label', { hasText: 'Private' }).click();
    await ready(page);
    expect(await page.textContent('[data-need-key]')).toContain('API key');
    expect(await figures(page)).toEqual({});
    for (const text of PRIVATE_TEXT) expect(await html()).not.toContain(text);

    await page.goto(`${t.baseUrl}/#/tree`);
    await ready(page);
    await page.click('[data-collection="c-top"]');
    await page.waitForSelector('[data-collection-title="c-top"]');
    for (const text of PRIVATE_TEXT) expect(await html()).not.toContain(text);
    const anonTree = await t.gql<{ collection: { datasets: { nodes: { id: string; stats: { views: number; downloads: number; apiCalls: number } }[] } } }>(
      `{ collection(id: "c-top") { datasets { nodes { id stats { views downloads apiCalls } } } } }`,
    );
    const rows = await tableValues(page, 'collection-datasets');
    expect(rows.map((r) => r[1]).sort()).toEqual(anonTree.data!.collection.datasets.nodes.map((n) => n.id).sort());
    for (const n of anonTree.data!.collection.datasets.nodes) {
      expect(rows.find((r) => r[1] === n.id)![2]).toBe(String(n.stats.views + n.stats.downloads + n.stats.apiCalls));
    }
    await page.screenshot({ path: path.join(SHOTS, 'tree-desktop-1366.png'), fullPage: true });

    await page.goto(`${t.baseUrl}/#/datasets/n3`);
    await ready(page);
    await page.waitForSelector('[data-not-found]');

    // The same tab with an admin key sees the private datasets.
    await page.goto(`${t.baseUrl}/`);
    await ready(page);
    await page.fill('#api-key', admin);
    await page.click('[data-action="use-key"]');
    await ready(page);
    expect(await page.getAttribute('.key-status', 'data-key-status')).toBe('signed-in');
    expect(page.url()).not.toContain(admin);
    expect(await page.evaluate(() => sessionStorage.getItem('usage-gateway.apiKey'))).toBe(admin);
    await page.waitForFunction(() => window.usageGatewayCharts.size >= 6);
    expect(await html()).toContain('Secret wells');
    await expectFiguresMatch(page, await api({}, admin));
    await page.goto(`${t.baseUrl}/#/tree`);
    await ready(page);
    await page.click('[data-collection="c-top"]');
    await page.waitForSelector('[data-collection-title="c-top"]');
    expect(await html()).toContain('Secret wells');
    expect(await html()).toContain('wells.csv');
    await page.close();
  });

  it('says when a key is not valid, drops it and shows public data', async () => {
    const page = await open();
    await page.fill('#api-key', 'ugk_not_a_real_key_at_all');
    await page.click('[data-action="use-key"]');
    await ready(page);
    const status = page.locator('[data-key-status="invalid"]');
    expect(await status.textContent()).toContain('not valid or has expired');
    expect(await status.getAttribute('role')).toBe('alert');
    expect(await page.evaluate(() => sessionStorage.getItem('usage-gateway.apiKey'))).toBeNull();
    await expectFiguresMatch(page, await api({}));
    await page.close();
  });

  it('shows a dataset page: usage over time, unique vs total, machine, files, reuses and the score', async () => {
    const page = await open('#/datasets/n1');
    await page.waitForSelector('[data-dataset-title="n1"]');
    const res = await t.gql<{ dataset: { stats: Record<string, number> & { machine: Record<string, number> }; popularity: { score: number; contributions: Record<string, number> }; files: { nodes: { id: string; stats: { downloads: number } }[] }; reuses: { nodes: { title: string }[] } } }>(
      `{ dataset(id: "n1") { stats { totalInvestigations uniqueInvestigations totalRequests uniqueRequests views downloads apiCalls machine { views downloads apiCalls } }
         popularity { score contributions { downloads apiCalls reuses } }
         files { nodes { id stats { downloads } } } reuses { nodes { title } } } }`,
    );
    const ds = res.data!.dataset;
    expect(await page.getAttribute('[data-score]', 'data-score')).toBe(String(ds.popularity.score));
    const contrib = await tableValues(page, 'score-contributions');
    expect(contrib.map((r) => Number(r[2]))).toEqual([ds.popularity.contributions.downloads, ds.popularity.contributions.apiCalls, ds.popularity.contributions.reuses]);
    expect(await tableValues(page, 'unique-vs-total')).toEqual([
      ['Investigations', String(ds.stats.totalInvestigations), String(ds.stats.uniqueInvestigations)],
      ['Requests (downloads)', String(ds.stats.totalRequests), String(ds.stats.uniqueRequests)],
    ]);
    expect((await tableValues(page, 'regular-vs-machine')).map((r) => r.slice(1).map(Number))).toEqual(
      (['views', 'downloads', 'apiCalls'] as const).map((m) => [ds.stats[m], ds.stats.machine[m]]));
    expect((await tableValues(page, 'files')).map((r) => [r[1], Number(r[2])])).toEqual(ds.files.nodes.map((f) => [f.id, f.stats.downloads]));
    expect(await page.locator('[data-card="reuses-list"] li').allTextContents()).toEqual(ds.reuses.nodes.map((r) => expect.stringContaining(r.title)));

    // Usage series: all time → months over the dataset's life; then days in the last 30 days.
    await page.click('[data-card="usage-over-time"] [data-action="toggle-table"]');
    const monthly = await tableValues(page, 'usage-over-time');
    expect(monthly[0][0]).toMatch(/^\d{4}-\d{2}$/);
    await page.locator('[data-switch="granularity"] label', { hasText: 'Day' }).click();
    await ready(page);
    await page.click('[data-card="usage-over-time"] [data-action="toggle-table"]');
    const daily = await tableValues(page, 'usage-over-time');
    const first = daily[0][0]!;
    const last = daily[daily.length - 1][0]!;
    const series = await t.gql<{ dataset: { usage: { points: { period: string; views: number; downloads: number; apiCalls: number }[] } } }>(
      `query U($from: DateTime!, $to: DateTime!) { dataset(id: "n1") { usage(from: $from, to: $to, granularity: DAY) { points { period views downloads apiCalls } } } }`,
      { from: `${first}T00:00:00Z`, to: `${last}T00:00:00Z` },
    );
    expect(daily).toEqual(series.data!.dataset.usage.points.map((p) => [p.period, String(p.views), String(p.downloads), String(p.apiCalls)]));
    expect(daily.reduce((s, r) => s + Number(r[2]), 0)).toBe(ds.stats.downloads);
    await page.click('[data-card="usage-over-time"] [data-action="toggle-table"]');
    await page.screenshot({ path: path.join(SHOTS, 'dataset-desktop-1366.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, 'dataset-phone-390.png'), fullPage: true });
    await page.close();
  });

  it('fits a 390px phone screen on every view', async () => {
    const page = await open('', 390);
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await width()).toBeLessThanOrEqual(390);
    await page.goto(`${t.baseUrl}/#/datasets/n1`);
    await ready(page);
    expect(await width()).toBeLessThanOrEqual(390);
    await page.goto(`${t.baseUrl}/#/tree`);
    await ready(page);
    await page.click('[data-collection="c-top"]');
    await page.waitForSelector('[data-collection-title="c-top"]');
    expect(await width()).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, 'tree-phone-390.png'), fullPage: true });
    await page.close();
  });

  it('speaks French with French number formats', async () => {
    const page = await open();
    await page.click('[data-action="switch-lang"]');
    await ready(page);
    expect(await page.textContent('#h-totals')).toBe('Chiffres clés');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    const records = (await figures(page)).records;
    expect(records.text).toBe(new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(records.value));
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-fr-desktop-1366.png') });
    // Back to English for the other pages of this profile.
    await page.click('[data-action="switch-lang"]');
    await ready(page);
    await page.close();
  });

  it('serves GraphiQL locally, with Monaco running', async () => {
    const page = await browser.context.newPage();
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(t.baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url());
    });
    await page.goto(`${t.baseUrl}/graphql`);
    await page.waitForSelector('.graphiql-container .monaco-editor', { timeout: 60_000 });
    // Runs its default query through POST /graphql and shows the answer.
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => (document.querySelector('.graphiql-response')?.textContent ?? '').includes('totals'), null, { timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, 'graphiql-desktop-1366.png') });
    expect(external).toEqual([]);
    await page.close();
  });

  it('logged no page error', () => {
    expect(errors).toEqual([]);
  });
});
