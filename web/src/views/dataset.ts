import { gql } from '../api';
import { h, fill } from '../dom';
import { t, type MessageKey } from '../i18n';
import { fmtBytes, fmtInt, fmtScore } from '../format';
import { chartCard } from '../chart-card';
import { hbarOption, lineOption, vbarOption } from '../charts';
import { METRIC_COLOURS } from '../palette';
import { state, windowRange } from '../state';
import { DATASET_QUERY, USAGE_QUERY, WEIGHTS_QUERY, type DatasetDetail, type Metrics3, type UsageSeries } from '../queries';
import { showLoading } from '../status';

type Scope = 'PORTAL' | 'NETWORK';
type Granularity = 'DAY' | 'MONTH';

const DAY_MS = 86_400_000;
let weights: { formulaVersion: string; weights: Metrics3 } | null = null;
let scope: Scope = 'PORTAL';
let granularity: Granularity | null = null;

/**
 * The usage series range: the window; for "all time", the API's longest
 * (1096 days), trimmed client-side to start at the first activity. Known
 * without the dataset, so both queries leave at once.
 */
function usageRange(): { from: string; to: string; days: number; allTime: boolean } {
  const w = windowRange(state.filters);
  const to = w.to ?? new Date().toISOString();
  const toMs = new Date(to).getTime();
  const fromMs = Math.max(w.from ? new Date(w.from).getTime() : 0, toMs - 1095 * DAY_MS);
  return { from: new Date(fromMs).toISOString(), to, days: Math.round((toMs - fromMs) / DAY_MS) + 1, allTime: !w.from };
}

/** Drops the empty periods before the first activity (all-time series). */
function fromFirstActivity(u: UsageSeries): UsageSeries {
  const first = u.points.findIndex((p) => p.views + p.downloads + p.apiCalls > 0);
  if (first <= 0) return u;
  return { ...u, firstDay: u.points[first].period, points: u.points.slice(first) };
}

export async function renderDataset(root: HTMLElement, id: string): Promise<void> {
  showLoading(root);
  const { from, to } = windowRange(state.filters);
  const range = usageRange();
  const g: Granularity = granularity ?? (range.days <= 92 ? 'DAY' : 'MONTH');
  const [res, w, series] = await Promise.all([
    gql<{ dataset: DatasetDetail | null }>(DATASET_QUERY, { id, scope, from, to }),
    weights ? Promise.resolve(weights) : gql<{ dataDashboard: { formulaVersion: string; weights: Metrics3 } }>(WEIGHTS_QUERY).then((r) => (weights = r.dataDashboard)),
    gql<{ dataset: { usage: UsageSeries } | null }>(USAGE_QUERY, { id, from: range.from, to: range.to, g }),
  ]);
  const d = res.dataset;
  if (!d) {
    fill(root, backLink(), h('p', { class: 'error', role: 'alert', 'data-not-found': '' }, t('notFound')));
    return;
  }
  const raw = series.dataset?.usage ?? null;
  const usage = raw && range.allTime ? fromFirstActivity(raw) : raw;
  const rerender = () => void renderDataset(root, id);
  fill(
    root,
    backLink(),
    h('h2', { 'data-dataset-title': d.id }, d.title),
    d.description ? h('p', {}, d.description) : null,
    metaList(d),
    popularityCard(d, w.weights, rerender),
    usage ? usageCard(usage, g, rerender) : null,
    h('div', { class: 'grid-2' }, uniqueCard(d), machineCard(d)),
    filesCard(d),
    reusesCard(d),
  );
}

const backLink = (): HTMLElement => h('p', {}, h('a', { href: '#/' }, t('back')));

function metaList(d: DatasetDetail): HTMLElement {
  const row = (label: string, value: string) => h('div', {}, h('dt', {}, label), h('dd', {}, value || t('none')));
  return h('dl', { class: 'meta', 'aria-label': t('datasetMeta') },
    row(t('portal'), d.portal?.name ?? ''),
    row(t('visibilityLabel'), t(d.visibility as MessageKey)),
    row(t('themesLabel'), d.themes.map((x) => x.name).join(', ')),
    row(t('collections'), d.collections.map((x) => x.name).join(', ')),
    row(t('publisher'), d.publisher ?? ''),
    row(t('licence'), d.licence ?? ''),
    row(t('records'), fmtInt(d.recordCount)),
    row(t('id'), d.id));
}

function switcher<T extends string>(name: string, label: string, values: T[], current: T, onPick: (v: T) => void): HTMLElement {
  return h('fieldset', { class: 'segmented', 'data-switch': name },
    h('legend', {}, label),
    values.map((v) => h('label', {}, h('input', { type: 'radio', name, value: v, checked: v === current, onchange: () => onPick(v) }), h('span', {}, t(v as MessageKey)))));
}

function popularityCard(d: DatasetDetail, w: Metrics3, rerender: () => void): HTMLElement {
  const scopePick = switcher<Scope>('scope', t('scopeSwitch'), ['PORTAL', 'NETWORK'], scope, (v) => { scope = v; rerender(); });
  const p = d.popularity;
  if (!p) return h('section', { class: 'card' }, h('h3', {}, t('popularityScore')), h('p', {}, t('noScore')));
  const sum = w.downloads + w.apiCalls + w.reuses || 1;
  const rows = (['downloads', 'apiCalls', 'reuses'] as const).map((m) => ({
    metric: m,
    count: p.metrics[m],
    points: p.contributions[m],
    max: Math.round((10000 * w[m]) / sum) / 100,
  }));
  const card = chartCard({
    id: 'score-contributions',
    title: t('popularityScore'),
    rows,
    option: hbarOption(rows.map((r) => t(r.metric)), rows.map((r) => r.points), METRIC_COLOURS.score, fmtScore),
    height: 160,
    tableOpen: true,
    note: t('formulaText', { d: fmtScore(w.downloads), a: fmtScore(w.apiCalls), r: fmtScore(w.reuses), v: p.formulaVersion }),
    columns: [
      { label: t('metric'), value: (r) => t(r.metric) },
      { label: t('value'), value: (r) => r.count, format: (r) => fmtInt(r.count), numeric: true },
      { label: t('contribution'), value: (r) => r.points, format: (r) => fmtScore(r.points), numeric: true },
      { label: t('maxPoints'), value: (r) => r.max, format: (r) => fmtScore(r.max), numeric: true },
    ],
  });
  card.insertBefore(
    h('div', { class: 'score-head' },
      h('p', { class: 'big', 'data-score': String(p.score) }, fmtScore(p.score), h('small', {}, ' / 100')),
      h('p', {}, `${t('rank')}: ${t('rankOf', { rank: fmtInt(p.rank), size: fmtInt(p.scopeSize) })} · ${t('percentile')}: ${fmtScore(p.percentile)}`),
      scopePick),
    card.children[1] ?? null,
  );
  return card;
}

function usageCard(u: UsageSeries, g: Granularity, rerender: () => void): HTMLElement {
  const card = chartCard({
    id: 'usage-over-time',
    title: t('usageOverTime'),
    rows: u.points,
    note: `${u.firstDay} → ${u.lastDay} · ${t('views')}: ${fmtInt(u.total.views)} · ${t('downloads')}: ${fmtInt(u.total.downloads)} · ${t('apiCalls')}: ${fmtInt(u.total.apiCalls)}`,
    option: lineOption(u.points.map((p) => p.period), [
      { name: t('views'), values: u.points.map((p) => p.views), colour: METRIC_COLOURS.views },
      { name: t('downloads'), values: u.points.map((p) => p.downloads), colour: METRIC_COLOURS.downloads },
      { name: t('apiCalls'), values: u.points.map((p) => p.apiCalls), colour: METRIC_COLOURS.apiCalls },
    ], fmtInt),
    height: 280,
    columns: [
      { label: t('period'), value: (p) => p.period },
      { label: t('views'), value: (p) => p.views, format: (p) => fmtInt(p.views), numeric: true },
      { label: t('downloads'), value: (p) => p.downloads, format: (p) => fmtInt(p.downloads), numeric: true },
      { label: t('apiCalls'), value: (p) => p.apiCalls, format: (p) => fmtInt(p.apiCalls), numeric: true },
    ],
  });
  card.insertBefore(switcher<Granularity>('granularity', t('granularity'), ['DAY', 'MONTH'], g, (v) => { granularity = v; rerender(); }), card.children[1] ?? null);
  return card;
}

function uniqueCard(d: DatasetDetail): HTMLElement {
  const s = d.stats;
  const rows = [
    { measure: t('investigations'), total: s.totalInvestigations, unique: s.uniqueInvestigations },
    { measure: t('requests'), total: s.totalRequests, unique: s.uniqueRequests },
  ];
  return chartCard({
    id: 'unique-vs-total',
    title: t('uniqueVsTotal'),
    rows,
    option: vbarOption(rows.map((r) => r.measure), [
      { name: t('total'), values: rows.map((r) => r.total), colour: METRIC_COLOURS.downloads },
      { name: t('unique'), values: rows.map((r) => r.unique), colour: METRIC_COLOURS.apiCalls },
    ], fmtInt),
    columns: [
      { label: t('measure'), value: (r) => r.measure },
      { label: t('total'), value: (r) => r.total, format: (r) => fmtInt(r.total), numeric: true },
      { label: t('unique'), value: (r) => r.unique, format: (r) => fmtInt(r.unique), numeric: true },
    ],
  });
}

function machineCard(d: DatasetDetail): HTMLElement {
  const s = d.stats;
  const rows = (['views', 'downloads', 'apiCalls'] as const).map((m) => ({ metric: t(m), regular: s[m], machine: s.machine[m] }));
  return chartCard({
    id: 'regular-vs-machine',
    title: t('regularVsMachine'),
    rows,
    note: `${t('robotEvents')}: ${fmtInt(s.robotEvents)}`,
    option: vbarOption(rows.map((r) => r.metric), [
      { name: t('regular'), values: rows.map((r) => r.regular), colour: METRIC_COLOURS.downloads },
      { name: t('machine'), values: rows.map((r) => r.machine), colour: METRIC_COLOURS.machine },
    ], fmtInt),
    columns: [
      { label: t('metric'), value: (r) => r.metric },
      { label: t('regular'), value: (r) => r.regular, format: (r) => fmtInt(r.regular), numeric: true },
      { label: t('machine'), value: (r) => r.machine, format: (r) => fmtInt(r.machine), numeric: true },
    ],
  });
}

function filesCard(d: DatasetDetail): HTMLElement {
  const rows = d.files.nodes;
  return chartCard({
    id: 'files',
    title: `${t('files')} (${fmtInt(d.files.totalCount)})`,
    rows,
    option: hbarOption(rows.map((f) => f.title), rows.map((f) => f.stats.downloads), METRIC_COLOURS.downloads, fmtInt, true),
    height: Math.max(140, 34 * rows.length + 20),
    tableOpen: true,
    columns: [
      { label: t('file'), value: (f) => f.title },
      { label: t('id'), value: (f) => f.id },
      { label: t('downloads'), value: (f) => f.stats.downloads, format: (f) => fmtInt(f.stats.downloads), numeric: true },
      { label: t('unique'), value: (f) => f.stats.uniqueRequests, format: (f) => fmtInt(f.stats.uniqueRequests), numeric: true },
      { label: t('machine'), value: (f) => f.stats.machine.downloads, format: (f) => fmtInt(f.stats.machine.downloads), numeric: true },
      { label: t('size'), value: (f) => f.sizeBytes, format: (f) => fmtBytes(f.sizeBytes), numeric: true },
    ],
  });
}

function reusesCard(d: DatasetDetail): HTMLElement {
  const list = d.reuses.nodes;
  return h('section', { class: 'card', 'data-card': 'reuses-list', 'aria-labelledby': 'h-reuses' },
    h('h3', { id: 'h-reuses' }, `${t('reusesList')} (${fmtInt(d.reuses.totalCount)})`),
    list.length === 0
      ? h('p', { class: 'empty' }, t('noReuses'))
      : h('ul', { class: 'reuses' }, list.map((r) =>
          h('li', {}, h('a', { href: r.url, rel: 'noopener noreferrer', target: '_blank' }, r.title), ` · ${r.type} · ${t('createdAt')} ${r.createdAt.slice(0, 10)}`))));
}
