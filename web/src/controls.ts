import { h } from './dom';
import { t, type MessageKey } from './i18n';
import { setFilters, state, type VisibilityFilter, type WindowChoice } from './state';

/** The visibility switch, portal selector and time window (only the window where the others mean nothing: a dataset page). */
export function filterBar(windowOnly = false): HTMLElement {
  const f = state.filters;
  const visGroup = h(
    'fieldset',
    { class: 'segmented', 'data-filter': 'visibility' },
    h('legend', {}, t('visibility')),
    (['ALL', 'PUBLIC', 'PRIVATE'] as VisibilityFilter[]).map((v) =>
      h(
        'label',
        {},
        h('input', { type: 'radio', name: 'visibility', value: v, checked: f.visibility === v, onchange: () => setFilters({ visibility: v }) }),
        h('span', {}, t(`vis${v}` as MessageKey)),
      ),
    ),
  );

  const portal = h(
    'select',
    { id: 'f-portal', 'data-filter': 'portal', onchange: (e: Event) => setFilters({ portalId: (e.target as HTMLSelectElement).value || null }) },
    h('option', { value: '', selected: f.portalId === null }, t('network')),
    state.portals.map((p) => h('option', { value: p.id, selected: f.portalId === p.id }, p.name)),
  );

  const windows: [WindowChoice, MessageKey][] = [['7', 'win7'], ['30', 'win30'], ['365', 'win365'], ['all', 'winAll'], ['custom', 'winCustom']];
  const from = h('input', { type: 'date', id: 'f-from', value: f.customFrom, 'data-filter': 'from' });
  const to = h('input', { type: 'date', id: 'f-to', value: f.customTo, 'data-filter': 'to' });
  const custom = h(
    'div',
    { class: 'custom-window', hidden: f.window !== 'custom' },
    h('label', { for: 'f-from' }, t('from')), from,
    h('label', { for: 'f-to' }, t('to')), to,
    h('button', { type: 'button', 'data-action': 'apply-window', onclick: () => setFilters({ window: 'custom', customFrom: from.value, customTo: to.value }) }, t('apply')),
  );
  const win = h(
    'select',
    {
      id: 'f-window',
      'data-filter': 'window',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value as WindowChoice;
        // A custom window waits for its dates and the Apply button.
        if (v === 'custom') custom.hidden = false;
        else setFilters({ window: v });
      },
    },
    windows.map(([v, k]) => h('option', { value: v, selected: f.window === v }, t(k))),
  );

  return h(
    'form',
    { class: 'filters', 'aria-label': t('filters'), onsubmit: (e: Event) => e.preventDefault() },
    windowOnly ? null : visGroup,
    windowOnly ? null : h('div', { class: 'field' }, h('label', { for: 'f-portal' }, t('portal')), portal),
    h('div', { class: 'field' }, h('label', { for: 'f-window' }, t('window')), win),
    custom,
  );
}
