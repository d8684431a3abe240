/**
 * Small pure helpers shared by the demo catalog and event builders: the
 * generation clock, second/Date conversions, seeded draws of times and sizes,
 * slugs and zero-padded ids.
 */
import type { Rng } from './prng';

export const DAY_S = 86_400;

export interface Clock {
  /** Whole seconds, ≤ now: latest time a catalog date may take. */
  nowS: number;
  /** Earliest catalog date. */
  catalogStartS: number;
  /** Earliest event second (inclusive). */
  eventStartS: number;
  /** Latest event second: the last whole second strictly before now. */
  eventEndS: number;
}

/** File-name and URL slug: lower case ASCII, dashes. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function dateOf(seconds: number): Date {
  return new Date(seconds * 1000);
}

export function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** A whole second uniformly in [lo, hi]. */
export function secondBetween(rng: Rng, lo: number, hi: number): number {
  return hi <= lo ? lo : rng.int(lo, hi);
}

/** Log-uniform number in [min, max]: sizes are heavy-tailed. */
export function logUniform(rng: Rng, min: number, max: number): number {
  return Math.exp(Math.log(min) + rng.float() * (Math.log(max) - Math.log(min)));
}

export function requireAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} out of range`);
  return item;
}
