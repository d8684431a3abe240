/**
 * The published, versioned popularity score of datasets.
 *
 * Pure module: no I/O, no clock, no randomness. The same inputs and weights
 * always give the same results, on every platform that implements IEEE-754
 * doubles and `Math.log1p` (which is what makes the score reproducible by
 * anyone from the published formula in docs/popularity.md).
 *
 * Formula (version {@link POPULARITY_FORMULA_VERSION}), for a scope S of
 * datasets (one portal's datasets, or all datasets of the network):
 *
 *   w_m      = weight_m / (weight_downloads + weight_apiCalls + weight_reuses)
 *   max_m    = max over S of x_m
 *   norm_m(x) = log1p(x) / log1p(max_m)      (0 when max_m = 0)
 *   c_m      = 100 · w_m · norm_m(x_m)       (points contributed by metric m)
 *   score    = round2(c_downloads + c_apiCalls + c_reuses)
 *
 * where x_downloads and x_apiCalls count people, not clicks (version 2,
 * {@link popularityInput}): sessions that downloaded the dataset, and its API
 * calls counted at most once per session that investigated it.
 *
 * Any change to this arithmetic or to those inputs (including rounding, tie
 * rules, defaults) must bump {@link POPULARITY_FORMULA_VERSION} and
 * docs/popularity.md.
 */
import {
  DEFAULT_POPULARITY_WEIGHTS,
  POPULARITY_METRICS,
  validateWeights,
  type PopularityMetric,
  type PopularityWeights,
} from './popularity-weights';

/**
 * Version of the popularity formula (semver). MAJOR: scores are not
 * comparable with the previous version; MINOR: new optional behaviour, same
 * scores for the same inputs and weights; PATCH: fixes that do not change any
 * documented output. See docs/popularity.md, "Versioning".
 */
export const POPULARITY_FORMULA_VERSION = '2.0.0';

/** Usage of one dataset inside the scope (and time window, if any). */
export interface PopularityInput {
  /** Dataset id; unique within one call. */
  id: string;
  /** Downloads of the dataset, as {@link popularityInput} counts them (finite, >= 0). */
  downloads: number;
  /** API calls of the dataset, as {@link popularityInput} counts them (finite, >= 0). */
  apiCalls: number;
  /** Known reuses of the dataset (finite, >= 0). */
  reuses: number;
}

/**
 * Points of the 0–100 score each metric contributed. Each is rounded to
 * 2 decimals and, counted in hundredths, they sum exactly to the score.
 */
export interface PopularityContributions {
  downloads: number;
  apiCalls: number;
  reuses: number;
}

/** The popularity of one dataset relative to its scope. */
export interface PopularityResult {
  id: string;
  /** 0–100, 2 decimals; 0 exactly when the dataset has no activity. */
  score: number;
  /** 1 = most popular; the 1-based position in the order score desc, id asc. Unique. */
  rank: number;
  /**
   * 0–100, 2 decimals: share of the datasets of the scope (the dataset itself
   * included in the denominator) whose score is strictly lower.
   */
  percentile: number;
  contributions: PopularityContributions;
  /** The metrics the score was computed from, echoed for display. */
  metrics: { downloads: number; apiCalls: number; reuses: number };
}

/** The stored regular COUNTER figures of a dataset the score's use metrics come from. */
export interface PopularityUsage {
  /** Sessions that downloaded the dataset (COUNTER unique requests). */
  uniqueRequests: number;
  /** Sessions that viewed, called or downloaded it (COUNTER unique investigations). */
  uniqueInvestigations: number;
  /** API calls after the double-click filter. */
  apiCalls: number;
}

/**
 * The score's use metrics (formula version 2): one person's repeated use
 * counts once per session (CoP-RD: a session cookie + day, else a user,
 * cookie or IP + agent + hour), so no single account can buy rank with
 * volume. Downloads are COUNTER unique requests; API calls are counted at
 * most once per investigating session, `min(apiCalls, uniqueInvestigations)`
 * (the gateway keeps no per-session count of API calls alone; this bound
 * holds an account's weight to its sessions). Version 1 used the plain
 * `downloads` and `apiCalls` counters (docs/popularity.md, "Version 1").
 */
export function popularityInput(u: PopularityUsage): Pick<PopularityInput, 'downloads' | 'apiCalls'> {
  return { downloads: u.uniqueRequests, apiCalls: Math.min(u.apiCalls, u.uniqueInvestigations) };
}

/**
 * Rounds to 2 decimals, halves up (scores are never negative). Kept as one
 * helper so score, contributions and percentile round identically.
 */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Deterministic ordering: score descending, then id ascending (by UTF-16
 * code units, i.e. plain `<`, not locale-dependent `localeCompare`, so the
 * order is the same on every server).
 */
export function compareByScoreDesc(
  a: { id: string; score: number },
  b: { id: string; score: number },
): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.id < b.id) return -1;
  if (a.id > b.id) return 1;
  return 0;
}

/**
 * Splits raw contributions (in points) into 2-decimal contributions that sum
 * exactly, in hundredths, to `scoreCents`.
 *
 * Why largest remainder rather than "last = score − others": the latter can
 * give a metric with no activity −0.01, or a metric a share it did not earn.
 * Here each metric gets floor(hundredths) and the 0–3 missing hundredths go,
 * one each, to the largest fractional parts (ties in POPULARITY_METRICS order). Since
 * round(Σ frac) <= number of positive fracs, a metric with raw contribution 0
 * stays exactly 0 and none is ever negative.
 */
function allocateContributions(
  raw: Record<PopularityMetric, number>,
  scoreCents: number,
): PopularityContributions {
  const cents: Record<PopularityMetric, number> = { downloads: 0, apiCalls: 0, reuses: 0 };
  const fracs: { m: PopularityMetric; frac: number; order: number }[] = [];
  let allocated = 0;
  POPULARITY_METRICS.forEach((m, order) => {
    const hundredths = raw[m] * 100;
    const floor = Math.floor(hundredths);
    cents[m] = floor;
    allocated += floor;
    fracs.push({ m, frac: hundredths - floor, order });
  });
  fracs.sort((x, y) => y.frac - x.frac || x.order - y.order);
  let left = scoreCents - allocated;
  for (const f of fracs) {
    if (left <= 0) break;
    if (f.frac <= 0) continue;
    cents[f.m] += 1;
    left -= 1;
  }
  // Unreachable in exact arithmetic (see above); guards the exact-sum promise
  // against a floating-point surprise by giving any rest to the largest share.
  if (left > 0) cents[fracs[0].m] += left;
  return { downloads: cents.downloads / 100, apiCalls: cents.apiCalls / 100, reuses: cents.reuses / 100 };
}

/**
 * Scores every input relative to the whole input set (the "scope": one
 * portal's datasets or the whole network). Returns one result per input id.
 *
 * - A dataset with no activity scores exactly 0; an empty input gives an
 *   empty map.
 * - A metric nobody in the scope has (max = 0) contributes 0 to everyone;
 *   its weight is not redistributed, so the best possible score in that scope
 *   is 100 − 100·w_m (keeps a given score meaning the same weights everywhere).
 * - One single dataset: it is the maximum of every metric it has, so it gets
 *   100 × the sum of the normalised weights of its non-zero metrics (100 if
 *   it has all three, 50 with downloads only and default weights).
 * - Non-decreasing in each of a dataset's own metrics when everything else
 *   is fixed (log1p is increasing; when the dataset becomes the maximum its
 *   norm is exactly 1).
 *
 * Rank and percentile are computed from the rounded (published) scores, so
 * two datasets that display the same score are tied.
 *
 * @param weights Defaults to {@link DEFAULT_POPULARITY_WEIGHTS}; normalised to sum to 1.
 * @throws Error on invalid weights, a duplicate id, or a metric that is not a
 *   finite number >= 0 (a negative or NaN count is an upstream bug; scoring it
 *   silently would publish a wrong number).
 */
export function scorePopularity(
  inputs: readonly PopularityInput[],
  weights: PopularityWeights = DEFAULT_POPULARITY_WEIGHTS,
): Map<string, PopularityResult> {
  const problem = validateWeights(weights);
  if (problem !== null) throw new Error(problem);

  const ids = new Set<string>();
  const max: Record<PopularityMetric, number> = { downloads: 0, apiCalls: 0, reuses: 0 };
  for (const input of inputs) {
    if (ids.has(input.id)) throw new Error(`duplicate dataset id "${input.id}" in popularity input`);
    ids.add(input.id);
    for (const m of POPULARITY_METRICS) {
      const v = input[m];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new RangeError(
          `dataset "${input.id}": ${m} must be a finite number >= 0, got ${String(v)}`,
        );
      }
      if (v > max[m]) max[m] = v;
    }
  }

  const total = weights.downloads + weights.apiCalls + weights.reuses;
  const w: Record<PopularityMetric, number> = {
    downloads: weights.downloads / total,
    apiCalls: weights.apiCalls / total,
    reuses: weights.reuses / total,
  };
  // Computed once per metric: the denominator is the same for the whole scope.
  const logMax: Record<PopularityMetric, number> = {
    downloads: Math.log1p(max.downloads),
    apiCalls: Math.log1p(max.apiCalls),
    reuses: Math.log1p(max.reuses),
  };

  const scored = inputs.map((input) => {
    const raw: Record<PopularityMetric, number> = { downloads: 0, apiCalls: 0, reuses: 0 };
    let sum = 0;
    for (const m of POPULARITY_METRICS) {
      // log1p: counts are heavy-tailed (a few datasets get orders of magnitude
      // more use), so a linear x/max would put almost everyone near 0. log1p
      // also maps 0 to exactly 0, so no activity gives exactly 0, not NaN.
      // max_m = 0 means nobody has the metric: contribute 0 instead of 0/0.
      const norm = logMax[m] === 0 ? 0 : Math.log1p(input[m]) / logMax[m];
      raw[m] = 100 * w[m] * norm;
      sum += raw[m];
    }
    const scoreCents = Math.round(sum * 100);
    return {
      id: input.id,
      score: scoreCents / 100,
      contributions: allocateContributions(raw, scoreCents),
      metrics: { downloads: input.downloads, apiCalls: input.apiCalls, reuses: input.reuses },
    };
  });

  const ordered = [...scored].sort(compareByScoreDesc);
  const n = ordered.length;
  const results = new Map<string, PopularityResult>();
  // Walk from the bottom: `lower` = number of datasets with a strictly lower
  // score, shared by all datasets tied at the same score.
  let lower = 0;
  let i = n - 1;
  while (i >= 0) {
    let j = i;
    while (j > 0 && ordered[j - 1].score === ordered[i].score) j -= 1;
    const percentile = round2((100 * lower) / n);
    for (let k = j; k <= i; k += 1) {
      const s = ordered[k];
      results.set(s.id, { ...s, rank: k + 1, percentile });
    }
    lower += i - j + 1;
    i = j - 1;
  }
  // Map iteration order = input order, so callers that iterate get a stable order.
  const byInput = new Map<string, PopularityResult>();
  for (const input of inputs) {
    const r = results.get(input.id);
    if (r !== undefined) byInput.set(input.id, r);
  }
  return byInput;
}
