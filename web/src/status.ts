import { h, fill } from './dom';
import { t, type MessageKey } from './i18n';
import { ApiError, InvalidKeyError } from './api';

export type SkeletonKind = 'dashboard' | 'dataset' | 'tree' | 'card';

/**
 * Loading keeps the page's shape: grey blocks where the figures and cards
 * will be (no jump when they arrive), and a status line for screen readers.
 */
export function showLoading(el: HTMLElement, kind: SkeletonKind = 'card'): void {
  el.setAttribute('aria-busy', 'true');
  const block = (cls: string, height?: number) => h('div', { class: `skeleton ${cls}`, style: height ? `height:${height}px` : undefined, 'aria-hidden': 'true' });
  const card = (height: number) => h('div', { class: 'card skeleton-card', 'aria-hidden': 'true' }, block('line short'), block('box', height));
  const status = h('p', { class: 'loading', role: 'status', 'data-loading': kind }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('loadingView'));
  if (kind === 'card') {
    fill(el, status, card(200));
    return;
  }
  const shape =
    kind === 'dashboard'
      ? [h('div', { class: 'figures', 'aria-hidden': 'true' }, Array.from({ length: 7 }, () => h('div', { class: 'figure skeleton-card' }, block('line short'), block('line')))),
         h('div', { class: 'grid-3 skeleton-gap' }, card(220), card(220), card(220)),
         card(300)]
      : kind === 'dataset'
        ? [block('line title'), h('div', { class: 'grid-2' }, card(160), card(160)), card(280)]
        : [h('div', { class: 'tree-layout' }, card(240), card(240))];
  fill(el, status, ...shape);
}

/** What went wrong, for people: the kind of failure and what to do, never the server's raw text. */
export function errorMessage(err: unknown): { text: string; code: string | null } {
  if (err instanceof ApiError) {
    const byCode: Record<string, MessageKey> = {
      REQUEST_TIMEOUT: 'errorTimeout',
      REQUEST_READ_TIMEOUT: 'errorTimeout',
      RATE_LIMITED: 'errorRateLimited',
      BAD_USER_INPUT: 'errorBadInput',
      VALUE_OUT_OF_RANGE: 'errorBadInput',
      FORBIDDEN: 'errorForbidden',
    };
    const key: MessageKey = (err.code ? byCode[err.code] : undefined) ?? (err.status === 429 ? 'errorRateLimited' : err.status === 504 ? 'errorTimeout' : 'errorServer');
    return { text: t(key), code: err.code ?? (err.status ? `HTTP ${err.status}` : null) };
  }
  // fetch() rejects with a TypeError when the gateway cannot be reached.
  if (err instanceof TypeError) return { text: t('errorNetwork'), code: null };
  return { text: t('errorServer'), code: null };
}

export function showError(el: HTMLElement, err: unknown, retry: () => void): void {
  el.removeAttribute('aria-busy');
  const { text, code } = errorMessage(err);
  fill(el, h('div', { class: 'error', role: 'alert', 'data-error': code ?? 'network' },
    h('p', { class: 'error-title' }, t('errorTitle')),
    h('p', {}, text),
    code ? h('p', { class: 'note' }, t('errorCode', { code })) : null,
    h('button', { type: 'button', 'data-action': 'retry', onclick: retry }, t('retry'))));
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
