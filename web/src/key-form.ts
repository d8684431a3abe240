import { h } from './dom';
import { t } from './i18n';
import { dropKey, getKey, setKey } from './key-store';
import { state } from './state';

/**
 * Where a visitor enters an API key. `onChange` reloads everything with the
 * new identity; `message` is the last key error, shown until the next try.
 */
export function keyForm(onChange: () => void, message: string | null): HTMLElement {
  const status = h('p', { class: message ? 'key-status error-text' : 'key-status', role: message ? 'alert' : undefined, 'data-key-status': message ? 'invalid' : state.viewer ? 'signed-in' : 'anonymous' },
    message ?? (state.viewer ? t('keySignedIn', { name: state.viewer.name, role: state.viewer.role }) : t('keyAnonymous')));
  if (getKey()) {
    return h('div', { class: 'key-form' }, status, h('button', { type: 'button', class: 'secondary', 'data-action': 'forget-key', onclick: () => { dropKey(); onChange(); } }, t('keyForget')));
  }
  const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', spellcheck: 'false', placeholder: t('keyPlaceholder') });
  return h(
    'form',
    {
      class: 'key-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        setKey(key);
        onChange();
      },
    },
    status,
    h('label', { for: 'api-key', class: 'visually-hidden' }, t('keyLabel')),
    input,
    h('button', { type: 'submit', 'data-action': 'use-key' }, t('keyUse')),
    h('p', { class: 'note' }, t('keyHint')),
  );
}
