import path from 'node:path';
import type { TestGateway } from './support/test-gateway';
import {
  PRIVATE_TEXT,
  SHOTS,
  expectFiguresMatch,
  figures,
  ready,
  tableValues,
  withDashboardPage,
  type Chart,
  type DashboardPage,
} from './support/dashboard-page-fixture';

/*
 * Who sees what on the dashboard page, in headless Chromium: no private
 * dataset anywhere without a key (dashboard, tree, dataset page), all of
 * them with an admin key, and an invalid key said, dropped and replaced by
 * public data.
 * Catalog, activity and the page helpers: test/support/dashboard-page-fixture.ts.
 */

/* Browser globals used inside page.evaluate callbacks (Node's libs only in the root tsconfig). */
declare const window: { usageGatewayCharts: Map<string, Chart> };
declare const sessionStorage: { getItem(k: string): string | null };

describe('dashboard page (browser)', () => {
  let t: TestGateway;
  let admin: string;
  let errors: string[];
  let api: DashboardPage['api'];
  let open: DashboardPage['open'];
  withDashboardPage((p) => ({ t, admin, errors, api, open } = p));
  // The check of 'logged no page error' (test/dashboard-page-figures.browser.test.ts)
  // for the pages of this file, once the browser is closed.
  afterAll(() => expect(errors).toEqual([]));

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
});
