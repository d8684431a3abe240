/**
 * The public usage badge and widget for portals' dataset pages
 * (docs/embed.md):
 *
 *   GET /badge/dataset/<id>.svg?metric=&period=&lang=   SVG badge
 *   GET /embed/dataset/<id>.json?range=                  the widget's figures
 *   GET /embed/dataset/<id>?lang=&range=                 the widget alone, for an <iframe>
 *   GET /embed/widget.js                                 the widget (dist/web/embed/widget.js)
 *
 * No key is read: these answer every caller as the anonymous public, and
 * only about public, published datasets. Any other id (private,
 * unpublished, unknown) gets one and the same answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import type { RequestHandler } from 'express';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { isValidId, ID_RULE } from '../domain/ids';
import { queryParam, sendKnownError } from '../http/route-helpers';
import { defaultWebDir } from '../http/web.routes';
import { badgeSvg, framePage, ifNoneMatchHits, strongEtag } from './badge';
import { BADGE_METRICS, BADGE_PERIODS, WIDGET_RANGES, embedLang, type BadgeMetric, type BadgePeriod, type WidgetRange } from './embed-format';
import type { EmbedService } from './embed.service';

/**
 * How long browsers and shared caches may reuse a badge or the widget's
 * figures, seconds: 300. Why five minutes: a portal's dataset page loads
 * the badge on every visit, so this bounds the gateway's work to one
 * request per visitor (or CDN) per badge every five minutes, while a new
 * figure shows within minutes, which is as fresh as the figures'
 * aggregation needs for a page display. After that, a revalidation with
 * If-None-Match costs a 304 without a body.
 */
export const EMBED_MAX_AGE_S = 300;

export interface EmbedRouteDeps {
  embed: EmbedService;
  /** Run before the routes (the anonymous request rate limit). */
  before?: RequestHandler[];
  /** Directory of the built widget (default dist/web). */
  webDir?: string;
}

/** Sends `body` with its strong ETag, or 304 without a body when the client holds it. */
function sendValidated(req: express.Request, res: express.Response, body: string, type: string): void {
  const etag = strongEtag(body);
  res.set({ 'Content-Type': type, ETag: etag });
  if (ifNoneMatchHits(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return;
  }
  res.send(body);
}

/** Headers that let any origin embed, fetch and cache a public answer. */
function publicHeaders(res: express.Response): void {
  res.set({
    'Cache-Control': `public, max-age=${EMBED_MAX_AGE_S}`,
    // helmet answers same-site for the API; these are made to be shown on other sites.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Access-Control-Allow-Origin': '*',
  });
}

function oneOf<T extends string>(req: express.Request, name: string, allowed: readonly T[], fallback: T): T {
  const v = queryParam(req, name);
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(v.slice(0, 40))})`);
  }
  return v as T;
}

/** The dataset id of `<id><suffix>` (ids may hold `/`: the wildcard's segments). */
function datasetId(req: express.Request, suffix: string): string {
  const raw = (req.params as { id?: string | string[] }).id;
  const joined = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
  if (!joined.endsWith(suffix)) throw new GatewayError(ErrorCode.NOT_FOUND, `no route: the dataset id must end with ${suffix}`);
  const id = joined.slice(0, -suffix.length);
  if (!isValidId(id)) throw new GatewayError(ErrorCode.INVALID_ID, `invalid dataset id: ${ID_RULE}`);
  return id;
}

/**
 * `/embed/dataset/<id>?lang=&range=`: the widget alone in a page, for an
 * `<iframe>` where a portal may not run scripts (Opendatasoft custom
 * pages). The page is the same shell for every id; what it shows comes from
 * the JSON route, so a private dataset's frame says "not available" like an
 * unknown one.
 */
function sendFramePage(req: express.Request, res: express.Response): void {
  const raw = (req.params as { id?: string[] }).id ?? [];
  const id = raw.join('/');
  if (!isValidId(id)) throw new GatewayError(ErrorCode.INVALID_ID, `invalid dataset id: ${ID_RULE}`);
  const range = oneOf<WidgetRange>(req, 'range', WIDGET_RANGES, '30d');
  const lang = embedLang(queryParam(req, 'lang'));
  // From /embed/dataset/<id> to /embed/widget.js: one `..` per path segment of the id as sent.
  const depth = req.path.slice('/embed/dataset/'.length).split('/').length;
  const html = framePage(id, lang, range, `${'../'.repeat(depth)}widget.js`);
  publicHeaders(res);
  // Framed by portals on any origin: helmet's SAMEORIGIN and frame-ancestors 'self' would forbid it.
  res.removeHeader('X-Frame-Options');
  res.set(
    'Content-Security-Policy',
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors *",
  );
  sendValidated(req, res, html, 'text/html; charset=utf-8');
}

function fail(res: express.Response, next: express.NextFunction, err: unknown): void {
  if (err instanceof GatewayError && err.extensions.code === ErrorCode.INVALID_ID) {
    res.status(400).json({ error: { code: ErrorCode.INVALID_ID, message: err.message } });
    return;
  }
  if (!sendKnownError(res, err)) next(err);
}

export function mountEmbed(app: express.Express, deps: EmbedRouteDeps): void {
  const before = deps.before ?? [];
  const webDir = deps.webDir ?? defaultWebDir();

  app.get('/badge/dataset/*id', ...before, async (req, res, next) => {
    try {
      const id = datasetId(req, '.svg');
      const metric = oneOf<BadgeMetric>(req, 'metric', BADGE_METRICS, 'downloads');
      const period = oneOf<BadgePeriod>(req, 'period', BADGE_PERIODS, 'all');
      const lang = embedLang(queryParam(req, 'lang'));
      const figure = await deps.embed.badgeFigure(id, metric, period);
      const svg = badgeSvg(figure, { metric, period, lang });
      publicHeaders(res);
      // The badge is an image: no script, style or fetch when opened alone.
      res.set('Content-Security-Policy', "default-src 'none'");
      sendValidated(req, res, svg, 'image/svg+xml; charset=utf-8');
    } catch (err) {
      fail(res, next, err);
    }
  });

  app.get('/embed/dataset/*id', ...before, async (req, res, next) => {
    try {
      const raw = (req.params as { id?: string[] }).id ?? [];
      if (!raw.join('/').endsWith('.json')) {
        sendFramePage(req, res);
        return;
      }
      const id = datasetId(req, '.json');
      const range = oneOf<WidgetRange>(req, 'range', WIDGET_RANGES, '30d');
      const data = await deps.embed.widgetData(id, range);
      publicHeaders(res);
      if (!data) {
        res.status(404).json({ error: { code: ErrorCode.NOT_FOUND, message: 'no public, published dataset with this id' } });
        return;
      }
      sendValidated(req, res, JSON.stringify(data), 'application/json; charset=utf-8');
    } catch (err) {
      fail(res, next, err);
    }
  });

  app.get('/embed/widget.js', ...before, (_req, res) => {
    const file = path.join(webDir, 'embed', 'widget.js');
    if (!fs.existsSync(file)) {
      res.status(503).type('text/plain').send('The widget is not built: run `npm run build:web` (scripts/build-web.js).\n');
      return;
    }
    res.sendFile(file, {
      maxAge: EMBED_MAX_AGE_S * 1000,
      headers: { 'Cross-Origin-Resource-Policy': 'cross-origin', 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript; charset=utf-8' },
    });
  });
}
