import { locale } from './i18n';

const cache = new Map<string, Intl.NumberFormat>();

function formatter(kind: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale()}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(), opts);
    cache.set(key, f);
  }
  return f;
}

export const fmtInt = (n: number): string => formatter('int', { maximumFractionDigits: 0 }).format(n);
/** Scores and averages: up to 2 decimals, as the API gives them. */
export const fmtScore = (n: number): string => formatter('score', { maximumFractionDigits: 2 }).format(n);
/** A fraction 0..1 as a percentage. */
export const fmtShare = (n: number): string => formatter('share', { style: 'percent', maximumFractionDigits: 1 }).format(n);
/** "14.7M" / "14,7 M": for a figure too wide for its card (the exact number stays in its title). */
export const fmtCompact = (n: number): string => formatter('compact', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
/** Sizes in the locale's units ("1.5 MB", "1,5 Mo"): binary multiples, as file managers show them. */
export const fmtBytes = (n: number): string =>
  n >= 1048576
    ? formatter('mb', { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(n / 1048576)
    : formatter('kb', { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(n / 1024);
