/**
 * The catalog as one report sees it: the small collections read once into
 * maps, and the portal filter over them.
 *
 * @packageDocumentation
 */
import { ResourceType } from '../domain/resources';
import type { DatasetInfo, ReportRepository, SpaceInfo } from '../store/report.repository';
import type { CatalogLookup } from './report-rows';

/**
 * Reads users, collections and (when asked) spaces and datasets, at once.
 * Reports that show no dataset or space skip those reads.
 */
export async function readCatalog(repo: ReportRepository, needDatasets: boolean, needSpaces = true): Promise<CatalogLookup> {
  const [users, spaces, collections, datasets] = await Promise.all([
    repo.users(),
    needSpaces ? repo.spaces() : Promise.resolve(new Map<string, SpaceInfo>()),
    repo.collections(),
    needDatasets ? repo.datasets() : Promise.resolve(new Map<string, DatasetInfo>()),
  ]);
  return { users, spaces, collections, datasets };
}

/**
 * Whether a row belongs to a portal: a dataset of it, a file with a (visible)
 * parent dataset of it, a collection holding one of its datasets.
 */
export function portalFilter(portalId: string, lookup: CatalogLookup): (type: ResourceType, id: string, parentDatasetIds: readonly string[]) => boolean {
  const collections = new Set<string>();
  for (const d of lookup.datasets.values()) if (d.portalId === portalId) for (const c of d.collectionIds) collections.add(c);
  return (type, id, parents) => {
    if (type === ResourceType.DATASET) return lookup.datasets.get(id)?.portalId === portalId;
    if (type === ResourceType.FILE) return parents.some((p) => lookup.datasets.get(p)?.portalId === portalId);
    return collections.has(id);
  };
}
