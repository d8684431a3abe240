/**
 * UTC days as `YYYY-MM-DD` strings: the one definition every layer uses
 * (counting keys, day indexes, date inputs, dashboard series, the store's
 * `_id`s). String order is time order. Pure.
 */

/** Milliseconds in a UTC day (ECMAScript time has no leap seconds). */
export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` of the UTC day before `day`. */
export function previousDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00.000Z`) - 1));
}
