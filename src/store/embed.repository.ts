import type { Store } from './store';
import type { DatasetDoc } from './catalog.documents';
import { countersOf, type Counters } from '../domain/counters';
import { ResourceType } from '../domain/resources';
import { totalsId } from './storage-keys';

/** The fields of a dataset that decide whether the public may see it. */
export type DatasetVisibilityRow = Pick<DatasetDoc, '_id' | 'published' | 'visibility' | 'ownerId' | 'spaceIds'>;

/**
 * Reads of the usage badge and widget (src/embed): one dataset's
 * visibility and its all-time totals, each a point read by `_id`.
 */
export class EmbedRepository {
  constructor(private readonly store: Store) {}

  /** The dataset's visibility fields, or null when there is no such dataset. */
  async datasetVisibility(id: string): Promise<DatasetVisibilityRow | null> {
    const d = await this.store.datasets.findOne({ _id: id }, { projection: { _id: 1, published: 1, visibility: 1, ownerId: 1, spaceIds: 1 } });
    return d ? { ...d, spaceIds: d.spaceIds ?? [] } : null;
  }

  /** The dataset's all-time counters (zeros before its first counted event). */
  async datasetTotals(id: string): Promise<Counters> {
    return countersOf(await this.store.usageTotals.findOne({ _id: totalsId(ResourceType.DATASET, id) }));
  }
}
