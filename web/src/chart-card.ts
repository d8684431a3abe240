import { h } from './dom';
import { t } from './i18n';
import { mountChart, type ChartOption } from './charts';
import { toCsv } from './csv';
import { downloadCsv } from './download';

export interface Column<R> {
  label: string;
  /** The raw value: goes to the CSV and to the cell's data-value. */
  value: (r: R) => string | number;
  /** How the cell reads (default: the raw value). */
  format?: (r: R) => string;
  numeric?: boolean;
  /** Left out of the screen-reader description (ids). Default: read out, except the id column. */
  spoken?: boolean;
}

export interface CardSpec<R> {
  /** Stable id: data-card attribute, chart registry key, CSV file name. */
  id: string;
  title: string;
  rows: R[];
  columns: Column<R>[];
  option: ChartOption;
  height?: number;
  /** Makes bars and the first cell of each row selectable (details panel). */
  onSelect?: (r: R) => void;
  /** Text under the title (scope, window…). */
  note?: string;
  tableOpen?: boolean;
  /**
   * A sentence shown instead of the chart when there are rows but nothing to
   * draw (every value 0): five zero bars say less than one sentence. The
   * table stays available.
   */
  emptyText?: string | null;
  /** Shown under the chart (a legend readable without hover). */
  extra?: HTMLElement | null;
  /** Chart and table side by side (stacked on narrow screens), the table always shown. */
  side?: boolean;
  /** The table scrolls inside this height (px) when longer. */
  tableMaxHeight?: number;
  /** Rows read out in the chart's description; the rest is summed up as "and N more". */
  spokenRows?: number;
}

/**
 * A chart with its numbers: a table behind a toggle (with a button per row
 * when bars are selectable, so the keyboard can do what the mouse does) and a
 * CSV of exactly those rows.
 */
export function chartCard<R>(spec: CardSpec<R>): HTMLElement {
  const headingId = `h-${spec.id}`;
  const tableId = `t-${spec.id}`;
  const chartEl = h('div', { class: 'chart', role: 'img', 'aria-label': t('chartOf', { title: spec.title }), style: `height:${spec.height ?? 260}px` });
  const table = dataTable(spec, tableId);
  table.hidden = !spec.tableOpen && !spec.side;
  const toggle = spec.side ? null : h('button', { type: 'button', class: 'secondary', 'aria-expanded': String(!table.hidden), 'aria-controls': tableId, 'data-action': 'toggle-table' }, table.hidden ? t('showTable') : t('hideTable'));
  toggle?.addEventListener('click', () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', String(!table.hidden));
    toggle.textContent = table.hidden ? t('showTable') : t('hideTable');
  });
  const csvButton = h('button', { type: 'button', class: 'secondary', 'data-action': 'csv' }, t('downloadCsv'));
  csvButton.addEventListener('click', () => {
    downloadCsv(`${spec.id}.csv`, toCsv(spec.columns.map((c) => c.label), spec.rows.map((r) => spec.columns.map((c) => c.value(r)))));
  });
  const drawn = spec.rows.length > 0 && !spec.emptyText;
  const visual = spec.rows.length === 0
    ? h('p', { class: 'empty', 'data-empty': '' }, spec.emptyText ?? t('empty'))
    : spec.emptyText
      ? h('p', { class: 'empty', 'data-empty': '' }, spec.emptyText)
      : chartEl;
  const body = spec.side
    ? h('div', { class: 'side-by-side' }, h('div', { class: 'side-chart' }, visual, spec.extra ?? null), table)
    : [visual, spec.extra ?? null, table];
  const card = h(
    'section',
    { class: 'card', 'data-card': spec.id, 'aria-labelledby': headingId },
    h('div', { class: 'card-head' }, h('h3', { id: headingId }, spec.title), h('div', { class: 'card-actions' }, toggle, csvButton)),
    spec.note ? h('p', { class: 'note' }, spec.note) : null,
    body,
  );
  if (drawn) {
    // The chart needs its box laid out: mount after the card is in the page.
    requestAnimationFrame(() => {
      if (chartEl.isConnected) mountChart(spec.id, chartEl, spec.option, describe(spec), spec.onSelect ? (i) => spec.onSelect!(spec.rows[i]) : undefined);
    });
  }
  return card;
}

/** What a screen reader hears: the title, then each row as its table reads, in the page's language. */
export function describe<R>(spec: CardSpec<R>): string {
  const cols = spec.columns.filter((c, i) => i === 0 || (c.spoken ?? c.label !== t('id')));
  const limit = spec.spokenRows ?? 12;
  const rows = spec.rows.slice(0, limit).map((r) => cols.map((c, i) => {
    const text = c.format ? c.format(r) : String(c.value(r));
    return i === 0 ? text : `${c.label} ${text}`;
  }).join(', '));
  const more = spec.rows.length > limit ? ` ${t('andMore', { n: spec.rows.length - limit })}` : '';
  return `${t('chartOf', { title: spec.title })}. ${rows.join('; ')}.${more}`;
}

function dataTable<R>(spec: CardSpec<R>, id: string): HTMLElement {
  const head = h('tr', {}, spec.columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : '' }, c.label)));
  const body = spec.rows.map((r, i) =>
    h(
      'tr',
      { 'data-row': i },
      spec.columns.map((c, j) => {
        const text = c.format ? c.format(r) : String(c.value(r));
        const content = j === 0 && spec.onSelect ? h('button', { type: 'button', class: 'link', 'data-action': 'select', onclick: () => spec.onSelect!(r) }, text) : text;
        return h(j === 0 ? 'th' : 'td', { scope: j === 0 ? 'row' : undefined, class: c.numeric ? 'num' : '', 'data-value': String(c.value(r)) }, content);
      }),
    ),
  );
  // A focusable region: a table wider than its card scrolls inside it, with the keyboard too.
  return h('div', { class: 'table-wrap', id, tabindex: '0', role: 'region', 'aria-label': t('tableOf', { title: spec.title }), style: spec.tableMaxHeight ? `max-height:${spec.tableMaxHeight}px` : undefined },
    h('table', {}, h('caption', { class: 'visually-hidden' }, spec.title), h('thead', {}, head), h('tbody', {}, body)));
}
