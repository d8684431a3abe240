import type { Filter } from 'mongodb';
import type { Caller } from '../domain/caller';
import { datasetVisibilityFilter } from '../auth/visibility';
import type { CatalogRepository, Page } from '../store/catalog.repository';
import type { CollectionDoc, DatasetDoc, PortalDoc, ThemeDoc } from '../store/catalog.documents';
import type { Visibility } from '../domain/resources';

export interface DatasetQueryFilter {
  portalId?: string | null;
  themeId?: string | null;
  collectionId?: string | null;
  spaceId?: string | null;
  visibility?: Visibility | null;
  published?: boolean | null;
}

/** Catalog listings, with the caller's visibility applied in the query. */
export class CatalogQueries {
  constructor(private readonly repo: CatalogRepository) {}

  datasets(caller: Caller, f: DatasetQueryFilter, first: number, after: string | null): Promise<Page<DatasetDoc>> {
    const and: Filter<DatasetDoc>[] = [datasetVisibilityFilter(caller)];
    if (f.portalId) and.push({ portalId: f.portalId });
    if (f.themeId) and.push({ themeIds: f.themeId });
    if (f.collectionId) and.push({ collectionIds: f.collectionId });
    if (f.spaceId) and.push({ spaceIds: f.spaceId });
    if (f.visibility) and.push({ visibility: f.visibility });
    if (f.published != null) and.push({ published: f.published });
    return this.repo.datasetsPage({ $and: and }, first, after);
  }

  collections(f: { spaceId: string | null; rootsOnly: boolean }, first: number, after: string | null): Promise<Page<CollectionDoc>> {
    const filter: Filter<CollectionDoc> = {};
    if (f.spaceId) filter.spaceIds = f.spaceId;
    if (f.rootsOnly) filter.parentCollectionIds = { $size: 0 };
    return this.repo.page(this.repo.store.collections, filter, first, after);
  }

  portals(): Promise<PortalDoc[]> {
    return this.repo.store.portals.find({}).sort({ _id: 1 }).toArray();
  }

  themes(): Promise<ThemeDoc[]> {
    return this.repo.store.themes.find({}).sort({ name: 1, _id: 1 }).toArray();
  }
}
