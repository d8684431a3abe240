import http from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { BROWSER_UA, loadSmallCatalog } from './support/fixtures';
import { launchBrowser, type TestBrowser } from './support/browser';
import { WIDGET_TEXTS, compactNumber, fullNumber, partialNote, type EmbedLang } from '../src/embed/embed-format';

/*
 * The usage badge and widget (docs/embed.md) embedded in a "portal" page
 * served by a second HTTP server, in headless Chromium. The portal page is
 * loaded as http://localhost:<port> and the gateway as http://127.0.0.1:<port>:
 * another origin and another site, so Cross-Origin-Resource-Policy and CORS
 * are really exercised. Screenshots go to test-artifacts/screenshots/.
 */

jest.setTimeout(240_000);

const SHOTS = path.resolve(__dirname, '../test-artifacts/screenshots');

/** The page a portal's dataset template would render (the snippets of docs/embed.md). */
function portalPage(gateway: string, lang: EmbedLang): string {
  const other: EmbedLang = lang === 'fr' ? 'en' : 'fr';
  const title = lang === 'fr' ? 'Débits des rivières' : 'River flows';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body { font-family: Georgia, serif; margin: 1.5rem; max-width: 60rem; } .badges img { margin-right: .4rem; }</style></head>
<body>
<h1>${title}</h1>
<p class="badges">
  <img id="b-downloads" src="${gateway}/badge/dataset/d-pub.svg?metric=downloads&amp;lang=${lang}" alt="">
  <img id="b-views-month" src="${gateway}/badge/dataset/d-pub.svg?metric=views&amp;period=month&amp;lang=${lang}" alt="">
  <img id="b-private" src="${gateway}/badge/dataset/d-priv.svg?lang=${lang}" alt="">
</p>
<h2>Widget</h2>
<script src="${gateway}/embed/widget.js" data-dataset="d-pub" async></script>
<h2>12</h2>
<div id="w-months" data-usage-gateway-dataset="d-pub" data-range="12m"></div>
<h2>${other}</h2>
<div id="w-other" data-usage-gateway-dataset="d-pub" data-lang="${other}"></div>
<h2>iframe</h2>
<iframe id="f-widget" src="${gateway}/embed/dataset/d-pub?lang=${lang}&amp;range=12m" title="${lang === 'fr' ? 'Utilisation' : 'Usage'}" width="360" height="170" style="border: 0; max-width: 100%"></iframe>
<h2>private</h2>
<div id="w-private" data-usage-gateway-dataset="d-priv"></div>
</body></html>`;
}

describe('usage badge and widget embedded cross-origin (browser)', () => {
  let t: TestGateway;
  let browser: TestBrowser;
  let portal: http.Server;
  let portalUrl: string;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestGateway();
    await loadSmallCatalog(t);
    const tracker = await t.keyFor('svc-embed', 'TRACKER');
    const DAY = 86_400_000;
    const inputs: Record<string, unknown>[] = [];
    // Views and downloads on several days of the last 30, and 100 days ago.
    const plan: [string, 'VIEW' | 'DOWNLOAD', number, number][] = [
      ['d-pub', 'VIEW', 1, 6], ['d-pub', 'VIEW', 3, 14], ['d-pub', 'VIEW', 12, 4], ['d-pub', 'VIEW', 100, 9],
      ['d-pub', 'DOWNLOAD', 1, 2], ['d-pub', 'DOWNLOAD', 8, 5], ['d-pub', 'DOWNLOAD', 100, 3],
      ['d-priv', 'DOWNLOAD', 1, 11],
    ];
    for (const [id, action, ago, n] of plan) {
      for (let i = 0; i < n; i += 1) {
        const seq = inputs.length + 1;
        inputs.push({ eventId: `emb-${seq}`, resourceType: 'DATASET', resourceId: id, action, timestamp: new Date(Date.now() - ago * DAY - i * 60_000).toISOString(), userAgent: BROWSER_UA, ipAddress: `10.7.${seq >> 8}.${seq & 255}` });
      }
    }
    const r = await t.gql<{ trackAccesses: { recorded: number } }>('mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded } }', { inputs }, tracker);
    expect(r.errors).toBeUndefined();
    expect(r.data!.trackAccesses.recorded).toBe(inputs.length);
    await t.settle();

    // The portal: another server, reached by another host name (another site).
    const gatewayForBrowser = t.baseUrl; // http://127.0.0.1:<port>
    portal = http.createServer((req, res) => {
      const lang = req.url?.startsWith('/fr') ? 'fr' : 'en';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(portalPage(gatewayForBrowser, lang));
    });
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
    portalUrl = `http://localhost:${(portal.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => portal?.close(resolve));
    await t?.stop();
  });

  async function open(lang: EmbedLang, width: number): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
    page.on('pageerror', (e) => problems.push(`${lang}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(`${lang}: ${m.text()}`);
    });
    page.on('requestfailed', (rq) => problems.push(`${lang}: ${rq.url()} ${rq.failure()?.errorText}`));
    await page.goto(`${portalUrl}/${lang}/dataset/d-pub`);
    await page.waitForSelector('[data-usage-gateway-dataset][data-ready] >> nth=2', { timeout: 60_000 });
    await page.waitForSelector('#w-private [data-unavailable]', { timeout: 60_000 });
    await page.waitForFunction(() => [...(globalThis as unknown as { document: { images: Iterable<{ complete: boolean }> } }).document.images].every((i) => i.complete));
    return page;
  }

  const widgetJson = async (range: '30d' | '12m') =>
    (await (await fetch(`${t.baseUrl}/embed/dataset/d-pub.json?range=${range}`)).json()) as { points: { period: string; views: number; downloads: number }[]; total: { views: number; downloads: number } };

  for (const [lang, width] of [['en', 1366], ['fr', 1366], ['en', 390], ['fr', 390]] as [EmbedLang, number][]) {
    it(`renders the badges and widgets on another origin (${lang}, ${width} px)`, async () => {
      const page = await open(lang, width);
      expect(await page.evaluate(() => (globalThis as unknown as { location: { origin: string } }).location.origin)).toBe(portalUrl);
      expect(portalUrl).not.toBe(t.baseUrl);

      // Badges: loaded as images from the gateway, with a size.
      const sizes = await page.$$eval('.badges img', (imgs) => imgs.map((i) => {
        const img = i as unknown as { id: string; naturalWidth: number; naturalHeight: number };
        return [img.id, img.naturalWidth, img.naturalHeight] as [string, number, number];
      }));
      expect(sizes).toHaveLength(3);
      for (const [id, w, h] of sizes) {
        expect([id, w > 0, h]).toEqual([id, true, 20]);
      }

      // Widgets: figures, sparkline and text alternative in the page's language (data-lang overrides it).
      const other: EmbedLang = lang === 'fr' ? 'en' : 'fr';
      const days = await widgetJson('30d');
      const months = await widgetJson('12m');
      const cases: [string, EmbedLang, typeof days, number][] = [
        ['d-pub', lang, days, 30], // the script form: the widget sits where the script is
        ['w-months', lang, months, 12],
        ['w-other', other, days, 30],
      ];
      for (const [where, wlang, data, points] of cases) {
        const host = where === 'd-pub' ? page.locator('div[data-usage-gateway-dataset="d-pub"]:not([id])') : page.locator(`#${where}`);
        const texts = WIDGET_TEXTS[wlang];
        for (const k of ['views', 'downloads'] as const) {
          const li = host.locator(`li[data-metric="${k}"]`);
          expect(Number(await li.getAttribute('data-value'))).toBe(data.total[k]);
          expect((await li.locator('[data-figure]').textContent())!.trim()).toBe(`${compactNumber(data.total[k], wlang)} ${texts[k]}`);
          const pts = (await li.locator('polyline').getAttribute('points'))!.split(' ');
          expect(pts).toHaveLength(points);
          // Heights follow the series: the largest value on the top line (y = 3), zeros on the bottom (y = 21).
          const ys = pts.map((p) => Number(p.split(',')[1]));
          const max = Math.max(...data.points.map((p) => p[k]));
          data.points.forEach((p, i) => expect(ys[i]).toBeCloseTo(21 - (max ? (p[k] / max) * 18 : 0), 1));
          const box = await li.locator('svg[data-sparkline]').boundingBox();
          expect(box!.width).toBeGreaterThan(50);
          expect(box!.height).toBeGreaterThan(10);
          expect(await li.locator('svg[data-sparkline]').getAttribute('aria-hidden')).toBe('true');
        }
        const summary = (await host.locator('[data-summary]').textContent())!;
        expect(summary.startsWith(`${texts.heading}, ${texts.range[points === 30 ? '30d' : '12m']}`)).toBe(true);
        for (const k of ['views', 'downloads'] as const) expect(summary).toContain(`${fullNumber(data.total[k], wlang)} ${texts[k]}`);
        expect(summary.endsWith(partialNote(data.points[data.points.length - 1]!.period, wlang))).toBe(true);
      }
      expect(days.total).toEqual({ views: 24, downloads: 7 });
      expect(months.total).toEqual({ views: 33, downloads: 10 });

      // The iframe form: the widget alone on the gateway's origin, in the language given by ?lang.
      const frame = page.frameLocator('#f-widget');
      await frame.locator('[data-usage-gateway-dataset][data-ready]').waitFor({ timeout: 60_000 });
      for (const k of ['views', 'downloads'] as const) {
        const li = frame.locator(`li[data-metric="${k}"]`);
        expect(Number(await li.getAttribute('data-value'))).toBe(months.total[k]);
        expect((await li.locator('[data-figure]').textContent())!.trim()).toBe(`${compactNumber(months.total[k], lang)} ${WIDGET_TEXTS[lang][k]}`);
        expect((await li.locator('polyline').getAttribute('points'))!.split(' ')).toHaveLength(12);
      }

      // A private dataset: the same "not available" text, no figure.
      expect((await page.locator('#w-private [data-unavailable]').textContent())!.trim()).toBe(WIDGET_TEXTS[lang].unavailable);
      // Nothing wider than the screen on a phone.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

      // Chromium paints an out-of-process (cross-site) frame only once it has been on screen.
      await page.locator('#f-widget').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `embed-${lang}-${width < 600 ? 'phone-390' : 'desktop-1366'}.png`), fullPage: true });
      await page.close();
      expect(problems).toEqual([]);
    });
  }
});
