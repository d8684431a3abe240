import { DOUBLE_CLICK_WINDOW_MS, type DaySecret, type SecretOfDay } from '../counting/identity';
import { DAY_MS, utcDay } from '../util/utc-day';
import type { IdentitySecretRepository } from '../store/identity-secret.repository';

/**
 * The first day whose secret must still exist when events up to `keyDays`
 * old are accepted at `now`: the day of the oldest accepted instant, or the
 * day before it when that instant is in its day's first 30 s (such an
 * event's `ckp` is made with the day before's secret, identity.ts).
 */
export function firstKeptSecretDay(now: Date, keyDays: number): string {
  return utcDay(new Date(now.getTime() - keyDays * DAY_MS - DOUBLE_CLICK_WINDOW_MS));
}

/**
 * The identity-key secrets of UTC days as one process uses them: read or
 * created in the database once per day (IdentitySecretRepository, shared
 * by every instance), then served from memory, so keying an event costs no
 * round trip after the day's first.
 */
export class DaySecrets {
  private readonly cache = new Map<string, DaySecret>();
  private readonly pending = new Map<string, Promise<DaySecret>>();

  constructor(private readonly repo: IdentitySecretRepository) {}

  /**
   * The secrets of `days` (read or created as needed), as a look-up for
   * `eventKeys`. The look-up throws for a day not asked for here: a key is
   * never made with a secret nobody stored.
   */
  async forDays(days: Iterable<string>): Promise<SecretOfDay> {
    const missing = [...new Set(days)].filter((d) => !this.cache.has(d));
    if (missing.length) await Promise.all(missing.map((d) => this.load(d)));
    return (day) => {
      const s = this.cache.get(day);
      if (!s) throw new Error(`no identity secret loaded for ${day}`);
      return s;
    };
  }

  /**
   * Destroys, in the database and in this process's memory, the secrets of
   * the days before `day`: from then on nobody can recompute those days'
   * keys. Returns how many were deleted from the database.
   */
  async destroyBefore(day: string): Promise<number> {
    for (const d of [...this.cache.keys()]) if (d < day) this.cache.delete(d);
    return this.repo.deleteBefore(day);
  }

  private load(day: string): Promise<DaySecret> {
    let p = this.pending.get(day);
    if (!p) {
      p = this.repo
        .getOrCreate(day)
        .then((s) => {
          this.cache.set(day, s);
          return s;
        })
        .finally(() => this.pending.delete(day));
      this.pending.set(day, p);
    }
    return p;
  }
}
