import type { Collection, Document, Filter } from 'mongodb';

/**
 * Values per `$in` query, and documents per reply batch. Large enough that a
 * whole level of a usage tree is one command (so the command count of a
 * nested query follows its depth, not its size), small enough to stay far
 * below the 16 MiB command and reply limits.
 */
export const IN_CHUNK = 20_000;

export interface FindInOptions<T> {
  /** More conditions every document must meet. */
  filter?: Filter<T>;
  projection?: Document;
  /** Sort each chunk by `_id` (stable child lists). */
  sortById?: boolean;
}

/**
 * Documents whose `field` (a value or an array) is one of `values`, in
 * chunks of {@link IN_CHUNK}. The one place the store batches look-ups:
 * on MongoDB an index answers it, on FerretDB one scan replaces many round
 * trips.
 */
export async function findIn<T extends Document>(
  col: Collection<T>,
  field: string,
  values: readonly string[],
  opts: FindInOptions<T> = {},
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += IN_CHUNK) {
    const inChunk = { [field]: { $in: values.slice(i, i + IN_CHUNK) } };
    const f = (opts.filter ? { $and: [inChunk, opts.filter] } : inChunk) as unknown as Filter<T>;
    let cursor = col.find(f, opts.projection ? { projection: opts.projection } : {}).batchSize(IN_CHUNK);
    if (opts.sortById) cursor = cursor.sort({ _id: 1 });
    for (const d of (await cursor.toArray()) as T[]) out.push(d);
  }
  return out;
}

/** Documents whose `_id` is in `ids`, in no particular order. */
export function findByIds<T extends { _id: string }>(col: Collection<T>, ids: readonly string[], filter?: Filter<T>): Promise<T[]> {
  return findIn(col, '_id', ids, { filter });
}

/** Documents whose array field `field` contains one of `ids`, by `_id`. */
export function findByArrayField<T extends Document>(
  col: Collection<T>,
  field: string,
  ids: readonly string[],
  filter?: Filter<T>,
): Promise<T[]> {
  return findIn(col, field, ids, { filter, sortById: true });
}
