import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestGateway } from './support/test-gateway';
import {
  ARTIFACTS,
  DAY_MS,
  SHOTS,
  enShare,
  expectFiguresMatch,
  figures,
  ready,
  tableValues,
  withDashboardPage,
  type Chart,
  type DashboardPage,
} from './support/dashboard-page-fixture';

/*
 * The dashboard page in headless Chromium against a real gateway: the figures
 * on the page equal the public GraphQL API's for the same caller and filters
 * (anonymous, robot and machine shares, visibility switch, portal, time
 * window), the details panel, and a chart's CSV download.
 * Catalog, activity and the page helpers: test/support/dashboard-page-fixture.ts.
 */

/* Browser globals used inside page.evaluate callbacks (Node's libs only in the root tsconfig). */
declare const window: { usageGatewayCharts: Map<string, Chart> };
declare const document: { documentElement: { scrollWidth: number }; querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null };

describe('dashboard page (browser)', () => {
  let t: TestGateway;
  let admin: string;
  let errors: string[];
  let api: DashboardPage['api'];
  let open: DashboardPage['open'];
  const timings: Record<string, unknown> = {};
  withDashboardPage((p) => ({ t, admin, errors, api, open } = p));

  // Once the browser is closed.
  afterAll(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'page-timings.json'), JSON.stringify(timings, null, 2));
  });

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

  it('logged no page error', () => {
    expect(errors).toEqual([]);
  });
});
