import fs from 'node:fs';
import path from 'node:path';
import express from 'express';

/**
 * Content-Security-Policy the dashboard page and GraphiQL need, as helmet
 * `contentSecurityPolicy.directives`. Everything is same-origin; the
 * exceptions and why:
 * - style-src 'unsafe-inline': ECharts tooltips and Monaco set style
 *   attributes and inject <style> elements;
 * - img-src/font-src data: and blob:: GraphiQL's CSS inlines fonts and icons;
 *   ECharts may export canvases as data URLs;
 * - worker-src 'self' blob:: Monaco's web workers are same-origin bundles
 *   (dist/web/graphiql/*.worker.js); blob: covers Monaco's fallback.
 * The pages set this header themselves; a global helmet policy should use
 * these directives (or leave these routes to theirs).
 */
export const WEB_CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
};

const CSP = Object.entries(WEB_CSP_DIRECTIVES)
  .map(([k, v]) => `${k} ${v.join(' ')}`)
  .join('; ');

/** dist/web, written by scripts/build-web.js, seen from src/http (ts-node) or dist/src/http (compiled). */
export function defaultWebDir(): string {
  const candidates = [path.resolve(__dirname, '../../web'), path.resolve(__dirname, '../../dist/web')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[1];
}

/**
 * Browsers asking for a page (Accept names text/html before JSON). `*∕*`
 * alone (curl, fetch) resolves to JSON, so GET queries keep reaching Apollo.
 */
function wantsHtml(req: express.Request): boolean {
  return /text\/html/i.test(req.headers.accept ?? '') && req.accepts(['application/json', 'text/html']) === 'text/html';
}

function sendPage(res: express.Response, file: string): void {
  res.set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
  res.sendFile(file);
}

/**
 * The dashboard page at `/` and GraphiQL at `GET /graphql` (HTML only), from
 * the static bundle. Mount before the GraphQL endpoint. Serves nothing but
 * files: the page reads data through the public POST /graphql like any client.
 */
export function mountWeb(app: express.Express, webDir: string = defaultWebDir()): void {
  const built = (file: string) => path.join(webDir, file);
  const notBuilt = (res: express.Response) =>
    res.status(503).type('text/plain').send('The dashboard page is not built: run `npm run build:web` (scripts/build-web.js).\n');

  app.get('/graphql', (req, res, next) => {
    if (!wantsHtml(req)) return next();
    if (!fs.existsSync(built('graphiql/index.html'))) return notBuilt(res);
    sendPage(res, built('graphiql/index.html'));
  });
  app.get(['/', '/index.html'], (_req, res) => {
    if (!fs.existsSync(built('index.html'))) return notBuilt(res);
    sendPage(res, built('index.html'));
  });
  app.use(
    express.static(webDir, {
      index: false,
      redirect: false,
      // File names carry no hash: a short cache, revalidated after.
      setHeaders: (res) => {
        res.setHeader('Cache-Control', 'public, max-age=300');
        res.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }),
  );
}
