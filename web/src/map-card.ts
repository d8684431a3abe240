import { h } from './dom';
import { lang, t } from './i18n';
import { fmtInt } from './format';
import { chartCard } from './chart-card';
import { mapOption } from './charts';
import { METRIC_COLOURS } from './palette';
import type { CountryUsage } from './queries';

const names = new Map<string, Intl.DisplayNames | null>();

/** A country's name in the page's language ("DE" → "Germany" / "Allemagne"); the code when the browser has no name. */
export function countryName(code: string | null): string {
  if (!code) return t('unknownCountry');
  const l = lang();
  if (!names.has(l)) {
    try {
      names.set(l, new Intl.DisplayNames([l], { type: 'region' }));
    } catch {
      names.set(l, null);
    }
  }
  try {
    return names.get(l)?.of(code) ?? code;
  } catch {
    return code;
  }
}

const use = (c: CountryUsage): number => c.views + c.downloads + c.apiCalls;
const machineUse = (c: CountryUsage): number => c.machine.views + c.machine.downloads + c.machine.apiCalls;

/**
 * The world map with its table beside it: countries by regular use, the most
 * used first; visitors without a country are the "unknown" row (in the
 * table, not on the map). Null countries: this gateway has no country stats.
 */
export function countriesCard(id: string, countries: CountryUsage[] | null): HTMLElement {
  if (!countries) {
    return h('section', { class: 'card', 'data-card': id, 'aria-labelledby': `h-${id}` },
      h('h3', { id: `h-${id}` }, t('countries')), h('p', { class: 'empty', 'data-empty': '' }, t('countriesUnavailable')));
  }
  const rows = countries.filter((c) => use(c) + machineUse(c) > 0).sort((a, b) => use(b) - use(a) || (a.country ?? '~').localeCompare(b.country ?? '~'));
  const known = rows.filter((c) => c.country && use(c) > 0);
  return chartCard({
    id,
    title: t('countries'),
    note: t('countriesNote'),
    rows,
    side: true,
    height: 300,
    tableMaxHeight: 300,
    spokenRows: 10,
    emptyText: known.length === 0 ? t('noCountries') : null,
    option: mapOption(known.map((c) => ({ code: c.country!, value: use(c) })), (code) => countryName(code), fmtInt, METRIC_COLOURS.downloads),
    columns: [
      { label: t('country'), value: (c) => c.country ?? 'unknown', format: (c) => countryName(c.country) },
      { label: t('useShort'), value: (c) => use(c), format: (c) => fmtInt(use(c)), numeric: true },
      { label: t('views'), value: (c) => c.views, format: (c) => fmtInt(c.views), numeric: true },
      { label: t('downloads'), value: (c) => c.downloads, format: (c) => fmtInt(c.downloads), numeric: true },
      { label: t('apiCalls'), value: (c) => c.apiCalls, format: (c) => fmtInt(c.apiCalls), numeric: true },
      { label: t('machine'), value: (c) => machineUse(c), format: (c) => fmtInt(machineUse(c)), numeric: true },
    ],
  });
}
