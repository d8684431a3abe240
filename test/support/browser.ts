import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags the CI runs Chromium with: headless, no sandbox (containers), nothing phoning home. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's Chromium in a fresh profile. Missing Chromium is a failure, not a
 * skip: the page would otherwise go untested without anyone noticing.
 */
export async function launchBrowser(opts: { locale?: string } = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: run scripts/install-browser.sh (npm test runs it first and says why it could not install), ` +
        'or install Chromium yourself (Debian: sudo apt-get install -y chromium) and set CHROMIUM_PATH when it is not /usr/bin/chromium',
    );
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ug-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    locale: opts.locale ?? 'en-US',
    viewport: { width: 1366, height: 900 },
    reducedMotion: 'reduce',
    acceptDownloads: true,
    timeout: 120_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
