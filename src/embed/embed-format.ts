/**
 * Words, numbers and sparkline geometry of the usage badge and the
 * embeddable widget (docs/embed.md), in English and French.
 *
 * Pure module without Node APIs: the gateway (badge SVG, src/embed/badge.ts)
 * and the widget bundle (web/src/embed/widget.ts) both import it, so a
 * badge and a widget on the same page print the same figure the same way.
 */

export type EmbedLang = 'en' | 'fr';
export type BadgeMetric = 'views' | 'downloads' | 'apiCalls';
export type BadgePeriod = 'all' | 'month';
/** The widget's window: the last 30 UTC days (by day) or the last 12 months (by month, the current one partial). */
export type WidgetRange = '30d' | '12m';

export const BADGE_METRICS: readonly BadgeMetric[] = ['views', 'downloads', 'apiCalls'];
export const BADGE_PERIODS: readonly BadgePeriod[] = ['all', 'month'];
export const WIDGET_RANGES: readonly WidgetRange[] = ['30d', '12m'];

/**
 * The language of a BCP 47 tag (`fr`, `fr-CA`, `fr_FR`, `FR`): French for
 * French, English for anything else, missing or empty. Why not an error: a
 * portal in a third language still gets a readable badge.
 */
export function embedLang(tag: string | null | undefined): EmbedLang {
  return /^fr(?:[-_]|$)/i.test((tag ?? '').trim()) ? 'fr' : 'en';
}

const LOCALE: Record<EmbedLang, string> = { en: 'en-US', fr: 'fr-FR' };

/**
 * A count in a few characters, shields.io-style: `999`, `1.2k`, `12k`,
 * `3.4M` in English; `1,2 k`, `3,4 M`, `1,5 Md` in French (CLDR compact
 * notation, so the French spaces are the narrow no-break spaces of the
 * locale). English `K` is lower-cased as on shields.io badges.
 */
export function compactNumber(n: number, lang: EmbedLang): string {
  const text = new Intl.NumberFormat(LOCALE[lang], { notation: 'compact' }).format(n);
  return lang === 'en' ? text.replace(/K$/, 'k') : text;
}

/** A count in full (`12,345` / `12 345`), for text alternatives. */
export function fullNumber(n: number, lang: EmbedLang): string {
  return new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 0 }).format(n);
}

const METRIC_WORDS: Record<EmbedLang, Record<BadgeMetric, string>> = {
  en: { views: 'views', downloads: 'downloads', apiCalls: 'API calls' },
  fr: { views: 'vues', downloads: 'téléchargements', apiCalls: 'appels API' },
};

const THIS_MONTH: Record<EmbedLang, string> = { en: 'this month', fr: 'ce mois-ci' };

/** The badge's left half: `downloads`, `views this month`, `vues ce mois-ci`. */
export function badgeLabel(metric: BadgeMetric, period: BadgePeriod, lang: EmbedLang): string {
  const word = METRIC_WORDS[lang][metric];
  return period === 'month' ? `${word} ${THIS_MONTH[lang]}` : word;
}

/**
 * The badge of a dataset that is not public and published, or does not
 * exist: the same words whatever was asked, so it tells nothing.
 */
export function unavailableBadge(lang: EmbedLang): { label: string; message: string } {
  return lang === 'fr' ? { label: 'utilisation', message: 'n.d.' } : { label: 'usage', message: 'n/a' };
}

/** What the widget prints, by language. */
export interface WidgetTexts {
  heading: string;
  range: Record<WidgetRange, string>;
  views: string;
  downloads: string;
  /** Shown instead of the figures when the dataset is not available. */
  unavailable: string;
  /** The marker of the last point, whose day or month is still running. */
  partial: string;
  /** Before the all-time figures, colon included. */
  allTime: string;
  /** Where the figures come from. */
  source: string;
}

export const WIDGET_TEXTS: Record<EmbedLang, WidgetTexts> = {
  en: {
    heading: 'Usage',
    range: { '30d': 'last 30 days', '12m': 'last 12 months' },
    views: 'views',
    downloads: 'downloads',
    unavailable: 'Usage figures are not available for this dataset.',
    partial: 'so far',
    allTime: 'All time:',
    source: 'Usage Gateway (COUNTER)',
  },
  fr: {
    heading: 'Utilisation',
    range: { '30d': '30 derniers jours', '12m': '12 derniers mois' },
    views: 'vues',
    downloads: 'téléchargements',
    unavailable: 'Les chiffres d’utilisation de ce jeu de données ne sont pas disponibles.',
    partial: 'en cours',
    allTime: 'Depuis le début\u00a0:',
    source: 'Usage Gateway (COUNTER)',
  },
};

/** One point of the widget's series. */
export interface WidgetPoint {
  /** `YYYY-MM-DD` (30d) or `YYYY-MM` (12m). */
  period: string;
  views: number;
  downloads: number;
}

/** The widget's figures (`GET /embed/dataset/<id>.json`): regular use, as `Dataset.usage` and `Dataset.stats`. */
export interface WidgetData {
  range: WidgetRange;
  /** First and last UTC day of the window; the last point (today, this month) is still running. */
  firstDay: string;
  lastDay: string;
  points: WidgetPoint[];
  /** Sums of `points`. */
  total: { views: number; downloads: number };
  /** All time, as `Dataset.stats`. */
  allTime: { views: number; downloads: number };
}

/** A day or month as words: `12 Mar 2026` / `12 mars 2026`, `Mar 2026` / `mars 2026`. */
export function periodWords(period: string, lang: EmbedLang): string {
  const [y, m, d] = period.split('-').map(Number);
  const date = new Date(Date.UTC(y!, (m ?? 1) - 1, d ?? 1));
  const opts: Intl.DateTimeFormatOptions = d ? { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' } : { month: 'long', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(LOCALE[lang], opts).format(date);
}

/**
 * The text alternative of the sparkline: totals of the window, and the
 * busiest period for each metric (a screen reader gets the figures a
 * sighted reader takes from the curve).
 */
export function widgetSummary(points: readonly WidgetPoint[], range: WidgetRange, lang: EmbedLang): string {
  const t = WIDGET_TEXTS[lang];
  const sum = (k: 'views' | 'downloads') => points.reduce((s, p) => s + p[k], 0);
  const peak = (k: 'views' | 'downloads') => points.reduce<WidgetPoint | null>((best, p) => (p[k] > (best?.[k] ?? 0) ? p : best), null);
  const parts = (['views', 'downloads'] as const).map((k) => {
    const p = peak(k);
    const total = `${fullNumber(sum(k), lang)} ${t[k]}`;
    if (!p) return total;
    const most = lang === 'fr' ? `maximum ${fullNumber(p[k], lang)} le ${periodWords(p.period, lang)}` : `most ${fullNumber(p[k], lang)} on ${periodWords(p.period, lang)}`;
    return `${total} (${most})`;
  });
  // French puts a no-break space before `:` and `;`.
  return lang === 'fr' ? `${t.heading}, ${t.range[range]}\u00a0: ${parts.join('\u00a0; ')}.` : `${t.heading}, ${t.range[range]}: ${parts.join('; ')}.`;
}

/** Says that the last point's day or month is still running: `Mar 31, 2026: so far.` */
export function partialNote(period: string, lang: EmbedLang): string {
  return `${periodWords(period, lang)}${lang === 'fr' ? '\u00a0:' : ':'} ${WIDGET_TEXTS[lang].partial}.`;
}

/**
 * SVG `points` of a sparkline of `values` in a `width` × `height` box with
 * `pad` units inside each edge: x evenly spaced, y from 0 (bottom) to the
 * largest value (top; all zeros lie on the bottom line). Two decimals.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number, pad = 2): string {
  if (values.length === 0) return '';
  const max = Math.max(0, ...values);
  const innerW = width - 2 * pad;
  const innerH = height - 2 * pad;
  const step = values.length > 1 ? innerW / (values.length - 1) : 0;
  const r = (v: number) => Math.round(v * 100) / 100;
  return values
    .map((v, i) => {
      const x = values.length > 1 ? pad + i * step : width / 2;
      const y = height - pad - (max > 0 ? (Math.max(0, v) / max) * innerH : 0);
      return `${r(x)},${r(y)}`;
    })
    .join(' ');
}
