#!/usr/bin/env node
/*
 * Measures the dashboard page in headless Chromium against a running
 * gateway: first contentful paint, when the figures are on screen (the
 * page's `usage-gateway:ready` performance mark, then two animation frames:
 * charts drawn), and how long each interaction takes from the input event to
 * its data painted. Times are taken inside the page (event timeStamp to
 * paint), so Playwright's own round trips are not counted. Repeats each step
 * and prints medians and maxima as JSON.
 *
 *   node scripts/measure-page.js [baseUrl=http://127.0.0.1:4000] [runs=5]
 *   API_KEY=<key> node scripts/measure-page.js …   (measure as that key)
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const base = process.argv[2] || 'http://127.0.0.1:4000';
const runs = Number(process.argv[3] || 5);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]);
};

/*
 * In the page: the time of the last user input, and the time the view was
 * painted after the page said its data is on screen (data-ready) or after
 * the details panel changed.
 */
function probe() {
  const w = window;
  w.__input = 0;
  w.__painted = 0;
  for (const type of ['click', 'change', 'keydown']) document.addEventListener(type, (e) => { w.__input = e.timeStamp; w.__painted = 0; }, true);
  const painted = () => requestAnimationFrame(() => requestAnimationFrame(() => { w.__painted = performance.now(); }));
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if ((r.attributeName === 'data-ready' && el.hasAttribute && el.hasAttribute('data-ready')) || (el.closest && el.closest('[data-details], [data-tree-detail]'))) painted();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
}

async function timed(page, action, until = '#app[data-ready]') {
  await action();
  await page.waitForSelector(until, { timeout: 60000 });
  await page.waitForFunction(() => window.__painted > 0, null, { timeout: 60000 });
  return page.evaluate(() => window.__painted - window.__input);
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium missing at ${CHROMIUM}: run scripts/install-browser.sh`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ug-measure-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  const samples = {};
  const add = (k, v) => (samples[k] ??= []).push(v);
  try {
    for (let i = 0; i < runs; i += 1) {
      const page = await context.newPage();
      await page.addInitScript(probe);
      if (process.env.API_KEY) await page.addInitScript((k) => sessionStorage.setItem('usage-gateway.apiKey', k), process.env.API_KEY);
      await page.goto(`${base}/`);
      await page.waitForSelector('#app[data-ready]', { timeout: 60000 });
      await page.waitForFunction(() => window.usageGatewayCharts && window.usageGatewayCharts.has('themes'));
      await page.waitForFunction(() => window.__painted > 0);
      const nav = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
        ready: window.__painted,
      }));
      add('firstContentfulPaintMs', nav.fcp);
      add('figuresOnScreenMs', nav.ready);
      add('switchToPublicMs', await timed(page, () => page.locator('[data-filter="visibility"] label', { hasText: 'Public' }).click()));
      add('window30DaysMs', await timed(page, () => page.selectOption('#f-window', '30')));
      const portal = await page.$eval('#f-portal option:nth-child(2)', (o) => o.value);
      add('portalChangeMs', await timed(page, () => page.selectOption('#f-portal', portal)));
      add('backToNetworkMs', await timed(page, () => page.selectOption('#f-portal', '')));
      add('windowAllTimeMs', await timed(page, () => page.selectOption('#f-window', 'all')));
      await page.waitForFunction(() => window.usageGatewayCharts.has('most-popular'));
      await page.click('[data-card="most-popular"] [data-action="toggle-table"]');
      add('barSelectToDetailsMs', await timed(page, () => page.click('[data-card="most-popular"] tbody tr:first-child [data-action="select"]'), '[data-details] [data-detail="id"]'));
      add('datasetPageMs', await timed(page, () => page.click('[data-details] a')));
      add('treeViewMs', await timed(page, () => page.click('nav a[href="#/tree"]')));
      const first = await page.$('[data-collection]');
      if (first) add('collectionOpenMs', await timed(page, () => first.click(), '[data-collection-title]'));
      await page.close();
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const result = { base, runs, medianMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), maxMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(Math.max(...v))])) };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
