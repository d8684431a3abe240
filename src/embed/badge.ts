/**
 * The usage badge's SVG and its validator (pure: no I/O, no clock).
 *
 * Why badge-maker (the renderer of shields.io): it measures each string's
 * width from built-in Verdana metrics, so the SVG sizes itself without a
 * font file and names only a local font stack (Verdana, DejaVu Sans,
 * sans-serif): nothing is fetched from any host when a page shows it.
 */
import { createHash } from 'node:crypto';
import { makeBadge } from 'badge-maker';
import { WIDGET_TEXTS, badgeLabel, compactNumber, unavailableBadge, type BadgeMetric, type BadgePeriod, type EmbedLang, type WidgetRange } from './embed-format';

/** Colour of a figure: shields.io's blue. */
const FIGURE_COLOR = '#007ec6';
/** Colour of the "n/a" badge: shields.io's light grey. */
const UNAVAILABLE_COLOR = '#9f9f9f';

export interface BadgeRequest {
  metric: BadgeMetric;
  period: BadgePeriod;
  lang: EmbedLang;
}

/** The label, message and colour of a badge; `figure` null = not a public published dataset. */
export function badgeContent(figure: number | null, req: BadgeRequest): { label: string; message: string; color: string } {
  if (figure === null) return { ...unavailableBadge(req.lang), color: UNAVAILABLE_COLOR };
  return { label: badgeLabel(req.metric, req.period, req.lang), message: compactNumber(figure, req.lang), color: FIGURE_COLOR };
}

/** The flat, shields.io-style SVG of a badge (with a `<title>` and `aria-label` naming both halves). */
export function badgeSvg(figure: number | null, req: BadgeRequest): string {
  const c = badgeContent(figure, req);
  return makeBadge({ label: c.label, message: c.message, color: c.color, style: 'flat' });
}

/**
 * A strong validator of a response body: the same bytes give the same tag
 * on every instance and restart (unlike Express's weak default, which is
 * also a hash, but a weak one that CDNs may not use for byte ranges).
 */
export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * Whether an `If-None-Match` header names `etag` (RFC 9110 §13.1.2: a list,
 * or `*`, compared weakly, so `W/"x"` matches `"x"`). Why not Express's
 * `req.fresh`: it ignores validators whenever the request says
 * `Cache-Control: no-cache`, which fetch() adds to every conditional
 * request; an origin server may still answer those with 304.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page of `/embed/dataset/<id>` (for an iframe): the widget's
 * placeholder and script (`widgetUrl`, relative: works behind a path prefix), in
 * `lang`, transparent, no margin.
 */
export function framePage(datasetId: string, lang: EmbedLang, range: WidgetRange, widgetUrl: string): string {
  const t = WIDGET_TEXTS[lang];
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${t.heading} · ${t.range[range]}`)}</title>
<style>html, body { margin: 0; background: transparent; font-family: system-ui, sans-serif; } body { padding: 1px; }</style></head>
<body><div data-usage-gateway-dataset="${escapeHtml(datasetId)}" data-range="${range}"></div>
<script src="${escapeHtml(widgetUrl)}"></script></body></html>
`;
}
