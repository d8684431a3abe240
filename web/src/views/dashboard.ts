import { gql } from '../api';
import { h, fill } from '../dom';
import { t, type MessageKey } from '../i18n';
import { fmtInt, fmtScore, fmtShare } from '../format';
import { chartCard } from '../chart-card';
import { escapeHtml, hbarOption, treemapOption, vbarOption } from '../charts';
import { METRIC_COLOURS, PALETTE } from '../palette';
import { state, windowRange } from '../state';
import { COUNTRY_FIELDS, DASHBOARD_QUERY, type CountryUsage, type Dashboard, type ScoreEntry, type TopEntry } from '../queries';
import { showLoading } from '../status';
import { capabilities } from '../capabilities';
import { cachedTraffic, sharesOf, type Shares } from '../traffic';
import { countriesCard } from '../map-card';
import { defaultGranularity, loadSeries, seriesCard, usageRange, type Granularity } from '../series';
import { fitFigures } from '../fit';

let granularity: Granularity | null = null;

export async function renderDashboard(root: HTMLElement): Promise<void> {
  const f = state.filters;
  // Nothing private is visible without a key: say what is needed instead of empty cards.
  if (f.visibility === 'PRIVATE' && !state.viewer) {
    fill(root, needKeyNotice());
    return;
  }
  showLoading(root, 'dashboard');
  const { from, to } = windowRange(f);
  const caps = await capabilities();
  let query = caps.dashboardShares ? DASHBOARD_QUERY.replace('totals {', 'totals { robotShare machineShare') : DASHBOARD_QUERY;
  if (caps.countries) query = query.replace('themes {', `${COUNTRY_FIELDS} themes {`);
  const g: Granularity = granularity ?? defaultGranularity(usageRange().days);
  const seriesLevel = f.portalId ? (caps.portalUsage ? 'portal' : null) : caps.networkUsage ? 'network' : null;
  const [data, traffic, series] = await Promise.all([
    gql<{ dataDashboard: Dashboard & { totals: Partial<Shares>; countries?: CountryUsage[] } }>(query, { v: f.visibility, p: f.portalId, from, to }).then((r) => r.dataDashboard),
    caps.dashboardShares ? Promise.resolve(null) : cachedTraffic(),
    seriesLevel ? loadSeries(seriesLevel, f.portalId, g) : Promise.resolve(null),
  ]);
  const shares: Shares = traffic ? sharesOf(traffic) : { robotShare: data.totals.robotShare ?? 0, machineShare: data.totals.machineShare ?? 0, fromApi: true };
  const windowNote = data.firstDay || data.lastDay ? t('windowShown', { from: data.firstDay ?? '…', to: data.lastDay ?? '…' }) : t('windowAll');
  const portalName = state.portals.find((p) => p.id === f.portalId)?.name ?? f.portalId ?? '';
  fill(
    root,
    h('p', { class: 'note', 'data-window': `${data.firstDay ?? ''}..${data.lastDay ?? ''}` }, windowNote, ' ', t(`scope${data.scope}` as MessageKey)),
    totalsSection(data, shares),
    series
      ? seriesCard(f.portalId ? 'portal-usage' : 'network-usage', f.portalId ? t('portalUsage', { name: portalName }) : t('networkUsage'), series, g, (v) => { granularity = v; void renderDashboard(root); })
      : null,
    countriesCard('countries', caps.countries ? data.countries ?? [] : null),
    popularitySection(data),
    top5Section(data),
    themesSection(data),
    h('section', { class: 'formula', 'aria-labelledby': 'h-formula' },
      h('h2', { id: 'h-formula' }, t('formula')),
      h('p', {}, t('formulaText', { d: fmtScore(data.weights.downloads), a: fmtScore(data.weights.apiCalls), r: fmtScore(data.weights.reuses), v: data.formulaVersion }))),
  );
  fitFigures(root);
}

function needKeyNotice(): HTMLElement {
  return h('section', { class: 'card notice', 'data-need-key': '', 'aria-labelledby': 'h-need-key' },
    h('h2', { id: 'h-need-key' }, t('needKeyTitle')),
    h('p', {}, t('needKey')),
    h('button', { type: 'button', 'data-action': 'focus-key', onclick: () => document.getElementById('api-key')?.focus() }, t('needKeyAction')));
}

function figure(key: string, label: string, value: number, text: string): HTMLElement {
  return h('div', { class: 'figure', 'data-figure': key, 'data-value': String(value) }, h('dt', {}, label), h('dd', {}, text));
}

function totalsSection(d: Dashboard, sh: Shares): HTMLElement {
  const x = d.totals;
  const { robotShare, machineShare } = sh;
  return h(
    'section',
    { 'aria-labelledby': 'h-totals', 'data-section': 'totals' },
    h('h2', { id: 'h-totals' }, t('totals')),
    h('dl', { class: 'figures' },
      figure('datasets', t('datasets'), x.datasets, fmtInt(x.datasets)),
      figure('records', t('records'), x.records, fmtInt(x.records)),
      figure('views', t('views'), x.views, fmtInt(x.views)),
      figure('downloads', t('downloads'), x.downloads, fmtInt(x.downloads)),
      figure('apiCalls', t('apiCalls'), x.apiCalls, fmtInt(x.apiCalls)),
      figure('reuses', t('reuses'), x.reuses, fmtInt(x.reuses)),
      figure('reuseShare', t('reuseShare'), x.reuseShare, fmtShare(x.reuseShare)),
    ),
    h('div', { class: 'two-col' },
      h('div', {},
        h('h3', {}, t('traffic')),
        h('dl', { class: 'figures small' },
          figure('robotShare', t('robotShare'), robotShare, fmtShare(robotShare)),
          figure('machineShare', t('machineShare'), machineShare, fmtShare(machineShare))),
        h('p', { class: 'note' }, t(sh.fromApi ? 'trafficNoteApi' : 'trafficNote'))),
      h('div', {},
        h('h3', {}, t('gaps')),
        h('dl', { class: 'figures small' },
          figure('datasetsMissingTheme', t('missingTheme'), x.datasetsMissingTheme, fmtInt(x.datasetsMissingTheme)),
          figure('datasetsMissingLicence', t('missingLicence'), x.datasetsMissingLicence, fmtInt(x.datasetsMissingLicence)),
          figure('datasetsMissingPublisher', t('missingPublisher'), x.datasetsMissingPublisher, fmtInt(x.datasetsMissingPublisher))))),
  );
}

const datasetHref = (id: string): string => `#/datasets/${encodeURIComponent(id)}`;

function popularitySection(d: Dashboard): HTMLElement {
  const details = h('div', { class: 'details card', id: 'details', 'aria-live': 'polite', 'data-details': '' },
    h('h3', {}, t('details')), h('p', { class: 'note' }, t('detailsHint')));
  const select = (e: ScoreEntry): void => {
    const row = (key: string, label: string, v: string | number, text: string) => h('div', { 'data-detail': key, 'data-value': String(v) }, h('dt', {}, label), h('dd', {}, text));
    fill(details,
      h('h3', {}, t('details')),
      h('dl', { class: 'detail-list' },
        row('label', t('label'), e.title, e.title),
        row('id', t('id'), e.datasetId, e.datasetId),
        row('downloads', t('downloads'), e.downloads, fmtInt(e.downloads)),
        row('apiCalls', t('apiCalls'), e.apiCalls, fmtInt(e.apiCalls)),
        row('reuses', t('reuses'), e.reuses, fmtInt(e.reuses)),
        row('score', t('score'), e.score, fmtScore(e.score))),
      h('a', { href: datasetHref(e.datasetId) }, t('openDataset')));
  };
  const scoreCard = (id: string, title: string, rows: ScoreEntry[]) =>
    chartCard({
      id,
      title,
      rows,
      option: hbarOption(rows.map((r) => r.title), rows.map((r) => r.score), METRIC_COLOURS.score, fmtScore),
      height: 220,
      onSelect: select,
      emptyText: rows.length > 0 && rows.every((r) => r.score === 0) ? t('emptyScores') : null,
      columns: [
        { label: t('label'), value: (r) => r.title },
        { label: t('id'), value: (r) => r.datasetId },
        { label: t('downloads'), value: (r) => r.downloads, format: (r) => fmtInt(r.downloads), numeric: true },
        { label: t('apiCalls'), value: (r) => r.apiCalls, format: (r) => fmtInt(r.apiCalls), numeric: true },
        { label: t('reuses'), value: (r) => r.reuses, format: (r) => fmtInt(r.reuses), numeric: true },
        { label: t('score'), value: (r) => r.score, format: (r) => fmtScore(r.score), numeric: true },
      ],
    });
  const hist = d.popularity.histogram;
  const histHolder = h('div', { id: 'histogram', hidden: true });
  const more = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'histogram', 'data-action': 'see-more' }, t('seeMore'));
  more.addEventListener('click', () => {
    const open = histHolder.hidden;
    histHolder.hidden = !open;
    more.setAttribute('aria-expanded', String(open));
    more.textContent = open ? t('seeLess') : t('seeMore');
    // Built on first open: a hidden chart has no size to draw in.
    if (open && !histHolder.firstChild) {
      const label = (b: { from: number; to: number }) => `${fmtScore(b.from)}–${fmtScore(b.to)}`;
      histHolder.append(chartCard({
        id: 'score-histogram',
        title: t('histogram'),
        rows: hist,
        option: vbarOption(hist.map(label), [{ name: t('count'), values: hist.map((b) => b.count), colour: METRIC_COLOURS.score }], fmtInt),
        columns: [
          { label: t('scoreRange'), value: label },
          { label: 'from', value: (b) => b.from, numeric: true },
          { label: 'to', value: (b) => b.to, numeric: true },
          { label: t('count'), value: (b) => b.count, format: (b) => fmtInt(b.count), numeric: true },
        ],
      }));
    }
  });
  return h(
    'section',
    { 'aria-labelledby': 'h-popularity', 'data-section': 'popularity' },
    h('h2', { id: 'h-popularity' }, t('popularity')),
    h('div', { class: 'grid-3' },
      scoreCard('most-popular', t('mostPopular'), d.popularity.mostPopular),
      scoreCard('least-popular', t('leastPopular'), d.popularity.leastPopular),
      details),
    more,
    histHolder,
  );
}

function top5Section(d: Dashboard): HTMLElement {
  const card = (id: string, title: string, rows: TopEntry[], colour: string, metric: MessageKey) =>
    chartCard({
      id,
      title,
      rows,
      option: hbarOption(rows.map((r) => r.title), rows.map((r) => r.count), colour, fmtInt, true),
      height: 220,
      emptyText: rows.length === 0 ? t('emptyCounts', { metric: t(metric).toLowerCase() }) : null,
      onSelect: (r) => { location.hash = datasetHref(r.datasetId); },
      columns: [
        { label: t('label'), value: (r) => r.title },
        { label: t('id'), value: (r) => r.datasetId },
        { label: t(metric), value: (r) => r.count, format: (r) => fmtInt(r.count), numeric: true },
      ],
    });
  return h(
    'section',
    { 'aria-labelledby': 'h-top5', 'data-section': 'top5' },
    h('h2', { id: 'h-top5' }, t('top5')),
    h('div', { class: 'grid-3' },
      card('top5-downloads', t('top5Downloads'), d.top5.downloads, METRIC_COLOURS.downloads, 'downloads'),
      card('top5-apiCalls', t('top5ApiCalls'), d.top5.apiCalls, METRIC_COLOURS.apiCalls, 'apiCalls'),
      card('top5-reuses', t('top5Reuses'), d.top5.reuses, METRIC_COLOURS.reuses, 'reuses')),
  );
}

function themesSection(d: Dashboard): HTMLElement {
  const items = d.themes.map((th) => ({
    name: th.name,
    value: th.datasetCount,
    sub: t('avgScoreShort', { s: fmtScore(th.averageScore) }),
    tooltip: `<strong>${escapeHtml(th.name)}</strong><br>${[['datasets', fmtInt(th.datasetCount)], ['averageScore', fmtScore(th.averageScore)], ['downloads', fmtInt(th.downloads)], ['apiCalls', fmtInt(th.apiCalls)]].map(([k, v]) => escapeHtml(t('kv', { k: t(k as MessageKey), v }))).join('<br>')}`,
  }));
  return h(
    'section',
    { 'aria-labelledby': 'h-themes', 'data-section': 'themes' },
    h('h2', { id: 'h-themes' }, t('themes')),
    chartCard({
      id: 'themes',
      title: t('themes'),
      rows: d.themes,
      option: treemapOption(items),
      height: 320,
      emptyText: d.themes.length === 0 ? t('emptyThemes') : null,
      // Every theme with its figures, readable without hover (touch screens) and whatever a cell's size.
      extra: d.themes.length
        ? h('ul', { class: 'chips', 'aria-label': t('themeList'), 'data-theme-list': '' }, d.themes.map((th, i) =>
            h('li', { 'data-theme': th.themeId },
              h('span', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}`, 'aria-hidden': 'true' }),
              h('strong', {}, th.name), ` · ${fmtInt(th.datasetCount)} · ${t('avgScoreShort', { s: fmtScore(th.averageScore) })}`)))
        : null,
      columns: [
        { label: t('theme'), value: (r) => r.name },
        { label: t('datasets'), value: (r) => r.datasetCount, format: (r) => fmtInt(r.datasetCount), numeric: true },
        { label: t('averageScore'), value: (r) => r.averageScore, format: (r) => fmtScore(r.averageScore), numeric: true },
        { label: t('downloads'), value: (r) => r.downloads, format: (r) => fmtInt(r.downloads), numeric: true },
        { label: t('apiCalls'), value: (r) => r.apiCalls, format: (r) => fmtInt(r.apiCalls), numeric: true },
        { label: t('reuses'), value: (r) => r.reuses, format: (r) => fmtInt(r.reuses), numeric: true },
      ],
    }),
  );
}
