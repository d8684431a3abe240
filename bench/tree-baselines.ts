import type { Document } from 'mongodb';
import type { Store } from '../src/store/store';

/**
 * What resolvers without DataLoader do: every field of every node asks the
 * database on its own (the N+1 pattern), walking the same tree as the
 * benchmark's GraphQL query.
 */
export async function naiveTree(store: Store, first: number): Promise<number> {
  let nodes = 0;
  const cols = await store.collections.find({}).sort({ _id: 1 }).limit(first).toArray();
  await Promise.all(
    cols.map(async (c) => {
      nodes++;
      await store.usageTotals.findOne({ _id: `COLLECTION:${c._id}` });
      await store.collections.find({ _id: { $in: c.parentCollectionIds } }).toArray();
      const datasets = await store.datasets.find({ collectionIds: c._id }).sort({ _id: 1 }).toArray();
      await Promise.all(
        datasets.map(async (d) => {
          nodes++;
          await store.usageTotals.findOne({ _id: `DATASET:${d._id}` });
          await store.collections.find({ _id: { $in: d.collectionIds } }).toArray();
          await store.spaces.find({ _id: { $in: d.spaceIds } }).toArray();
          const files = await store.files.find({ datasetIds: d._id }).sort({ _id: 1 }).toArray();
          await Promise.all(
            files.map(async (f) => {
              nodes++;
              await store.usageTotals.findOne({ _id: `FILE:${f._id}` });
              await store.datasets.find({ _id: { $in: f.datasetIds } }).toArray();
            }),
          );
        }),
      );
    }),
  );
  return nodes;
}

/** The fewest hand-written queries that fetch the same data: one per level and relation. */
export async function handWrittenTree(store: Store, first: number): Promise<number> {
  const cols = await store.collections.find({}).sort({ _id: 1 }).limit(first).batchSize(20_000).toArray();
  const colIds = cols.map((c) => c._id);
  const datasets = await store.datasets.find({ collectionIds: { $in: colIds } }).batchSize(20_000).toArray();
  const dsIds = datasets.map((d) => d._id);
  const files = await store.files.find({ datasetIds: { $in: dsIds } }).batchSize(20_000).toArray();
  const keys = [
    ...colIds.map((id) => `COLLECTION:${id}`),
    ...dsIds.map((id) => `DATASET:${id}`),
    ...files.map((f) => `FILE:${f._id}`),
  ];
  const parentCollections = new Set([...cols.flatMap((c) => c.parentCollectionIds), ...datasets.flatMap((d) => d.collectionIds)]);
  const spaces = new Set(datasets.flatMap((d) => d.spaceIds));
  const fileParents = new Set(files.flatMap((f) => f.datasetIds));
  await Promise.all([
    store.usageTotals.find({ _id: { $in: keys } } as Document).batchSize(20_000).toArray(),
    store.collections.find({ _id: { $in: [...parentCollections] } }).batchSize(20_000).toArray(),
    store.spaces.find({ _id: { $in: [...spaces] } }).batchSize(20_000).toArray(),
    store.datasets.find({ _id: { $in: [...fileParents] } }).batchSize(20_000).toArray(),
  ]);
  return cols.length + datasets.length + files.length;
}
