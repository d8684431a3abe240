import { gql } from '../api';
import { h, fill } from '../dom';
import { t } from '../i18n';
import { fmtInt } from '../format';
import { chartCard } from '../chart-card';
import { hbarOption, pieOption } from '../charts';
import { METRIC_COLOURS } from '../palette';
import { COLLECTION_QUERY, ROOT_COLLECTION_STATS_QUERY, type CollectionDetail, type Use3 } from '../queries';
import { showLoading, guarded } from '../status';
import { capabilities } from '../capabilities';
import { defaultGranularity, loadSeries, seriesCard, usageRange, type Granularity } from '../series';

const use = (s: Use3): number => s.views + s.downloads + s.apiCalls;
let granularity: Granularity | null = null;

interface RootCollection {
  id: string;
  name: string;
  subtreeStats: Use3;
}

/**
 * Collections → datasets → files. Collections open lazily (one query each),
 * so a large catalog costs nothing until someone looks. The landing state
 * shows the root collections with their figures (their whole subtree).
 */
export async function renderTree(root: HTMLElement, onInvalidKey: () => void): Promise<void> {
  showLoading(root, 'tree');
  const roots = (await gql<{ collections: { nodes: RootCollection[] } }>(ROOT_COLLECTION_STATS_QUERY)).collections.nodes;
  const ranked = [...roots].sort((a, b) => use(b.subtreeStats) - use(a.subtreeStats) || a.name.localeCompare(b.name));
  const detail = h('div', { class: 'tree-detail', 'aria-live': 'polite', 'data-tree-detail': '' }, landing(ranked, (id) => open(id)));
  const nav = h('nav', { class: 'tree-nav', 'aria-label': t('collections') }, roots.length === 0 ? h('p', {}, t('noCollections')) : collectionList(roots, (id) => open(id)));
  const open = (id: string): void => void guarded(detail, () => showCollection(detail, nav, id, open), onInvalidKey);
  fill(root, h('h2', {}, t('tree')), h('p', { class: 'note' }, t('treeHint')), h('div', { class: 'tree-layout' }, nav, detail));
}

/** The most used collections, before any is selected: a ranking with its table. */
function landing(ranked: RootCollection[], open: (id: string) => void): HTMLElement {
  const top = ranked.slice(0, 10);
  return chartCard({
    id: 'top-collections',
    title: t('topCollections'),
    note: `${t('use')} · ${t('subtreeNote')} ${t('treeLanding')}`,
    rows: top,
    tableOpen: true,
    height: Math.max(140, 34 * top.length + 20),
    onSelect: (c) => open(c.id),
    emptyText: top.length === 0 ? t('noCollections') : top.every((c) => use(c.subtreeStats) === 0) ? t('emptyValues') : null,
    option: hbarOption(top.map((c) => c.name), top.map((c) => use(c.subtreeStats)), METRIC_COLOURS.downloads, fmtInt, true),
    columns: [
      { label: t('collection'), value: (c) => c.name },
      { label: t('id'), value: (c) => c.id },
      { label: t('useShort'), value: (c) => use(c.subtreeStats), format: (c) => fmtInt(use(c.subtreeStats)), numeric: true },
      { label: t('views'), value: (c) => c.subtreeStats.views, format: (c) => fmtInt(c.subtreeStats.views), numeric: true },
      { label: t('downloads'), value: (c) => c.subtreeStats.downloads, format: (c) => fmtInt(c.subtreeStats.downloads), numeric: true },
      { label: t('apiCalls'), value: (c) => c.subtreeStats.apiCalls, format: (c) => fmtInt(c.subtreeStats.apiCalls), numeric: true },
    ],
  });
}

function collectionList(items: { id: string; name: string }[], open: (id: string) => void): HTMLElement {
  return h('ul', { class: 'tree' }, items.map((c) => h('li', {}, h('button', { type: 'button', class: 'link', 'data-collection': c.id, onclick: () => open(c.id) }, c.name))));
}

async function showCollection(el: HTMLElement, nav: HTMLElement, id: string, open: (id: string) => void): Promise<void> {
  showLoading(el, 'card');
  const caps = await capabilities();
  const g: Granularity = granularity ?? defaultGranularity(usageRange().days);
  const [res, series] = await Promise.all([
    gql<{ collection: CollectionDetail | null }>(COLLECTION_QUERY, { id }),
    caps.collectionUsage ? loadSeries('collection', id, g) : Promise.resolve(null),
  ]);
  const c = res.collection;
  if (!c) {
    fill(el, h('p', { role: 'alert' }, t('notFound')));
    return;
  }
  // The navigation grows as collections open: their children nest under them.
  for (const b of nav.querySelectorAll('[data-collection]')) {
    const mine = b.getAttribute('data-collection') === c.id;
    if (mine) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
    const li = b.parentElement;
    if (mine && li && !li.querySelector('ul') && c.childCollections.nodes.length) li.append(collectionList(c.childCollections.nodes, open));
  }
  const datasets = [...c.datasets.nodes].sort((a, b) => use(b.stats) - use(a.stats) || a.id.localeCompare(b.id));
  const used = datasets.filter((d) => use(d.stats) > 0);
  const s = c.subtreeStats;
  fill(
    el,
    h('h3', { 'data-collection-title': c.id }, t('kv', { k: t('collection'), v: c.name })),
    c.description ? h('p', {}, c.description) : null,
    h('dl', { class: 'figures small', 'data-collection-figures': '' },
      [['views', s.views], ['downloads', s.downloads], ['apiCalls', s.apiCalls], ['datasets', c.datasets.totalCount]].map(([k, v]) =>
        h('div', { class: 'figure', 'data-figure': String(k), 'data-value': String(v) }, h('dt', {}, t(k as 'views')), h('dd', {}, fmtInt(Number(v)))))),
    h('p', { class: 'note' }, t('subtreeNote')),
    c.childCollections.nodes.length ? h('div', {}, h('h4', {}, t('subCollections')), collectionList(c.childCollections.nodes, open)) : null,
    series ? seriesCard('collection-usage', t('collectionUsage'), series, g, (v) => { granularity = v; open(c.id); }) : null,
    chartCard({
      id: 'collection-datasets',
      title: t('datasetUse'),
      note: t('use'),
      rows: datasets,
      emptyText: datasets.length > 0 && used.length === 0 ? t('emptyValues') : null,
      option: pieOption(used.map((d) => ({ name: d.title, value: use(d.stats) })), fmtInt),
      height: 300,
      tableOpen: true,
      columns: [
        { label: t('label'), value: (d) => d.title },
        { label: t('id'), value: (d) => d.id },
        { label: t('use'), value: (d) => use(d.stats), format: (d) => fmtInt(use(d.stats)), numeric: true },
        { label: t('views'), value: (d) => d.stats.views, format: (d) => fmtInt(d.stats.views), numeric: true },
        { label: t('downloads'), value: (d) => d.stats.downloads, format: (d) => fmtInt(d.stats.downloads), numeric: true },
        { label: t('apiCalls'), value: (d) => d.stats.apiCalls, format: (d) => fmtInt(d.stats.apiCalls), numeric: true },
      ],
    }),
    h('h4', {}, `${t('datasets')} → ${t('files')}`),
    h('ul', { class: 'tree files-tree' }, datasets.map((d) =>
      h('li', { 'data-tree-dataset': d.id },
        h('a', { href: `#/datasets/${encodeURIComponent(d.id)}` }, d.title),
        ` — ${t('kv', { k: t('downloads'), v: fmtInt(d.stats.downloads) })}`,
        d.files.nodes.length
          ? h('ul', {}, d.files.nodes.map((f) => h('li', { 'data-tree-file': f.id }, `${f.title} — ${t('kv', { k: t('downloads'), v: fmtInt(f.stats.downloads) })}`)))
          : null))),
  );
}
