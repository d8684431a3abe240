/** The loaded values that exist (DataLoader `loadMany` yields null or Error for the others). */
export function present<T>(values: readonly (T | null | Error)[]): T[] {
  const out: T[] = [];
  for (const v of values) {
    if (v instanceof Error) throw v;
    if (v != null) out.push(v);
  }
  return out;
}
