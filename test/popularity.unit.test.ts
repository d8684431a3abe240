import { mulberry32 } from '../src/demo/prng';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  POPULARITY_FORMULA_VERSION,
  popularityInput,
  compareByScoreDesc,
  scorePopularity,
  type PopularityInput,
  type PopularityResult,
} from '../src/dashboard/popularity';
import { DEFAULT_POPULARITY_WEIGHTS, parsePopularityWeights, validateWeights, type PopularityWeights } from '../src/dashboard/popularity-weights';
import { scoreHistogram } from '../src/dashboard/score-histogram';

type Metric = 'downloads' | 'apiCalls' | 'reuses';
const METRICS: readonly Metric[] = ['downloads', 'apiCalls', 'reuses'];

/** Seeded PRNG so the property tests are reproducible. */
const prng = mulberry32;

/** Heavy-tailed count: often 0, mostly small, sometimes huge. */
function count(rand: () => number): number {
  const r = rand();
  if (r < 0.3) return 0;
  if (r < 0.35) return Math.floor(1e6 + rand() * 1e9); // outliers
  return Math.floor(Math.expm1(rand() * 12));
}

function generateSet(rand: () => number, size: number): PopularityInput[] {
  const set: PopularityInput[] = [];
  for (let i = 0; i < size; i += 1) {
    set.push({ id: `ds-${i}`, downloads: count(rand), apiCalls: count(rand), reuses: count(rand) });
  }
  return set;
}

function cents(x: number): number {
  return Math.round(x * 100);
}

function get(results: Map<string, PopularityResult>, id: string): PopularityResult {
  const r = results.get(id);
  if (r === undefined) throw new Error(`no result for ${id}`);
  return r;
}

function checkInvariants(inputs: readonly PopularityInput[], results: Map<string, PopularityResult>, w: PopularityWeights): void {
  expect(results.size).toBe(inputs.length);
  const total = w.downloads + w.apiCalls + w.reuses;
  const ranks = new Set<number>();
  for (const input of inputs) {
    const r = get(results, input.id);
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(r.score).toBeLessThanOrEqual(100);
    expect(Math.abs(r.score * 100 - cents(r.score))).toBeLessThan(1e-6); // 2 decimals
    expect(r.percentile).toBeGreaterThanOrEqual(0);
    expect(r.percentile).toBeLessThan(100);
    ranks.add(r.rank);
    let sumCents = 0;
    for (const m of METRICS) {
      const c = r.contributions[m];
      expect(c).toBeGreaterThanOrEqual(0);
      // never more than the metric's share of 100 (+ at most one rounding hundredth)
      expect(cents(c)).toBeLessThanOrEqual(Math.ceil((100 * 100 * w[m]) / total));
      if (input[m] === 0) expect(c).toBe(0);
      sumCents += cents(c);
    }
    expect(sumCents).toBe(cents(r.score));
    expect(r.metrics).toEqual({ downloads: input.downloads, apiCalls: input.apiCalls, reuses: input.reuses });
    if (input.downloads === 0 && input.apiCalls === 0 && input.reuses === 0) expect(r.score).toBe(0);
  }
  expect([...ranks].sort((a, b) => a - b)).toEqual(inputs.map((_, i) => i + 1));
}

describe('POPULARITY_FORMULA_VERSION', () => {
  it('is semver and matches the published doc', () => {
    expect(POPULARITY_FORMULA_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    const doc = readFileSync(join(__dirname, '..', 'docs', 'popularity.md'), 'utf8');
    expect(doc).toContain(`**Formula version: ${POPULARITY_FORMULA_VERSION}**`);
  });
});

describe('popularityInput (formula 2: people, not clicks)', () => {
  it('takes unique requests for downloads and API calls at most once per investigating session', () => {
    expect(popularityInput({ uniqueRequests: 3, uniqueInvestigations: 10, apiCalls: 4 })).toEqual({ downloads: 3, apiCalls: 4 });
    // One account polling 500 times in 2 sessions weighs as 2 calls.
    expect(popularityInput({ uniqueRequests: 0, uniqueInvestigations: 2, apiCalls: 500 })).toEqual({ downloads: 0, apiCalls: 2 });
    expect(popularityInput({ uniqueRequests: 0, uniqueInvestigations: 0, apiCalls: 0 })).toEqual({ downloads: 0, apiCalls: 0 });
  });

  it('ranks a dataset 2 people used below one 5 people used, whatever the clicks behind them', () => {
    const r = scorePopularity([
      { id: 'volume', ...popularityInput({ uniqueRequests: 2, uniqueInvestigations: 2, apiCalls: 0 }), reuses: 0 },
      { id: 'people', ...popularityInput({ uniqueRequests: 5, uniqueInvestigations: 5, apiCalls: 0 }), reuses: 0 },
    ]);
    expect(r.get('people')!.rank).toBe(1);
    expect(r.get('volume')!.metrics.downloads).toBe(2);
  });
});

describe('scorePopularity', () => {
  it('returns an empty map for an empty input', () => {
    expect(scorePopularity([]).size).toBe(0);
  });

  it('gives exactly 0 (not NaN) to everyone when there is no activity at all', () => {
    const inputs = ['a', 'b', 'c'].map((id) => ({ id, downloads: 0, apiCalls: 0, reuses: 0 }));
    const results = scorePopularity(inputs);
    for (const input of inputs) {
      const r = get(results, input.id);
      expect(r.score).toBe(0);
      expect(r.percentile).toBe(0);
      expect(r.contributions).toEqual({ downloads: 0, apiCalls: 0, reuses: 0 });
    }
    expect([...results.values()].map((r) => [r.id, r.rank])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
  });

  it('gives a brand-new dataset 0 among active ones', () => {
    const results = scorePopularity([
      { id: 'old', downloads: 100, apiCalls: 5, reuses: 1 },
      { id: 'new', downloads: 0, apiCalls: 0, reuses: 0 },
    ]);
    expect(get(results, 'new')).toMatchObject({ score: 0, rank: 2, percentile: 0 });
    expect(get(results, 'old')).toMatchObject({ score: 100, rank: 1, percentile: 50 });
  });

  describe('a single dataset', () => {
    it('scores 100 with all three metrics', () => {
      const r = get(scorePopularity([{ id: 'x', downloads: 3, apiCalls: 7, reuses: 1 }]), 'x');
      expect(r).toMatchObject({ score: 100, rank: 1, percentile: 0 });
      expect(r.contributions).toEqual({ downloads: 50, apiCalls: 30, reuses: 20 });
    });

    it('scores 100 × the weights of its non-zero metrics', () => {
      expect(get(scorePopularity([{ id: 'x', downloads: 10, apiCalls: 0, reuses: 0 }]), 'x').score).toBe(50);
      expect(get(scorePopularity([{ id: 'x', downloads: 0, apiCalls: 1, reuses: 2 }]), 'x').score).toBe(50);
      expect(get(scorePopularity([{ id: 'x', downloads: 0, apiCalls: 0, reuses: 0 }]), 'x').score).toBe(0);
    });
  });

  it('does not redistribute the weight of a metric nobody has', () => {
    const results = scorePopularity([
      { id: 'a', downloads: 1000, apiCalls: 50, reuses: 0 },
      { id: 'b', downloads: 10, apiCalls: 1, reuses: 0 },
    ]);
    expect(get(results, 'a').score).toBe(80);
    expect(get(results, 'a').contributions.reuses).toBe(0);
  });

  it('damps outliers: one huge dataset does not crush the others to 0', () => {
    const results = scorePopularity([
      { id: 'giant', downloads: 1e9, apiCalls: 1e10, reuses: 1000 },
      { id: 'small', downloads: 100, apiCalls: 100, reuses: 1 },
      { id: 'tiny', downloads: 1, apiCalls: 0, reuses: 0 },
    ]);
    expect(get(results, 'giant').score).toBe(100);
    expect(get(results, 'small').score).toBeGreaterThan(15);
    expect(get(results, 'tiny').score).toBeGreaterThan(0);
  });

  it('is bounded and keeps its invariants on generated sets', () => {
    const rand = prng(20240601);
    for (let round = 0; round < 200; round += 1) {
      const inputs = generateSet(rand, 1 + Math.floor(rand() * 40));
      checkInvariants(inputs, scorePopularity(inputs), DEFAULT_POPULARITY_WEIGHTS);
    }
  });

  it('is monotonic (non-decreasing) in each metric, others and the rest of the set fixed', () => {
    const rand = prng(42);
    let checks = 0;
    for (let round = 0; round < 150; round += 1) {
      const inputs = generateSet(rand, 1 + Math.floor(rand() * 25));
      const weights: PopularityWeights =
        round % 3 === 0 ? DEFAULT_POPULARITY_WEIGHTS : { downloads: rand(), apiCalls: rand(), reuses: rand() + 0.01 };
      const before = scorePopularity(inputs, weights);
      const target = Math.floor(rand() * inputs.length);
      for (const m of METRICS) {
        const max = Math.max(...inputs.map((d) => d[m]));
        const old = inputs[target][m];
        // small step, big step, exactly the max, past the max
        for (const next of [old + 1, old * 10 + 7, Math.max(old, max), max * 3 + 1]) {
          const changed = inputs.map((d, i) => (i === target ? { ...d, [m]: next } : d));
          const after = scorePopularity(changed, weights);
          const id = inputs[target].id;
          expect(get(after, id).score).toBeGreaterThanOrEqual(get(before, id).score);
          checks += 1;
        }
      }
    }
    expect(checks).toBe(150 * 3 * 4);
  });

  it('is strictly increasing below the maximum when the weight is positive', () => {
    const base = [
      { id: 'top', downloads: 1e6, apiCalls: 1e6, reuses: 100 },
      { id: 'x', downloads: 10, apiCalls: 10, reuses: 1 },
    ];
    const s = (downloads: number): number =>
      get(scorePopularity([base[0], { ...base[1], downloads }]), 'x').score;
    expect(s(100)).toBeGreaterThan(s(10));
    expect(s(10000)).toBeGreaterThan(s(100));
  });

  it('does not depend on the input order (except the map iteration order)', () => {
    const rand = prng(7);
    const inputs = generateSet(rand, 30);
    const a = scorePopularity(inputs);
    const reversed = [...inputs].reverse();
    const b = scorePopularity(reversed);
    for (const input of inputs) expect(get(b, input.id)).toEqual(get(a, input.id));
    expect([...b.keys()]).toEqual(reversed.map((d) => d.id));
  });

  it('breaks ties by id ascending; tied datasets share the percentile', () => {
    const results = scorePopularity([
      { id: 'zeta', downloads: 50, apiCalls: 0, reuses: 0 },
      { id: 'alpha', downloads: 50, apiCalls: 0, reuses: 0 },
      { id: 'Mu', downloads: 50, apiCalls: 0, reuses: 0 },
      { id: 'low', downloads: 1, apiCalls: 0, reuses: 0 },
    ]);
    // 'M' (77) < 'a' (97): code-unit order, not locale order
    expect(get(results, 'Mu').rank).toBe(1);
    expect(get(results, 'alpha').rank).toBe(2);
    expect(get(results, 'zeta').rank).toBe(3);
    expect(get(results, 'low').rank).toBe(4);
    for (const id of ['Mu', 'alpha', 'zeta']) expect(get(results, id).percentile).toBe(25);
    expect(get(results, 'low').percentile).toBe(0);
  });

  it('computes the percentile as the share of strictly lower scores over n', () => {
    const inputs = [1, 2, 3, 4, 5, 6].map((k) => ({ id: `d${k}`, downloads: 10 ** k, apiCalls: 0, reuses: 0 }));
    const results = scorePopularity(inputs);
    expect(inputs.map((d) => get(results, d.id).percentile)).toEqual([0, 16.67, 33.33, 50, 66.67, 83.33]);
    expect(inputs.map((d) => get(results, d.id).rank)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('uses rounded scores for ties', () => {
    // two raw scores that differ below a hundredth must tie
    const results = scorePopularity([
      { id: 'top', downloads: 1e12, apiCalls: 0, reuses: 0 },
      { id: 'b', downloads: 1000000, apiCalls: 0, reuses: 0 },
      { id: 'a', downloads: 1000001, apiCalls: 0, reuses: 0 },
    ]);
    expect(get(results, 'a').score).toBe(get(results, 'b').score);
    expect(get(results, 'a').rank).toBe(2);
    expect(get(results, 'b').rank).toBe(3);
    expect(get(results, 'a').percentile).toBe(0);
  });

  it('changes with the weights, and only their ratios matter', () => {
    const inputs = [
      { id: 'downloaded', downloads: 10000, apiCalls: 10, reuses: 0 },
      { id: 'reused', downloads: 100, apiCalls: 10, reuses: 20 },
    ];
    const byDownloads = scorePopularity(inputs, { downloads: 1, apiCalls: 0, reuses: 0 });
    const byReuses = scorePopularity(inputs, { downloads: 0, apiCalls: 0, reuses: 1 });
    expect(get(byDownloads, 'downloaded').rank).toBe(1);
    expect(get(byReuses, 'reused').rank).toBe(1);
    expect(get(byDownloads, 'reused').score).not.toBe(get(byReuses, 'reused').score);

    const scaled = scorePopularity(inputs, { downloads: 5, apiCalls: 3, reuses: 2 });
    const defaults = scorePopularity(inputs);
    for (const d of inputs) expect(get(scaled, d.id)).toEqual(get(defaults, d.id));
  });

  it('keeps contributions summing to the score where independent rounding would not', () => {
    // bike-stations of the worked example: 43.288 + 30 + 6.667 = 79.955
    const r = get(
      scorePopularity([
        { id: 'a', downloads: 12000, apiCalls: 1, reuses: 7 },
        { id: 'bike-stations', downloads: 3400, apiCalls: 1200000, reuses: 1 },
      ]),
      'bike-stations',
    );
    expect(r.score).toBe(79.95);
    expect(r.contributions).toEqual({ downloads: 43.29, apiCalls: 30, reuses: 6.66 });
  });

  it('rejects invalid weights, duplicate ids and bad counts', () => {
    expect(() => scorePopularity([], { downloads: 0, apiCalls: 0, reuses: 0 })).toThrow(/all be zero/);
    const ok = { id: 'a', downloads: 1, apiCalls: 1, reuses: 1 };
    expect(() => scorePopularity([ok, ok])).toThrow(/duplicate dataset id "a"/);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => scorePopularity([{ ...ok, apiCalls: bad }])).toThrow(/dataset "a": apiCalls must be a finite number >= 0/);
    }
  });
});

describe('compareByScoreDesc', () => {
  it('orders by score desc then id asc', () => {
    const items = [
      { id: 'b', score: 10 },
      { id: 'a', score: 10 },
      { id: 'c', score: 50 },
      { id: 'd', score: 0 },
    ];
    expect([...items].sort(compareByScoreDesc).map((x) => x.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(compareByScoreDesc({ id: 'a', score: 1 }, { id: 'a', score: 1 })).toBe(0);
  });
});

describe('validateWeights', () => {
  it('accepts valid weights', () => {
    expect(validateWeights(DEFAULT_POPULARITY_WEIGHTS)).toBeNull();
    expect(validateWeights({ downloads: 0, apiCalls: 0, reuses: 3 })).toBeNull();
  });

  it('rejects non-finite, negative and all-zero weights with a clear message', () => {
    expect(validateWeights({ downloads: Number.NaN, apiCalls: 1, reuses: 1 })).toMatch(/"downloads" must be a finite number/);
    expect(validateWeights({ downloads: 1, apiCalls: Number.POSITIVE_INFINITY, reuses: 1 })).toMatch(/"apiCalls" must be a finite number/);
    expect(validateWeights({ downloads: 1, apiCalls: 1, reuses: -0.1 })).toMatch(/"reuses" must be >= 0/);
    expect(validateWeights({ downloads: 0, apiCalls: 0, reuses: 0 })).toMatch(/must not all be zero/);
  });

  it('has valid, normalised defaults', () => {
    const { downloads, apiCalls, reuses } = DEFAULT_POPULARITY_WEIGHTS;
    expect(downloads + apiCalls + reuses).toBeCloseTo(1, 12);
  });
});

describe('parsePopularityWeights', () => {
  it('parses the documented format', () => {
    expect(parsePopularityWeights('downloads=0.5,apiCalls=0.3,reuses=0.2')).toEqual(DEFAULT_POPULARITY_WEIGHTS);
    expect(parsePopularityWeights(' reuses = 2 , downloads=5,apiCalls=.5 ')).toEqual({ downloads: 5, apiCalls: 0.5, reuses: 2 });
    expect(parsePopularityWeights('downloads=1,apiCalls=0,reuses=0')).toEqual({ downloads: 1, apiCalls: 0, reuses: 0 });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['downloads=0.5,apiCalls=0.3', /missing reuses/],
    ['downloads=0.5,apiCalls=0.3,reuses=0.2,', /empty entry/],
    ['downloads=0.5;apiCalls=0.3;reuses=0.2', /not a non-negative decimal|must be a non-negative decimal/],
    ['downloads:0.5,apiCalls=0.3,reuses=0.2', /"downloads:0.5" is not name=value/],
    ['downloads=0.5,apiCalls=0.3,reuses=0.2,views=1', /unknown metric "views".*downloads, apiCalls, reuses/],
    ['Downloads=0.5,apiCalls=0.3,reuses=0.2', /unknown metric "Downloads"/],
    ['downloads=0.5,downloads=0.3,reuses=0.2', /sets "downloads" more than once/],
    ['downloads=-1,apiCalls=0.3,reuses=0.2', /"downloads" must be a non-negative decimal number, got "-1"/],
    ['downloads=abc,apiCalls=0.3,reuses=0.2', /got "abc"/],
    ['downloads=,apiCalls=0.3,reuses=0.2', /got ""/],
    ['downloads=1e3,apiCalls=0.3,reuses=0.2', /got "1e3"/],
    ['downloads=Infinity,apiCalls=0.3,reuses=0.2', /got "Infinity"/],
    ['downloads=0,apiCalls=0,reuses=0', /must not all be zero/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePopularityWeights(text)).toThrow(message);
  });
});

describe('scoreHistogram', () => {
  it('builds equal-width buckets with exact edges', () => {
    expect(scoreHistogram([], 4)).toEqual([
      { from: 0, to: 25, count: 0 },
      { from: 25, to: 50, count: 0 },
      { from: 50, to: 75, count: 0 },
      { from: 75, to: 100, count: 0 },
    ]);
    expect(scoreHistogram([0, 100, 50], 1)).toEqual([{ from: 0, to: 100, count: 3 }]);
  });

  it('puts 0 in the first bucket, 100 in the last, and edge values in the bucket they start', () => {
    const h = scoreHistogram([0, 19.99, 20, 40, 99.99, 100], 5);
    expect(h.map((b) => b.count)).toEqual([2, 1, 1, 0, 2]);
  });

  it('places edge values consistently for bucket counts that do not divide 100', () => {
    for (let k = 1; k <= 100; k += 1) {
      const edges = scoreHistogram([], k).map((b) => b.from);
      const h = scoreHistogram(edges, k);
      expect(h.every((b) => b.count === 1)).toBe(true);
      expect(h[k - 1].to).toBe(100);
      expect(scoreHistogram([100], k)[k - 1].count).toBe(1);
    }
  });

  it('counts every score exactly once', () => {
    const rand = prng(99);
    const scores = Array.from({ length: 500 }, () => Math.round(rand() * 10000) / 100);
    for (const k of [1, 3, 7, 10, 33, 100]) {
      const h = scoreHistogram(scores, k);
      expect(h).toHaveLength(k);
      expect(h.reduce((s, b) => s + b.count, 0)).toBe(scores.length);
      for (const b of h) {
        const inBucket = scores.filter((s) => s >= b.from && (s < b.to || (b.to === 100 && s === 100))).length;
        expect(b.count).toBe(inBucket);
      }
    }
  });

  it('works on the scores of scorePopularity', () => {
    const inputs = generateSet(prng(3), 50);
    const scores = [...scorePopularity(inputs).values()].map((r) => r.score);
    expect(scoreHistogram(scores, 10).reduce((s, b) => s + b.count, 0)).toBe(50);
  });

  it('rejects bad bucket counts and scores', () => {
    for (const k of [0, 101, 2.5, Number.NaN, -1]) expect(() => scoreHistogram([], k)).toThrow(RangeError);
    for (const s of [-0.01, 100.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => scoreHistogram([s], 10)).toThrow(/finite numbers in \[0, 100\]/);
    }
  });
});

describe('worked example (docs/popularity.md)', () => {
  const inputs: PopularityInput[] = [
    { id: 'air-quality', downloads: 12000, apiCalls: 250000, reuses: 4 },
    { id: 'bike-stations', downloads: 3400, apiCalls: 1200000, reuses: 1 },
    { id: 'budget-2024', downloads: 800, apiCalls: 0, reuses: 7 },
    { id: 'parking-lots', downloads: 800, apiCalls: 0, reuses: 7 },
    { id: 'new-dataset', downloads: 0, apiCalls: 0, reuses: 0 },
  ];
  const doc = readFileSync(join(__dirname, '..', 'docs', 'popularity.md'), 'utf8');

  it('reproduces the printed results exactly', () => {
    const results = scorePopularity(inputs);
    const table = [...results.values()]
      .sort(compareByScoreDesc)
      .map((r) => [r.rank, r.id, r.score, r.contributions.downloads, r.contributions.apiCalls, r.contributions.reuses, r.percentile]);
    expect(table).toEqual([
      [1, 'air-quality', 92.12, 50, 26.64, 15.48, 80],
      [2, 'bike-stations', 79.95, 43.29, 30, 6.66, 60],
      [3, 'budget-2024', 55.59, 35.59, 0, 20, 20],
      [4, 'parking-lots', 55.59, 35.59, 0, 20, 20],
      [5, 'new-dataset', 0, 0, 0, 0, 0],
    ]);
  });

  it('matches the tables in the doc', () => {
    for (const d of inputs) {
      expect(doc).toContain(`| ${d.id} | ${d.downloads} | ${d.apiCalls} | ${d.reuses} |`);
    }
    const f = (x: number): string => x.toFixed(2);
    for (const r of [...scorePopularity(inputs).values()].sort(compareByScoreDesc)) {
      const c = r.contributions;
      expect(doc).toContain(
        `| ${r.rank} | ${r.id} | ${f(r.score)} | ${f(c.downloads)} | ${f(c.apiCalls)} | ${f(c.reuses)} | ${f(r.percentile)} |`,
      );
    }
  });
});
