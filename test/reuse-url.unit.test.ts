import { distinctReuseLinks, reuseIdFor, reuseUrlKey, storedReuseKey } from '../src/dashboard/reuse-url';

describe('reuseUrlKey: the identity of a reuse URL', () => {
  const BASE = 'https://apps.example.org/map';

  it.each([
    ['host case', 'https://Apps.EXAMPLE.org/map'],
    ['scheme case', 'HTTPS://apps.example.org/map'],
    ['http for https', 'http://apps.example.org/map'],
    ['default port', 'https://apps.example.org:443/map'],
    ['default port of http', 'http://apps.example.org:80/map'],
    ['trailing slash', 'https://apps.example.org/map/'],
    ['fragment', 'https://apps.example.org/map#section-2'],
    ['empty query', 'https://apps.example.org/map?'],
    ['utm_ parameters', 'https://apps.example.org/map?utm_source=newsletter&utm_medium=email&UTM_Campaign=x'],
    ['fbclid', 'https://apps.example.org/map?fbclid=IwAR0abc'],
    ['gclid, msclkid, mc_cid, mc_eid', 'https://apps.example.org/map?gclid=1&msclkid=2&mc_cid=3&mc_eid=4'],
    ['user info', 'https://someone:secret@apps.example.org/map'],
    ['trailing dot of the host', 'https://apps.example.org./map'],
    ['dot segments', 'https://apps.example.org/tools/../map'],
    ['all at once', 'HTTP://Apps.Example.Org:80/map/?utm_source=x&fbclid=y#top'],
  ])('%s is the same reuse', (_what, url) => {
    expect(reuseUrlKey(url)).toBe(reuseUrlKey(BASE));
    expect(reuseUrlKey(url)).toBe(BASE);
  });

  it('keeps the other query parameters, sorted by name, repeated names in their order', () => {
    expect(reuseUrlKey('https://a.example.org/v?z=1&a=2&utm_source=x&b=3&a=1')).toBe('https://a.example.org/v?a=2&a=1&b=3&z=1');
    expect(reuseUrlKey('https://a.example.org/v?b=1&a=2')).toBe(reuseUrlKey('https://a.example.org/v?a=2&b=1'));
  });

  it('tells apart what may be a different page', () => {
    const key = reuseUrlKey('https://apps.example.org/Map');
    expect(reuseUrlKey('https://apps.example.org/map')).not.toBe(key); // path case is kept
    expect(reuseUrlKey('https://www.apps.example.org/Map')).not.toBe(key);
    expect(reuseUrlKey('https://apps.example.org:8443/Map')).not.toBe(key);
    expect(reuseUrlKey('https://apps.example.org/Map?id=2')).not.toBe(reuseUrlKey('https://apps.example.org/Map?id=3'));
    // `ref` is not a tracking parameter here: on code hosts it names a branch.
    expect(reuseUrlKey('https://git.example.org/repo?ref=main')).not.toBe(reuseUrlKey('https://git.example.org/repo?ref=dev'));
    expect(reuseUrlKey('https://apps.example.org/?q=Paris')).not.toBe(reuseUrlKey('https://apps.example.org/?q=paris'));
  });

  it('keeps the root path and upper-cases percent escapes', () => {
    expect(reuseUrlKey('https://apps.example.org')).toBe('https://apps.example.org/');
    expect(reuseUrlKey('https://apps.example.org///')).toBe('https://apps.example.org/');
    expect(reuseUrlKey('https://apps.example.org/a%2fb?q=%c3%a9')).toBe(reuseUrlKey('https://apps.example.org/a%2Fb?q=%C3%A9'));
  });

  it('throws on what is not a URL', () => {
    expect(() => reuseUrlKey('not a url')).toThrow('Invalid URL');
  });

  it('derives the key of a stored reuse without one from its url', () => {
    expect(storedReuseKey({ url: 'https://Apps.example.org/map/' })).toBe(BASE);
    expect(storedReuseKey({ url: 'https://other.example.org/', urlKey: BASE })).toBe(BASE);
    expect(storedReuseKey({ url: 'garbage' })).toBe('garbage');
  });

  it('derives the same id from the same key and datasets, in any order', () => {
    expect(reuseIdFor(BASE, ['b', 'a'])).toBe(reuseIdFor(BASE, ['a', 'b', 'a']));
    expect(reuseIdFor(BASE, ['a'])).not.toBe(reuseIdFor(BASE, ['a', 'b']));
    expect(reuseIdFor(BASE, ['a'])).not.toBe(reuseIdFor(`${BASE}2`, ['a']));
    expect(reuseIdFor(BASE, ['a'])).toMatch(/^reuse-[0-9a-f]{40}$/);
  });
});

describe('distinctReuseLinks', () => {
  it('merges the links of one URL key, keeping the smallest id and every dataset', () => {
    const merged = distinctReuseLinks([
      { id: 'r3', datasetIds: ['a'], key: 'k1' },
      { id: 'r1', datasetIds: ['a'], key: 'k1' },
      { id: 'r2', datasetIds: ['b', 'a'], key: 'k1' },
      { id: 'r4', datasetIds: ['a'], key: 'k2' },
    ]);
    expect(merged).toEqual([
      { id: 'r1', datasetIds: ['a', 'b'] },
      { id: 'r4', datasetIds: ['a'] },
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(distinctReuseLinks([])).toEqual([]);
  });
});
