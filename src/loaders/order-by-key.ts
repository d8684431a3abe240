/**
 * DataLoader's batch function must answer in the order of its keys, one
 * result per key; MongoDB's `$in` answers in any order and skips missing
 * ids. This is the one place that reconciles the two.
 */
export function orderByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map<K, V>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((k) => byKey.get(k) ?? null);
}

/** Same, for one-to-many: every key gets the (possibly empty) list of rows it owns. */
export function groupByKey<K, V>(keys: readonly K[], rows: readonly V[], keysOf: (row: V) => readonly K[]): V[][] {
  const groups = new Map<K, V[]>();
  for (const k of keys) groups.set(k, []);
  for (const row of rows) {
    for (const k of keysOf(row)) groups.get(k)?.push(row);
  }
  return keys.map((k) => groups.get(k)!);
}
