import type { UsageFigures } from '../domain/dashboard-inputs';
import { POPULARITY_FORMULA_VERSION, popularityInput, scorePopularity, type PopularityResult } from './popularity';
import { DEFAULT_POPULARITY_WEIGHTS, type PopularityWeights } from './popularity-weights';

/** What a popularity score is relative to: one portal's datasets, or all portals'. */
export type PopularityScopeKind = 'PORTAL' | 'NETWORK';

/** A popularity result with what it is relative to. */
export interface PopularityScore extends PopularityResult {
  scope: PopularityScopeKind;
  /** The portal of a PORTAL score; null for NETWORK. */
  portalId: string | null;
  /** Datasets in the scope (the denominator of the percentile, the largest rank). */
  scopeSize: number;
  formulaVersion: string;
}

/**
 * Popularity of every dataset of a scope, relative to that scope: the
 * published formula (popularity.ts) on the datasets' downloads and API
 * calls counted per session (`popularityInput`) and reuse counts.
 */
export function scoreScope(
  datasets: readonly { id: string }[],
  usage: ReadonlyMap<string, UsageFigures>,
  reuseCount: ReadonlyMap<string, number>,
  scope: { kind: PopularityScopeKind; portalId: string | null },
  weights: PopularityWeights = DEFAULT_POPULARITY_WEIGHTS,
): Map<string, PopularityScore> {
  const results = scorePopularity(
    datasets.map((d) => {
      const u = usage.get(d.id);
      const use = popularityInput({ uniqueRequests: u?.uniqueRequests ?? 0, uniqueInvestigations: u?.uniqueInvestigations ?? 0, apiCalls: u?.apiCalls ?? 0 });
      return { id: d.id, ...use, reuses: reuseCount.get(d.id) ?? 0 };
    }),
    weights,
  );
  const out = new Map<string, PopularityScore>();
  for (const [id, r] of results) {
    out.set(id, {
      ...r,
      contributions: { ...r.contributions },
      metrics: { ...r.metrics },
      scope: scope.kind,
      portalId: scope.kind === 'PORTAL' ? scope.portalId : null,
      scopeSize: results.size,
      formulaVersion: POPULARITY_FORMULA_VERSION,
    });
  }
  return out;
}
