import type { AnyBulkWriteOperation, Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';

/**
 * FerretDB 1.24 keeps one SQLite connection open per update statement until
 * the whole command ends, and its pool has 100; a command with ~100 matched
 * updates deadlocks the server. Commands are therefore kept small. Real
 * MongoDB is indifferent to the chunking. With the embedded database's
 * default pool of 4 connections, at most 4 × 20 iterators are open at once.
 */
export const UPDATE_CHUNK = 20;

export const DUPLICATE_KEY = 11000;

export interface BulkOutcome {
  /** Indexes (into the ops given) that failed with a duplicate key. */
  duplicateKeyIndexes: number[];
}

/**
 * Runs write operations in order, in small commands. A duplicate-key error
 * on one operation is recorded and the rest still run (FerretDB stops an
 * update batch at the first error whatever `ordered` says, so we resume
 * after it ourselves). Any other error is thrown.
 */
export async function bulkWriteTolerant<T extends Document>(
  collection: Collection<T>,
  ops: AnyBulkWriteOperation<T>[],
  chunk = UPDATE_CHUNK,
): Promise<BulkOutcome> {
  const duplicateKeyIndexes: number[] = [];
  let start = 0;
  while (start < ops.length) {
    const slice = ops.slice(start, start + chunk);
    try {
      await collection.bulkWrite(slice, { ordered: true });
      start += slice.length;
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      const first = errors[0];
      if (!first || first.code !== DUPLICATE_KEY) throw err;
      duplicateKeyIndexes.push(start + first.index);
      start += first.index + 1;
    }
  }
  return { duplicateKeyIndexes };
}

/**
 * Inserts documents, ignoring (and reporting) those whose `_id` exists.
 * Inserts hold no iterator, so larger chunks are fine.
 */
export async function insertManyIgnoringDuplicates<T extends Document>(
  collection: Collection<T>,
  docs: T[],
  chunk = 500,
): Promise<Set<number>> {
  const dup = new Set<number>();
  for (let start = 0; start < docs.length; start += chunk) {
    const slice = docs.slice(start, start + chunk);
    try {
      await collection.insertMany(slice as OptionalUnlessRequiredId<T>[], { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      for (const e of errors) {
        if (e.code !== DUPLICATE_KEY) throw err;
        dup.add(start + e.index);
      }
    }
  }
  return dup;
}
