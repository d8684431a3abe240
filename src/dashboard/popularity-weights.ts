/**
 * The popularity weights: their shape, defaults, validation and the
 * `POPULARITY_WEIGHTS` text format (docs/popularity.md, "Default weights and
 * configuration"). The defaults and the metric order are part of the formula
 * (popularity.ts): changing either bumps its POPULARITY_FORMULA_VERSION.
 */

/**
 * Relative importance of each metric. Non-negative, finite, not all zero;
 * they are normalised to sum to 1, so `{1, 1, 1}` and `{5, 5, 5}` are the
 * same weights.
 */
export interface PopularityWeights {
  downloads: number;
  apiCalls: number;
  reuses: number;
}

/**
 * Default weights (downloads 0.5, API calls 0.3, reuses 0.2).
 *
 * Why: a download is the most direct sign that someone used the data. API
 * calls matter but one integration can poll thousands of times, so they weigh
 * less (log scaling already damps them too). Reuses are the strongest signal
 * per unit but are sparse — most datasets have none — so a larger weight would
 * turn the score into a "has a reuse or not" flag.
 */
export const DEFAULT_POPULARITY_WEIGHTS: PopularityWeights = Object.freeze({
  downloads: 0.5,
  apiCalls: 0.3,
  reuses: 0.2,
});

/** One metric of the score. */
export type PopularityMetric = keyof PopularityWeights;

/**
 * Fixed metric order. It is the order of the weights in the docs, and it
 * breaks ties when distributing rounding hundredths, so it is part of the
 * formula: do not reorder without a version bump.
 */
export const POPULARITY_METRICS: readonly PopularityMetric[] = ['downloads', 'apiCalls', 'reuses'];

/**
 * Checks weights: each must be a finite number >= 0, and at least one must be
 * > 0 (all-zero weights cannot be normalised).
 *
 * @returns A message naming the problem, or `null` when the weights are valid.
 */
export function validateWeights(w: PopularityWeights): string | null {
  for (const m of POPULARITY_METRICS) {
    const v = w[m];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return `popularity weight "${m}" must be a finite number, got ${String(v)}`;
    }
    if (v < 0) return `popularity weight "${m}" must be >= 0, got ${v}`;
  }
  if (POPULARITY_METRICS.every((m) => w[m] === 0)) {
    return 'popularity weights must not all be zero (at least one of downloads, apiCalls, reuses must be > 0)';
  }
  return null;
}

/**
 * Parses weights in the `POPULARITY_WEIGHTS` format:
 * `downloads=0.5,apiCalls=0.3,reuses=0.2`.
 *
 * Rules: comma-separated `name=value` entries; all three names required,
 * each exactly once, case-sensitive; spaces around names, values and commas
 * are ignored; values are plain non-negative decimals (`2`, `0.25`, `.5`);
 * not all zero. Values need not sum to 1 (they are normalised when scoring).
 * An unset or empty variable means "use {@link DEFAULT_POPULARITY_WEIGHTS}";
 * that decision is the caller's, this function rejects empty text.
 *
 * @throws Error with a message saying what is wrong and what is expected.
 */
export function parsePopularityWeights(text: string): PopularityWeights {
  const expected = 'expected e.g. "downloads=0.5,apiCalls=0.3,reuses=0.2"';
  if (text.trim() === '') throw new Error(`POPULARITY_WEIGHTS is empty; ${expected}`);
  const found: Partial<PopularityWeights> = {};
  for (const rawEntry of text.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') throw new Error(`POPULARITY_WEIGHTS has an empty entry in "${text}"; ${expected}`);
    const eq = entry.indexOf('=');
    if (eq < 0) throw new Error(`POPULARITY_WEIGHTS entry "${entry}" is not name=value; ${expected}`);
    const name = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1).trim();
    if (!(POPULARITY_METRICS as readonly string[]).includes(name)) {
      throw new Error(
        `POPULARITY_WEIGHTS has unknown metric "${name}"; known metrics: ${POPULARITY_METRICS.join(', ')}`,
      );
    }
    const metric = name as PopularityMetric;
    if (found[metric] !== undefined) {
      throw new Error(`POPULARITY_WEIGHTS sets "${metric}" more than once`);
    }
    // Plain decimals only: Number() alone would accept "", "0x10", "1e3", "Infinity".
    if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(value)) {
      throw new Error(
        `POPULARITY_WEIGHTS value for "${metric}" must be a non-negative decimal number, got "${value}"`,
      );
    }
    found[metric] = Number(value);
  }
  const missing = POPULARITY_METRICS.filter((m) => found[m] === undefined);
  if (missing.length > 0) {
    throw new Error(`POPULARITY_WEIGHTS is missing ${missing.join(', ')}; ${expected}`);
  }
  const weights: PopularityWeights = {
    downloads: found.downloads ?? 0,
    apiCalls: found.apiCalls ?? 0,
    reuses: found.reuses ?? 0,
  };
  const problem = validateWeights(weights);
  if (problem !== null) throw new Error(`POPULARITY_WEIGHTS: ${problem}`);
  return weights;
}
