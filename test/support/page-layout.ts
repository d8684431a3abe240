/*
 * Layout checks run inside the dashboard page (page.evaluate): what a person
 * would see cut or sticking out, measured from the DOM and from ECharts' own
 * drawn text, not judged by eye. Each function is self-contained (Playwright
 * serialises it into the page).
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

export interface Overflow {
  card: string;
  element: string;
  problem: string;
}

/**
 * Every visible element of every card and key figure lies inside its card
 * (tables may be wider than the card only inside their own scrolling box),
 * no text is clipped by its box, key figures stay on one line, and the page
 * is not wider than the window.
 */
export function noOverflow(): Overflow[] {
  const out: { card: string; element: string; problem: string }[] = [];
  const name = (el: any): string => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}${el.getAttribute('data-value') ? `[${el.getAttribute('data-value')}]` : ''}`;
  if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push({ card: 'page', element: 'html', problem: `page ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window` });
  for (const card of document.querySelectorAll('.card, .figure')) {
    if (card.getClientRects().length === 0) continue;
    const id = card.getAttribute('data-card') ?? card.getAttribute('data-figure') ?? name(card);
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      if (el.getClientRects().length === 0) continue;
      const style = window.getComputedStyle(el);
      if (style.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
      // Inside a scrolling box of the card: the box is checked, its content may scroll.
      const scroller = el.parentElement?.closest('.table-wrap');
      if (scroller && card.contains(scroller)) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1) out.push({ card: id, element: name(el), problem: `x ${Math.round(r.left)}..${Math.round(r.right)} outside ${Math.round(box.left)}..${Math.round(box.right)}` });
      const clips = ['hidden', 'clip'].includes(style.overflowX) && !el.classList.contains('chart') && el.tagName !== 'CANVAS';
      if (clips && el.scrollWidth > el.clientWidth + 1) out.push({ card: id, element: name(el), problem: `text clipped: ${el.scrollWidth}px in ${el.clientWidth}px` });
    }
    if (card.classList.contains('figure')) {
      const dd = card.querySelector('dd');
      const range = document.createRange();
      range.selectNodeContents(dd);
      const lines = new Set([...range.getClientRects()].map((q: any) => Math.round(q.top)));
      if (lines.size > 1) out.push({ card: id, element: 'dd', problem: `figure on ${lines.size} lines: "${dd.textContent}"` });
    }
  }
  return out;
}

export interface DrawnText {
  text: string;
  /** The smallest font size of the text, rich parts included (px). */
  fontSize: number;
}

/** The text ECharts drew in a chart (labels, axis labels, legend) line by line as drawn, left out what it hid for overlap. */
export function chartTexts(id: string): DrawnText[] {
  const chart = window.usageGatewayCharts.get(id);
  const out: { text: string; fontSize: number }[] = [];
  const px = (v: any): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?(px)?$/.test(v) ? parseFloat(v) : null);
  const visit = (el: any): void => {
    if (!el || el.ignore || el.invisible) return;
    const label = el.getTextContent?.();
    if (label) visit(label);
    if (el.isGroup) for (const c of el.children()) visit(c);
    if (el.type === 'text' && el.style && typeof el.style.text === 'string' && el.style.text.trim() !== '') {
      // The lines as drawn (zrender's TSpans, after wrapping and truncation), not the label's source text.
      const spans = (el.childrenRef?.() ?? []).filter((c: any) => c.style && typeof c.style.text === 'string');
      const sizes = [px(el.style.fontSize), ...Object.values(el.style.rich ?? {}).map((r: any) => px(r.fontSize))].filter((n): n is number => n !== null);
      for (const f of [el.style.font, ...spans.map((c: any) => c.style.font)]) {
        const m = /(\d+(?:\.\d+)?)px/.exec(f ?? '');
        if (m) sizes.push(parseFloat(m[1]));
      }
      const text = spans.length ? spans.map((c: any) => c.style.text).join('\n') : el.style.text;
      out.push({ text, fontSize: sizes.length ? Math.min(...sizes) : 12 });
    }
  };
  for (const root of chart.getZr().storage.getRoots()) visit(root);
  return out;
}
