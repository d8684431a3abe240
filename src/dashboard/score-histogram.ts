/** The dashboard's histogram of popularity scores (docs/popularity.md, "Histogram"). */

/** One bucket of a score histogram: `[from, to)`, the last one `[from, 100]`. */
export interface HistogramBucket {
  from: number;
  to: number;
  count: number;
}

/**
 * Equal-width buckets over [0, 100]; the last bucket includes 100.
 *
 * Bucket i covers `[i·100/k, (i+1)·100/k)` (edges computed as `i*100/k`, not
 * accumulated, so they are exact when k divides 100). A score is placed by
 * comparing it with those same edges, so a score equal to an edge always
 * lands in the bucket that starts there, whatever the floating-point
 * rounding of `score*k/100`.
 *
 * @param bucketCount Integer 1..100.
 * @throws RangeError on a bad bucket count or a score that is not a finite
 *   number in [0, 100].
 */
export function scoreHistogram(scores: readonly number[], bucketCount: number): HistogramBucket[] {
  if (!Number.isInteger(bucketCount) || bucketCount < 1 || bucketCount > 100) {
    throw new RangeError(`bucketCount must be an integer from 1 to 100, got ${String(bucketCount)}`);
  }
  const k = bucketCount;
  const edges: number[] = [];
  for (let i = 0; i <= k; i += 1) edges.push((i * 100) / k);
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i < k; i += 1) buckets.push({ from: edges[i], to: edges[i + 1], count: 0 });
  for (const s of scores) {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 100) {
      throw new RangeError(`histogram scores must be finite numbers in [0, 100], got ${String(s)}`);
    }
    let idx = Math.min(k - 1, Math.floor((s * k) / 100));
    // Correct the estimate against the actual edges (at most one step off).
    while (idx > 0 && s < edges[idx]) idx -= 1;
    while (idx < k - 1 && s >= edges[idx + 1]) idx += 1;
    buckets[idx].count += 1;
  }
  return buckets;
}
