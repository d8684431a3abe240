import { gql } from '../api';
import { h, fill } from '../dom';
import { t, type MessageKey } from '../i18n';
import { fmtBytes, fmtInt, fmtScore } from '../format';
import { chartCard } from '../chart-card';
import { hbarOption, vbarOption } from '../charts';
import { METRIC_COLOURS } from '../palette';
import { state, windowRange } from '../state';
import { COUNTRY_FIELDS, DATASET_QUERY, WEIGHTS_QUERY, type CountryUsage, type DatasetDetail, type Metrics3 } from '../queries';
import { guarded, showLoading } from '../status';
import { capabilities } from '../capabilities';
import { countriesCard } from '../map-card';
import { defaultGranularity, loadSeries, seriesCard, switcher, usageRange, type Granularity } from '../series';

type Scope = 'PORTAL' | 'NETWORK';

let weights: { formulaVersion: string; weights: Metrics3 } | null = null;
let scope: Scope = 'PORTAL';
let granularity: Granularity | null = null;
/** The file whose series is shown, per dataset page. */
let selectedFile: { datasetId: string; fileId: string } | null = null;

export async function renderDataset(root: HTMLElement, id: string, onInvalidKey: () => void = () => undefined): Promise<void> {
  showLoading(root, 'dataset');
  const { from, to } = windowRange(state.filters);
  const g: Granularity = granularity ?? defaultGranularity(usageRange().days);
  const caps = await capabilities();
  const query = caps.countries ? DATASET_QUERY.replace('stats { views', `stats { ${COUNTRY_FIELDS} views`) : DATASET_QUERY;
  const [res, w, usage] = await Promise.all([
    gql<{ dataset: (DatasetDetail & { stats: { countries?: CountryUsage[] } }) | null }>(query, { id, scope, from, to }),
    weights ? Promise.resolve(weights) : gql<{ dataDashboard: { formulaVersion: string; weights: Metrics3 } }>(WEIGHTS_QUERY).then((r) => (weights = r.dataDashboard)),
    loadSeries('dataset', id, g),
  ]);
  const d = res.dataset;
  if (!d) {
    fill(root, backLink(), h('p', { class: 'error', role: 'alert', 'data-not-found': '' }, t('notFound')));
    return;
  }
  const rerender = () => void renderDataset(root, id, onInvalidKey);
  const onGranularity = (v: Granularity) => { granularity = v; rerender(); };
  const fileSlot = h('div', { 'data-file-series': '' }, caps.fileUsage ? h('p', { class: 'note' }, t('fileHint')) : null);
  const showFile = (f: { id: string; title: string }): void => {
    selectedFile = { datasetId: d.id, fileId: f.id };
    void guarded(fileSlot, async () => {
      showLoading(fileSlot, 'card');
      const fg: Granularity = granularity ?? defaultGranularity(usageRange().days);
      const u = await loadSeries('file', f.id, fg);
      fill(fileSlot, u ? seriesCard('file-usage', t('fileUsage', { name: f.title }), u, fg, (v) => { granularity = v; showFile(f); }) : h('p', { role: 'alert' }, t('notFound')));
    }, onInvalidKey);
  };
  fill(
    root,
    backLink(),
    h('h2', { 'data-dataset-title': d.id }, d.title),
    d.description ? h('p', {}, d.description) : null,
    metaList(d),
    popularityCard(d, w.weights, rerender),
    usage ? seriesCard('usage-over-time', t('usageOverTime'), usage, g, onGranularity) : null,
    countriesCard('dataset-countries', caps.countries ? d.stats.countries ?? [] : null),
    h('div', { class: 'grid-2' }, uniqueCard(d), machineCard(d)),
    filesCard(d, caps.fileUsage ? showFile : undefined),
    fileSlot,
    reusesCard(d),
  );
  const again = selectedFile?.datasetId === d.id ? d.files.nodes.find((f) => f.id === selectedFile!.fileId) : undefined;
  if (again && caps.fileUsage) showFile(again);
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
      h('p', {}, `${t('kv', { k: t('rank'), v: t('rankOf', { rank: fmtInt(p.rank), size: fmtInt(p.scopeSize) }) })} · ${t('kv', { k: t('percentile'), v: fmtScore(p.percentile) })}`),
      scopePick),
    card.children[1] ?? null,
  );
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
    emptyText: rows.every((r) => r.total === 0 && r.unique === 0) ? t('emptyValues') : null,
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
    emptyText: rows.every((r) => r.regular === 0 && r.machine === 0) ? t('emptyValues') : null,
    note: t('kv', { k: t('robotEvents'), v: fmtInt(s.robotEvents) }),
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

function filesCard(d: DatasetDetail, onSelect?: (f: DatasetDetail['files']['nodes'][number]) => void): HTMLElement {
  const rows = d.files.nodes;
  return chartCard({
    id: 'files',
    title: `${t('files')} (${fmtInt(d.files.totalCount)})`,
    rows,
    option: hbarOption(rows.map((f) => f.title), rows.map((f) => f.stats.downloads), METRIC_COLOURS.downloads, fmtInt, true),
    height: Math.max(140, 34 * rows.length + 20),
    tableOpen: true,
    onSelect,
    emptyText: rows.length > 0 && rows.every((f) => f.stats.downloads === 0) ? t('emptyCounts', { metric: t('downloads').toLowerCase() }) : null,
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
          h('li', {}, h('a', { href: r.url, rel: 'noopener noreferrer', target: '_blank' }, r.title), ` · ${t(`reuse${r.type}` as MessageKey)} · ${t('createdAt')} ${r.createdAt.slice(0, 10)}`))));
}
