import { badgeContent, badgeSvg, framePage, ifNoneMatchHits, strongEtag } from '../src/embed/badge';
import { badgeLabel, compactNumber, embedLang, fullNumber, partialNote, periodWords, sparklinePoints, widgetSummary } from '../src/embed/embed-format';

/* The pure parts of the usage badge and widget (docs/embed.md). */

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('compactNumber', () => {
  it('prints counts shields.io-style in English', () => {
    expect([0, 7, 999, 1000, 1234, 12_345, 123_456, 1_234_567, 1_500_000_000].map((n) => compactNumber(n, 'en'))).toEqual([
      '0', '7', '999', '1k', '1.2k', '12k', '123k', '1.2M', '1.5B',
    ]);
  });

  it('prints French decimal commas and units after a no-break space (CLDR)', () => {
    expect(compactNumber(1234, 'fr')).toBe(`1,2${NBSP}k`);
    expect(compactNumber(3_400_000, 'fr')).toBe(`3,4${NBSP}M`);
    expect(compactNumber(120, 'fr')).toBe('120');
  });

  it('prints full numbers with grouping for text alternatives', () => {
    expect(fullNumber(12_345, 'en')).toBe('12,345');
    expect(fullNumber(12_345, 'fr')).toBe(`12${NNBSP}345`);
  });
});

describe('embedLang', () => {
  it.each([
    ['fr', 'fr'], ['fr-CA', 'fr'], ['FR_fr', 'fr'], [' fr ', 'fr'],
    ['en', 'en'], ['en-GB', 'en'], ['de', 'en'], ['', 'en'], [undefined, 'en'], ['fry', 'en'],
  ])('%j → %s', (tag, lang) => {
    expect(embedLang(tag)).toBe(lang);
  });
});

describe('badge', () => {
  it('labels the metric and the period in both languages', () => {
    expect(badgeLabel('downloads', 'all', 'en')).toBe('downloads');
    expect(badgeLabel('views', 'month', 'en')).toBe('views this month');
    expect(badgeLabel('apiCalls', 'all', 'en')).toBe('API calls');
    expect(badgeLabel('views', 'month', 'fr')).toBe('vues ce mois-ci');
    expect(badgeLabel('downloads', 'all', 'fr')).toBe('téléchargements');
  });

  it('is the same "usage | n/a" badge for every metric and period when there is no public figure', () => {
    const svgs = new Set(
      (['views', 'downloads', 'apiCalls'] as const).flatMap((metric) => (['all', 'month'] as const).map((period) => badgeSvg(null, { metric, period, lang: 'en' }))),
    );
    expect(svgs.size).toBe(1);
    expect(badgeContent(null, { metric: 'views', period: 'all', lang: 'en' })).toMatchObject({ label: 'usage', message: 'n/a' });
    expect(badgeContent(null, { metric: 'views', period: 'all', lang: 'fr' })).toMatchObject({ label: 'utilisation', message: 'n.d.' });
  });

  it('is an accessible SVG sized to its text that references nothing outside itself', () => {
    const svg = badgeSvg(1234, { metric: 'downloads', period: 'all', lang: 'en' });
    expect(svg).toMatch(/^<svg [^>]*width="\d+" height="20" role="img" aria-label="downloads: 1\.2k">/);
    expect(svg).toContain('<title>downloads: 1.2k</title>');
    // The only URLs are XML namespace names (never fetched); url(#…) are fragments of the badge itself.
    expect(new Set(svg.match(/https?:\/\/[^"]*/g))).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    expect(svg.match(/="https?:/g)).toHaveLength(2);
    expect(svg).not.toMatch(/@import|@font-face|<image|<script|xlink:href|\shref=/);
    for (const ref of svg.match(/url\([^)]*\)/g) ?? []) expect(ref).toMatch(/^url\(#[\w-]+\)$/);
    // A longer text makes a wider badge: widths are measured, not fixed.
    const width = (s: string) => Number(/width="(\d+)"/.exec(s)![1]);
    expect(width(badgeSvg(1234, { metric: 'downloads', period: 'month', lang: 'fr' }))).toBeGreaterThan(width(svg));
  });

  it('escapes nothing it should not: the French label survives as text', () => {
    expect(badgeSvg(5, { metric: 'downloads', period: 'all', lang: 'fr' })).toContain('aria-label="téléchargements: 5"');
  });

  it('gives a strong ETag that follows the bytes', () => {
    const a = strongEtag('<svg>1</svg>');
    expect(a).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(strongEtag('<svg>1</svg>')).toBe(a);
    expect(strongEtag('<svg>2</svg>')).not.toBe(a);
  });
});

describe('ifNoneMatchHits', () => {
  it('matches a listed tag, weak or strong, and *', () => {
    expect(ifNoneMatchHits('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"x", "a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('*', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchHits('a', '"a"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"a"')).toBe(false);
    expect(ifNoneMatchHits('', '"a"')).toBe(false);
  });
});

describe('sparklinePoints', () => {
  it('spreads points over the width, the largest value at the top', () => {
    expect(sparklinePoints([0, 5, 10], 104, 24, 2)).toBe('2,22 52,12 102,2');
  });

  it('draws all zeros on the bottom line and a single value in the middle', () => {
    expect(sparklinePoints([0, 0], 10, 10, 1)).toBe('1,9 9,9');
    expect(sparklinePoints([3], 10, 10, 1)).toBe('5,1');
    expect(sparklinePoints([], 10, 10)).toBe('');
  });
});

describe('widgetSummary', () => {
  const points = [
    { period: '2026-03-01', views: 2, downloads: 0 },
    { period: '2026-03-02', views: 1200, downloads: 3 },
    { period: '2026-03-03', views: 0, downloads: 1 },
  ];

  it('gives the totals and the busiest day in English', () => {
    expect(widgetSummary(points, '30d', 'en')).toBe('Usage, last 30 days: 1,202 views (most 1,200 on Mar 2, 2026); 4 downloads (most 3 on Mar 2, 2026).');
  });

  it('gives them in French', () => {
    expect(widgetSummary(points, '30d', 'fr')).toBe(`Utilisation, 30 derniers jours\u00a0: 1${NNBSP}202 vues (maximum 1${NNBSP}200 le 2 mars 2026)\u00a0; 4 téléchargements (maximum 3 le 2 mars 2026).`);
  });

  it('marks the running last point', () => {
    expect(partialNote('2026-03-31', 'en')).toBe('Mar 31, 2026: so far.');
    expect(partialNote('2026-03', 'fr')).toBe('mars 2026\u00a0: en cours.');
  });

  it('says months as months and has no peak without use', () => {
    expect(periodWords('2026-03', 'fr')).toBe('mars 2026');
    expect(widgetSummary([{ period: '2026-03', views: 0, downloads: 0 }], '12m', 'en')).toBe('Usage, last 12 months: 0 views; 0 downloads.');
  });
});

describe('framePage', () => {
  it('is the widget alone in the language asked for, with its attributes escaped', () => {
    const html = framePage('a"b<c', 'fr', '12m', '../widget.js');
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<title>Utilisation · 12 derniers mois</title>');
    expect(html).toContain('data-usage-gateway-dataset="a&#34;b&#60;c" data-range="12m"');
    expect(html).toContain('<script src="../widget.js"></script>');
    expect(html).not.toMatch(/https?:/);
  });
});
