import './styles.css';
import { gql, InvalidKeyError } from './api';
import { h, fill } from './dom';
import { lang, setLang, t } from './i18n';
import { getKey } from './key-store';
import { keyForm } from './key-form';
import { filterBar } from './controls';
import { onChange, state } from './state';
import { ME_QUERY, PORTALS_QUERY } from './queries';
import { disposeDetached } from './charts';
import { guarded, showError, showLoading } from './status';
import { renderDashboard } from './views/dashboard';
import { renderDataset } from './views/dataset';
import { renderTree } from './views/tree';

const app = document.getElementById('app') as HTMLElement;
let keyMessage: string | null = null;
/** Bumped on every render: a slow answer for an old view must not overwrite a newer one. */
let generation = 0;

function route(): { view: 'dashboard' | 'tree' | 'dataset'; id?: string } {
  const hash = location.hash.replace(/^#\/?/, '');
  const m = /^datasets\/(.+)$/.exec(hash);
  if (m) return { view: 'dataset', id: decodeURIComponent(m[1]) };
  if (hash === 'tree') return { view: 'tree' };
  return { view: 'dashboard' };
}

/** Who the key belongs to, and the portals; an invalid key is dropped here. */
async function identify(): Promise<void> {
  state.viewer = null;
  try {
    const [portals, me] = await Promise.all([
      gql<{ portals: { id: string; name: string }[] }>(PORTALS_QUERY),
      getKey() ? gql<{ me: { id: string; name: string; role: string } }>(ME_QUERY) : Promise.resolve(null),
    ]);
    state.portals = portals.portals;
    state.viewer = me?.me ?? null;
  } catch (err) {
    if (!(err instanceof InvalidKeyError)) throw err;
    keyMessage = t('keyInvalid');
    await identify();
  }
}

function invalidKey(): void {
  keyMessage = t('keyInvalid');
  void start();
}

function header(): HTMLElement {
  const r = route();
  const navLink = (href: string, label: string, current: boolean) => h('a', { href, 'aria-current': current ? 'page' : undefined }, label);
  return h('header', { class: 'top' },
    h('div', { class: 'brand' },
      h('h1', {}, t('appTitle')),
      h('nav', { 'aria-label': 'main' },
        navLink('#/', t('navDashboard'), r.view === 'dashboard'),
        navLink('#/tree', t('navTree'), r.view === 'tree'),
        h('a', { href: '/graphql' }, t('navGraphiql'))),
      h('button', { type: 'button', class: 'secondary', lang: lang() === 'fr' ? 'en' : 'fr', 'aria-label': t('switchLangLabel'), 'data-action': 'switch-lang', onclick: () => { setLang(lang() === 'fr' ? 'en' : 'fr'); render(); } }, t('switchLang'))),
    keyForm(() => { keyMessage = null; void start(); }, keyMessage));
}

/** The page's frame: skip link, header with navigation and key, filters, and the main region. */
function shell(r: ReturnType<typeof route>): HTMLElement {
  const main = h('main', { id: 'content', tabindex: '-1' });
  fill(app,
    h('a', { class: 'skip', href: '#content', onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, t('skipToContent')),
    header(),
    r.view === 'tree' ? null : filterBar(r.view === 'dataset'),
    main);
  return main;
}

function render(): void {
  const gen = ++generation;
  app.removeAttribute('data-ready');
  const r = route();
  const main = shell(r);
  disposeDetached();
  const load = async () => {
    if (r.view === 'dataset') await renderDataset(main, r.id!, invalidKey);
    else if (r.view === 'tree') await renderTree(main, invalidKey);
    else await renderDashboard(main);
  };
  void guarded(main, async () => {
    if (gen === generation) await load();
  }, invalidKey).finally(() => {
    if (gen !== generation) return;
    app.setAttribute('data-ready', String(gen));
    // For measurements (Performance panel, browser tests): when a view's data is on screen.
    performance.mark('usage-gateway:ready', { detail: { view: r.view } });
  });
}

/**
 * Identifies the key, then renders. Meanwhile the header, navigation and the
 * view's skeleton are already on screen; a failure keeps them and says what
 * to do.
 */
async function start(): Promise<void> {
  const gen = ++generation;
  app.removeAttribute('data-ready');
  const r = route();
  const main = shell(r);
  showLoading(main, r.view);
  try {
    await identify();
  } catch (err) {
    if (gen !== generation) return;
    showError(main, err, () => void start());
    app.setAttribute('data-ready', String(gen));
    return;
  }
  // Also when the route changed meanwhile: that render ran before the key was known.
  render();
}

setLang(lang());
onChange(render);
window.addEventListener('hashchange', render);
void start();
