import { gql } from '../api';
import { h, fill } from '../dom';
import { t } from '../i18n';
import { fmtInt } from '../format';
import { chartCard } from '../chart-card';
import { pieOption } from '../charts';
import { COLLECTION_QUERY, ROOT_COLLECTIONS_QUERY, type CollectionDetail } from '../queries';
import { showLoading, guarded } from '../status';

const use = (s: { views: number; downloads: number; apiCalls: number }): number => s.views + s.downloads + s.apiCalls;

/**
 * Collections → datasets → files. Collections open lazily (one query each),
 * so a large catalog costs nothing until someone looks.
 */
export async function renderTree(root: HTMLElement, onInvalidKey: () => void): Promise<void> {
  showLoading(root);
  const roots = (await gql<{ collections: { nodes: { id: string; name: string }[] } }>(ROOT_COLLECTIONS_QUERY)).collections.nodes;
  const detail = h('div', { class: 'tree-detail', 'aria-live': 'polite', 'data-tree-detail': '' }, h('p', { class: 'note' }, t('treeHint')));
  const nav = h('nav', { class: 'tree-nav', 'aria-label': t('collections') }, roots.length === 0 ? h('p', {}, t('noCollections')) : collectionList(roots, (id) => open(id)));
  const open = (id: string): void => void guarded(detail, () => showCollection(detail, nav, id, open), onInvalidKey);
  fill(root, h('h2', {}, t('tree')), h('p', { class: 'note' }, t('treeHint')), h('div', { class: 'tree-layout' }, nav, detail));
}

function collectionList(items: { id: string; name: string }[], open: (id: string) => void): HTMLElement {
  return h('ul', { class: 'tree' }, items.map((c) => h('li', {}, h('button', { type: 'button', class: 'link', 'data-collection': c.id, onclick: () => open(c.id) }, c.name))));
}

async function showCollection(el: HTMLElement, nav: HTMLElement, id: string, open: (id: string) => void): Promise<void> {
  showLoading(el);
  const c = (await gql<{ collection: CollectionDetail | null }>(COLLECTION_QUERY, { id })).collection;
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
  fill(
    el,
    h('h3', { 'data-collection-title': c.id }, `${t('collection')}: ${c.name}`),
    c.description ? h('p', {}, c.description) : null,
    h('p', {}, `${t('views')}: ${fmtInt(c.stats.views)} · ${t('datasets')}: ${fmtInt(c.datasets.totalCount)}`),
    c.childCollections.nodes.length ? h('div', {}, h('h4', {}, t('subCollections')), collectionList(c.childCollections.nodes, open)) : null,
    chartCard({
      id: 'collection-datasets',
      title: t('datasetUse'),
      note: t('use'),
      rows: datasets,
      option: pieOption(datasets.filter((d) => use(d.stats) > 0).map((d) => ({ name: d.title, value: use(d.stats) })), fmtInt),
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
        ` — ${t('downloads')}: ${fmtInt(d.stats.downloads)}`,
        d.files.nodes.length
          ? h('ul', {}, d.files.nodes.map((f) => h('li', { 'data-tree-file': f.id }, `${f.title} — ${t('downloads')}: ${fmtInt(f.stats.downloads)}`)))
          : null))),
  );
}
