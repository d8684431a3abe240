import { gql } from '../api';
import { h, fill } from '../dom';
import { t, type MessageKey } from '../i18n';
import { fmtInt, fmtScore, fmtShare } from '../format';
import { chartCard } from '../chart-card';
import { escapeHtml, hbarOption, treemapOption, vbarOption } from '../charts';
import { METRIC_COLOURS } from '../palette';
import { state, windowRange } from '../state';
import { DASHBOARD_QUERY, TRAFFIC_QUERY, type Dashboard, type ScoreEntry, type TopEntry, type TrafficPage } from '../queries';
import { showLoading } from '../status';
import { getKey } from '../key-store';

interface Traffic {
  regular: number;
  machine: number;
  robots: number;
}

/** All-time figures do not move with the window: kept per key and filter for this page's life. */
const trafficCache = new Map<string, Promise<Traffic>>();

function cachedTraffic(): Promise<Traffic> {
  const f = state.filters;
  const id = `${getKey() ?? ''}|${f.visibility}|${f.portalId ?? ''}`;
  let p = trafficCache.get(id);
  if (!p) {
    p = loadTraffic();
    trafficCache.set(id, p);
    p.catch(() => trafficCache.delete(id));
  }
  return p;
}

/** Sums the all-time traffic classes of the datasets the dashboard counts (same filters). */
async function loadTraffic(): Promise<Traffic> {
  const f = state.filters;
  const filter: Record<string, unknown> = { published: true };
  if (f.portalId) filter.portalId = f.portalId;
  if (f.visibility !== 'ALL') filter.visibility = f.visibility;
  const sum = { regular: 0, machine: 0, robots: 0 };
  let after: string | null = null;
  do {
    const page: TrafficPage = await gql<TrafficPage>(TRAFFIC_QUERY, { filter, after });
    for (const { stats: s } of page.datasets.nodes) {
      sum.regular += s.views + s.downloads + s.apiCalls;
      sum.machine += s.machine.views + s.machine.downloads + s.machine.apiCalls;
      sum.robots += s.robotEvents;
    }
    after = page.datasets.pageInfo.hasNextPage ? page.datasets.pageInfo.endCursor : null;
  } while (after);
  return sum;
}

/*
 * The dashboard type has no robot/machine shares yet. If the API gains
 * `DashboardTotals.robotShare`/`machineShare`, the page uses them (they can
 * follow the window); until then it sums the datasets' all-time stats.
 */
let apiShares: Promise<boolean> | null = null;
function dashboardHasShares(): Promise<boolean> {
  apiShares ??= gql<{ __type: { fields: { name: string }[] } | null }>(`query Shares { __type(name: "DashboardTotals") { fields { name } } }`)
    .then((r) => {
      const names = new Set((r.__type?.fields ?? []).map((x) => x.name));
      return names.has('robotShare') && names.has('machineShare');
    })
    .catch(() => false);
  return apiShares;
}

interface Shares {
  robotShare: number;
  machineShare: number;
  fromApi: boolean;
}

/** The API's definitions: robots among all events; machine use among (regular + machine) use. */
function sharesOf(tr: Traffic): Shares {
  const all = tr.regular + tr.machine + tr.robots;
  const use = tr.regular + tr.machine;
  return { robotShare: all === 0 ? 0 : tr.robots / all, machineShare: use === 0 ? 0 : tr.machine / use, fromApi: false };
}

export async function renderDashboard(root: HTMLElement): Promise<void> {
  showLoading(root);
  const f = state.filters;
  const { from, to } = windowRange(f);
  const withShares = await dashboardHasShares();
  const query = withShares ? DASHBOARD_QUERY.replace('totals {', 'totals { robotShare machineShare') : DASHBOARD_QUERY;
  const [data, traffic] = await Promise.all([
    gql<{ dataDashboard: Dashboard & { totals: Partial<Shares> } }>(query, { v: f.visibility, p: f.portalId, from, to }).then((r) => r.dataDashboard),
    withShares ? Promise.resolve(null) : cachedTraffic(),
  ]);
  const shares: Shares = traffic ? sharesOf(traffic) : { robotShare: data.totals.robotShare ?? 0, machineShare: data.totals.machineShare ?? 0, fromApi: true };
  const windowNote = data.firstDay || data.lastDay ? t('windowShown', { from: data.firstDay ?? '…', to: data.lastDay ?? '…' }) : t('windowAll');
  fill(
    root,
    h('p', { class: 'note', 'data-window': `${data.firstDay ?? ''}..${data.lastDay ?? ''}` }, windowNote, ' ', t(`scope${data.scope}` as MessageKey)),
    totalsSection(data, shares),
    popularitySection(data),
    top5Section(data),
    themesSection(data),
    h('section', { class: 'formula', 'aria-labelledby': 'h-formula' },
      h('h2', { id: 'h-formula' }, t('formula')),
      h('p', {}, t('formulaText', { d: fmtScore(data.weights.downloads), a: fmtScore(data.weights.apiCalls), r: fmtScore(data.weights.reuses), v: data.formulaVersion }))),
  );
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
    tooltip: `<strong>${escapeHtml(th.name)}</strong><br>${t('datasets')}: ${fmtInt(th.datasetCount)}<br>${t('averageScore')}: ${fmtScore(th.averageScore)}<br>${t('downloads')}: ${fmtInt(th.downloads)}<br>${t('apiCalls')}: ${fmtInt(th.apiCalls)}`,
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
