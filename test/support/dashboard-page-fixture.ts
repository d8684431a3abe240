import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from './test-gateway';
import { BROWSER_UA, registerReuse, trackAllRecorded } from './fixtures';
import { launchBrowser, type TestBrowser } from './browser';
import { startedPerDescribe } from './per-describe';
import { Visibility } from '../../src/domain/resources';

/**
 * The dashboard page tests' gateway and browser
 * (test/dashboard-page-*.browser.test.ts): headless Chromium against a real
 * gateway, and the helpers that read figures off the page and compare them
 * with the public GraphQL API's answer for the same caller and filters.
 * Needs Debian's chromium (scripts/install-browser.sh). Screenshots and
 * timings go to test-artifacts/.
 *
 * Catalog (published unless said otherwise):
 *   portal pN: n1 "Rivers flow" PUBLIC [Water], n2 "Bus stops" PUBLIC [Roads],
 *              n3 "Secret wells" PRIVATE (owner olga) [Water], n4 "Quiet dataset" PUBLIC, no theme, no licence
 *   portal pS: s1 "Air quality" PUBLIC [Air], s2 "Hidden roadworks" PRIVATE [Roads],
 *              s3 "Draft noise map" unpublished
 *   collections: Hydrology (n1, n3, s1) > Sub basin (n2)
 * Activity 2, 20, 40 and 200 days ago, plus machine and robot traffic on n1.
 */

/**
 * The ECharts instance as the page exposes it (window.usageGatewayCharts),
 * for the browser globals the test files declare: the root tsconfig has
 * Node's libs only.
 */
export interface Chart {
  getDom(): { getBoundingClientRect(): { left: number; top: number } };
  getOption(): { series: { data: number[] }[] };
  convertToPixel(finder: object, value: number[]): number[];
}

export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
export const SHOTS = path.join(ARTIFACTS, 'screenshots');
export const PRIVATE_TEXT = ['Secret wells', 'Hidden roadworks', 'wells.csv'];
export const DAY_MS = 86_400_000;
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

export interface Entry { datasetId: string; title: string; downloads: number; apiCalls: number; reuses: number; score: number }
export interface Dash {
  totals: Record<string, number>;
  popularity: { mostPopular: Entry[]; leastPopular: Entry[]; histogram: { from: number; to: number; count: number }[] };
  top5: Record<'downloads' | 'apiCalls' | 'reuses', { datasetId: string; title: string; count: number }[]>;
  themes: { name: string; datasetCount: number; averageScore: number }[];
}

export const en = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const enShare = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export const ready = (page: Page) => page.waitForSelector('#app[data-ready]', { timeout: 60_000 });

/** The totals as the page shows them: raw value and visible text. */
export const figures = (page: Page) =>
  page.$$eval('[data-figure]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-figure'), { value: Number(e.getAttribute('data-value')), text: e.querySelector('dd')!.textContent }])));
/** Raw values of a chart's table, row by row. */
export const tableValues = (page: Page, card: string) =>
  page.$$eval(`[data-card="${card}"] tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.getAttribute('data-value'))));

export async function expectFiguresMatch(page: Page, d: Dash): Promise<void> {
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

export interface DashboardPage {
  t: TestGateway;
  browser: TestBrowser;
  /** A key of root (ADMIN). */
  admin: string;
  /** Page errors and console errors of every page `open` opened. */
  errors: string[];
  /** The dashboard through GraphQL (visibility ALL unless `vars.v` says otherwise). */
  api(vars: Record<string, unknown>, key?: string | null): Promise<Dash>;
  /** A new page at `/${hash}`, `width` px wide, once its data is on screen. */
  open(hash?: string, width?: number): Promise<Page>;
  /** Closes the browser and stops the gateway. */
  stop(): Promise<void>;
}

/** Chromium, and a gateway holding the catalog and activity of the header. */
export async function startDashboardPage(): Promise<DashboardPage> {
  // Chromium first: without it the suite fails at once with the install hint.
  const browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
  const t = await startTestGateway({ env: { RATE_LIMIT_ANONYMOUS: '0', RATE_LIMIT_PER_KEY: '0', AUTH_FAILURE_LIMIT: '0' } }).catch(async (e: unknown) => {
    await browser.close();
    throw e;
  });
  const stop = async () => {
    await browser.close();
    await t.stop();
  };

  const api = async (vars: Record<string, unknown>, key: string | null = null): Promise<Dash> => {
    const res = await t.gql<{ dataDashboard: Dash }>(DASHBOARD, { v: 'ALL', ...vars }, key);
    expect(res.errors).toBeUndefined();
    return res.data!.dataDashboard;
  };

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

  try {
    const admin = await t.keyFor('root', 'ADMIN');
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
    await trackAllRecorded(t, events, tracker);
    for (const [title, datasetIds] of [['Flood app', ['n1']], ['Air and rivers map', ['n1', 's1']], ['Wells study', ['n3']]] as const) {
      await registerReuse(t, { title, url: `https://apps.example.org/${encodeURIComponent(title)}`, type: 'APPLICATION', datasetIds, createdAt: daysAgo(30, 0) }, admin);
    }
    // Where figures are aggregated from the event log asynchronously, wait
    // until they include every event: the page's requests do not wait.
    await t.settle();
    return { t, browser, admin, errors, api, open, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * In the calling describe block: startDashboardPage before its tests, handed
 * to `receive`, and its browser and gateway stopped after them (before the
 * file's own afterAll hooks, which run in the order they are declared). The
 * test file's timeout becomes 240 s: Chromium, the gateway and the figures
 * take a while to start, and each test drives the browser.
 */
export function withDashboardPage(receive: (p: DashboardPage) => void): void {
  jest.setTimeout(240_000);
  startedPerDescribe(startDashboardPage, receive, (p) => p.stop());
}
