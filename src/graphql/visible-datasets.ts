import type { GatewayContext } from './context';
import type { DatasetDoc } from '../store/catalog.documents';
import { canSeeDataset } from '../auth/visibility';

/** The ids of the datasets the caller may see among `docs`, each once (a summed series counts a dataset once). */
export function visibleDatasetIds(docs: readonly (DatasetDoc | Error | null)[], ctx: GatewayContext): string[] {
  const ids = new Set<string>();
  for (const d of docs) if (d && !(d instanceof Error) && canSeeDataset(d, ctx.caller)) ids.add(d._id);
  return [...ids];
}
