/**
 * The embeddable usage widget (docs/embed.md), built by
 * scripts/build-web.js into dist/web/embed/widget.js and served by the
 * gateway at /embed/widget.js. A portal's dataset page includes it as
 *
 *   <script src="https://gateway/embed/widget.js" data-dataset="ID" async></script>
 *
 * (the widget appears where the script is) or places
 * `<div data-usage-gateway-dataset="ID"></div>` elements anywhere and the
 * script once. Options: `data-lang` (else the nearest `lang` attribute,
 * i.e. the page's `<html lang>`), `data-range` (`30d` or `12m`).
 *
 * Why a script and not an iframe: it takes the page's language, font,
 * colour and width, needs no height guess, and screen readers read it in the
 * page's flow. A shadow root keeps the page's CSS and ours apart. Why no
 * chart library: a sparkline is one polyline per metric; ECharts, which the
 * dashboard uses, is ~1 MB for what is here ~40 lines.
 */
import {
  WIDGET_RANGES,
  WIDGET_TEXTS,
  compactNumber,
  embedLang,
  fullNumber,
  partialNote,
  sparklinePoints,
  widgetSummary,
  type EmbedLang,
  type WidgetData,
  type WidgetRange,
} from '../../../src/embed/embed-format';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Sparkline box, in CSS px too (8rem × 1.5rem at 16 px): no stretching, so the end dot stays round. */
const W = 128;
const H = 24;
const COLORS = { views: '#1f6fb2', downloads: '#c0501a' } as const;

const STYLE = `
:host { display: block; max-width: 22rem; font: inherit; color: inherit; }
.w { border: 1px solid rgba(128,128,128,.45); border-radius: 6px; padding: .6rem .75rem; line-height: 1.35; }
.head { margin: 0 0 .35rem; font-size: .85em; opacity: .85; }
.head strong { font-weight: 600; }
.figs { margin: 0; padding: 0; list-style: none; }
.figs li { display: flex; align-items: center; justify-content: space-between; gap: .75rem; padding: .15rem 0; }
.figs li > span { white-space: nowrap; }
.figs b { font-size: 1.25em; }
.sw { display: inline-block; width: .7em; height: .2em; vertical-align: middle; margin-right: .3em; border-radius: 1px; }
svg { flex: 0 1 8rem; min-width: 3rem; width: 8rem; height: 1.5rem; overflow: visible; }
polyline { fill: none; stroke-width: 1.75; stroke-linejoin: round; stroke-linecap: round; }
circle { stroke-width: 1.5; fill: #fff; }
.foot { margin: .35rem 0 0; font-size: .75em; opacity: .8; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
`;

interface Options {
  dataset: string;
  lang: EmbedLang;
  range: WidgetRange;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svgEl(tag: string, attrs: Record<string, string>): SVGElement {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** One metric's sparkline; the hollow dot marks the last point, whose day or month is still running. */
function sparkline(values: number[], metric: 'views' | 'downloads'): SVGElement {
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, 'aria-hidden': 'true', focusable: 'false', 'data-sparkline': metric });
  const points = sparklinePoints(values, W, H, 3);
  svg.appendChild(svgEl('polyline', { points, stroke: COLORS[metric], 'data-metric': metric }));
  const last = points.split(' ').pop()?.split(',');
  if (last?.length === 2) svg.appendChild(svgEl('circle', { cx: last[0]!, cy: last[1]!, r: '2.25', stroke: COLORS[metric] }));
  return svg;
}

function render(root: ShadowRoot, data: WidgetData, o: Options): void {
  const t = WIDGET_TEXTS[o.lang];
  const box = el('div', { class: 'w', role: 'group', 'aria-label': `${t.heading} (${t.range[o.range]})` });
  const head = el('p', { class: 'head' });
  head.append(el('strong', {}, t.heading), ` · ${t.range[o.range]}`);
  const figs = el('ul', { class: 'figs' });
  for (const k of ['views', 'downloads'] as const) {
    const li = el('li', { 'data-metric': k, 'data-value': String(data.total[k]) });
    const sw = el('span', { class: 'sw', 'aria-hidden': 'true' });
    sw.style.background = COLORS[k];
    const figure = el('span', { 'data-figure': '' });
    figure.append(sw, el('b', { title: fullNumber(data.total[k], o.lang) }, compactNumber(data.total[k], o.lang)), ` ${t[k]}`);
    li.append(figure, sparkline(data.points.map((p) => p[k]), k));
    figs.appendChild(li);
  }
  // The curves' text alternative: what a sighted reader takes from them.
  const last = data.points[data.points.length - 1];
  const summary = el('p', { class: 'sr', 'data-summary': '' }, widgetSummary(data.points, o.range, o.lang) + (last ? ` ${partialNote(last.period, o.lang)}` : ''));
  const foot = el('p', { class: 'foot' });
  foot.append(`${t.allTime} ${compactNumber(data.allTime.views, o.lang)} ${t.views}, ${compactNumber(data.allTime.downloads, o.lang)} ${t.downloads} · ${t.source}`);
  box.append(head, figs, summary, foot);
  root.replaceChildren(styleEl(), box);
}

function styleEl(): HTMLStyleElement {
  return el('style', {}, STYLE);
}

function unavailable(root: ShadowRoot, o: Options): void {
  root.replaceChildren(styleEl(), el('p', { class: 'w', 'data-unavailable': '' }, WIDGET_TEXTS[o.lang].unavailable));
}

async function mount(host: HTMLElement, o: Options, base: string): Promise<void> {
  host.setAttribute('data-usage-gateway-mounted', '');
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  root.replaceChildren(styleEl(), el('p', { class: 'w', 'aria-busy': 'true' }, '…'));
  const url = new URL(`dataset/${encodeURIComponent(o.dataset)}.json`, base);
  url.searchParams.set('range', o.range);
  try {
    const res = await fetch(url, { credentials: 'omit' });
    if (!res.ok) return unavailable(root, o);
    render(root, (await res.json()) as WidgetData, o);
    host.setAttribute('data-ready', '');
  } catch {
    unavailable(root, o);
  }
}

function optionsOf(source: HTMLElement, dataset: string, place: Element): Options {
  const range = source.dataset.range as WidgetRange | undefined;
  return {
    dataset,
    lang: embedLang(source.dataset.lang ?? place.closest('[lang]')?.getAttribute('lang')),
    range: range && WIDGET_RANGES.includes(range) ? range : '30d',
  };
}

function start(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  // Data URLs are relative to the script's own URL, so a gateway behind a path prefix works.
  const base = (script ?? document.querySelector<HTMLScriptElement>('script[src*="/embed/widget.js"]'))?.src ?? new URL('/embed/widget.js', location.href).href;
  const id = script?.dataset.dataset;
  if (script && id) {
    const host = el('div', { 'data-usage-gateway-dataset': id });
    script.before(host);
    void mount(host, optionsOf(script, id, script), base);
  }
  const scan = () => {
    for (const host of document.querySelectorAll<HTMLElement>('[data-usage-gateway-dataset]:not([data-usage-gateway-mounted])')) {
      const hid = host.dataset.usageGatewayDataset;
      if (hid) void mount(host, optionsOf(host, hid, host), base);
    }
  };
  scan();
  // An async script may run before the parser reaches the page's placeholders.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan, { once: true });
}

start();
