import { fmtCompact } from './format';

/*
 * Key figures never break mid-number: they stay on one line (CSS), sized to
 * their card (container query units), and a number still too wide for its
 * card (a very narrow screen, a huge count) is shown compact ("14.7M") with
 * the exact figure in its title and accessible name.
 */
const observed = new WeakSet<Element>();
const resizer = new ResizeObserver((entries) => {
  for (const e of entries) fitOne(e.target as HTMLElement);
});

function fitOne(dd: HTMLElement): void {
  const full = dd.dataset.full ?? dd.textContent ?? '';
  dd.dataset.full = full;
  dd.textContent = full;
  dd.removeAttribute('title');
  dd.removeAttribute('aria-label');
  const fig = dd.closest('[data-figure]');
  const value = Number(fig?.getAttribute('data-value'));
  // Shares are short ("12.5%"): only counts grow long.
  if (fig?.getAttribute('data-figure')?.endsWith('Share')) return;
  if (dd.scrollWidth <= dd.clientWidth + 1 || !Number.isFinite(value)) return;
  dd.textContent = fmtCompact(value);
  dd.title = full;
  dd.setAttribute('aria-label', full);
}

export function fitFigures(root: HTMLElement): void {
  for (const dd of root.querySelectorAll<HTMLElement>('.figure dd')) {
    if (observed.has(dd)) continue;
    observed.add(dd);
    resizer.observe(dd);
  }
}
