import { h, fill } from './dom';
import { t } from './i18n';
import { InvalidKeyError } from './api';

/** Loading and error states shared by the views. */
export function showLoading(el: HTMLElement): void {
  el.setAttribute('aria-busy', 'true');
  fill(el, h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('loading')));
}

export function showError(el: HTMLElement, err: unknown, retry: () => void): void {
  el.removeAttribute('aria-busy');
  const message = err instanceof Error ? err.message : String(err);
  fill(el, h('div', { class: 'error', role: 'alert' }, h('p', {}, t('error', { message })), h('button', { type: 'button', onclick: retry }, t('retry'))));
}

/**
 * Runs a view's load; an invalid key is handled once, by the page shell
 * (message + anonymous reload), not by every view.
 */
export async function guarded(el: HTMLElement, load: () => Promise<void>, onInvalidKey: () => void): Promise<void> {
  try {
    await load();
    el.removeAttribute('aria-busy');
  } catch (err) {
    if (err instanceof InvalidKeyError) onInvalidKey();
    else showError(el, err, () => void guarded(el, load, onInvalidKey));
  }
}
