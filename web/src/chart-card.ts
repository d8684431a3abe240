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
  table.hidden = !spec.tableOpen;
  const toggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': String(!table.hidden), 'aria-controls': tableId, 'data-action': 'toggle-table' }, table.hidden ? t('showTable') : t('hideTable'));
  toggle.addEventListener('click', () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', String(!table.hidden));
    toggle.textContent = table.hidden ? t('showTable') : t('hideTable');
  });
  const csvButton = h('button', { type: 'button', class: 'secondary', 'data-action': 'csv' }, t('downloadCsv'));
  csvButton.addEventListener('click', () => {
    downloadCsv(`${spec.id}.csv`, toCsv(spec.columns.map((c) => c.label), spec.rows.map((r) => spec.columns.map((c) => c.value(r)))));
  });
  const card = h(
    'section',
    { class: 'card', 'data-card': spec.id, 'aria-labelledby': headingId },
    h('div', { class: 'card-head' }, h('h3', { id: headingId }, spec.title), h('div', { class: 'card-actions' }, toggle, csvButton)),
    spec.note ? h('p', { class: 'note' }, spec.note) : null,
    spec.rows.length === 0 ? h('p', { class: 'empty' }, t('empty')) : chartEl,
    table,
  );
  if (spec.rows.length > 0) {
    // The chart needs its box laid out: mount after the card is in the page.
    requestAnimationFrame(() => {
      if (chartEl.isConnected) mountChart(spec.id, chartEl, spec.option, spec.onSelect ? (i) => spec.onSelect!(spec.rows[i]) : undefined);
    });
  }
  return card;
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
  return h('div', { class: 'table-wrap', id }, h('table', {}, h('caption', { class: 'visually-hidden' }, spec.title), h('thead', {}, head), h('tbody', {}, body)));
}
