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
export const fmtBytes = (n: number): string =>
  n >= 1048576
    ? `${formatter('mb', { maximumFractionDigits: 1 }).format(n / 1048576)} MB`
    : `${formatter('kb', { maximumFractionDigits: 1 }).format(n / 1024)} kB`;
