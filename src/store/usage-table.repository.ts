/**
 * Reads of the long usage table: daily documents of one type over a span
 * of days, as one `_id` range (`<TYPE>|<day>|…` in `usage_daily` and
 * `usage_by_user_daily`), in `_id` order — hence day by day.
 */
import type { Document, FindCursor } from 'mongodb';
import type { ResourceType } from '../domain/resources';
import type { Store } from './store';
import { dailyRange } from './storage-keys';

const BATCH = 2000;

export interface DayDocRead extends Record<string, unknown> {
  resourceId: string;
  day: string;
  userId?: string;
  countries?: unknown;
}

export class UsageTableRepository {
  constructor(private readonly store: Store) {}

  /**
   * Day documents of `type` with fromDay <= day <= toDay (null: open), of
   * resources or, with `byUser`, of (user, resource) pairs; their
   * `countries` only `withCountries`.
   */
  async *days(type: ResourceType, fromDay: string | null, toDay: string | null, byUser: boolean, signal?: AbortSignal, withCountries = false): AsyncGenerator<DayDocRead> {
    const range = dailyRange(type, fromDay || null, toDay || null);
    const col = byUser ? this.store.usageByUserDaily : this.store.usageDaily;
    // The signal also reaches the driver: a batch the database is still preparing must not outlive the request's budget.
    const cursor = col.find({ _id: range } as Document, { batchSize: BATCH, projection: withCountries ? { batches: 0 } : { batches: 0, countries: 0 }, ...(signal ? { signal } : {}) }).sort({ _id: 1 }) as unknown as FindCursor<DayDocRead>;
    try {
      for await (const d of cursor) {
        signal?.throwIfAborted();
        yield d;
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  /** Files' titles and datasets (only the ids asked for). */
  async files(ids: readonly string[]): Promise<Map<string, { title: string; datasetIds: string[] }>> {
    const out = new Map<string, { title: string; datasetIds: string[] }>();
    for (let i = 0; i < ids.length; i += 5000) {
      const chunk = ids.slice(i, i + 5000);
      for await (const f of this.store.files.find({ _id: { $in: chunk } }, { projection: { title: 1, datasetIds: 1 } })) {
        out.set(f._id, { title: String(f.title ?? ''), datasetIds: f.datasetIds ?? [] });
      }
    }
    return out;
  }
}
