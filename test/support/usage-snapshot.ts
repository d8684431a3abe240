import type { Store } from '../../src/store/store';

/**
 * The derived figures as stored, sorted by key, comparable across runs: a
 * recount or rebuild must give the same as live ingestion. Write marks
 * (`batches`) are dropped, as they record how the figures were written.
 */
export async function usageSnapshot(store: Store): Promise<Record<'totals' | 'byUser' | 'daily' | 'userDaily', Record<string, unknown>[]>> {
  const collections = { totals: store.usageTotals, byUser: store.usageByUser, daily: store.usageDaily, userDaily: store.usageByUserDaily };
  const out = { totals: [], byUser: [], daily: [], userDaily: [] } as Record<keyof typeof collections, Record<string, unknown>[]>;
  for (const [name, col] of Object.entries(collections) as [keyof typeof collections, (typeof collections)[keyof typeof collections]][]) {
    const docs = (await col.find({}).sort({ _id: 1 }).toArray()) as unknown as Record<string, unknown>[];
    out[name] = docs.map(({ batches: _b, ...rest }) => rest);
  }
  return out;
}
