import path from 'node:path';
import type { TestGateway } from './support/test-gateway';
import type { TestBrowser } from './support/browser';
import { SHOTS, figures, ready, tableValues, withDashboardPage, type DashboardPage } from './support/dashboard-page-fixture';

/*
 * The other views of the page, in headless Chromium: a dataset's page
 * against the API (usage over time, unique vs total, machine, files,
 * reuses, score), a 390px phone screen on every view, French with French
 * number formats, and GraphiQL served locally with Monaco running.
 * Catalog, activity and the page helpers: test/support/dashboard-page-fixture.ts.
 */

/* Browser globals used inside page.evaluate callbacks (Node's libs only in the root tsconfig). */
declare const document: { documentElement: { scrollWidth: number }; querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null };

describe('dashboard page (browser)', () => {
  let t: TestGateway;
  let browser: TestBrowser;
  let errors: string[];
  let open: DashboardPage['open'];
  withDashboardPage((p) => ({ t, browser, errors, open } = p));
  // The check of 'logged no page error' (test/dashboard-page-figures.browser.test.ts)
  // for the pages of this file, once the browser is closed.
  afterAll(() => expect(errors).toEqual([]));

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
});
