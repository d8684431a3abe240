import type { Caller } from '../domain/caller';
import { datasetListScope } from '../auth/visibility';
import type { CatalogRepository, DatasetQueryFilter, Page } from '../store/catalog.repository';
import type { CollectionDoc, DatasetDoc, PortalDoc, ThemeDoc } from '../store/catalog.documents';

/** Catalog listings, with the caller's visibility applied in the query. */
export class CatalogQueries {
  constructor(private readonly repo: CatalogRepository) {}

  datasets(caller: Caller, f: DatasetQueryFilter, first: number, after: string | null): Promise<Page<DatasetDoc>> {
    return this.repo.datasetsPage(datasetListScope(caller), f, first, after);
  }

  collections(f: { spaceId: string | null; rootsOnly: boolean }, first: number, after: string | null): Promise<Page<CollectionDoc>> {
    return this.repo.collectionsPage(f, first, after);
  }

  portals(): Promise<PortalDoc[]> {
    return this.repo.portals();
  }

  themes(): Promise<ThemeDoc[]> {
    return this.repo.themes();
  }
}
