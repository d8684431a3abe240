import type { Logger } from 'pino';
import { firstKeptSecretDay, type DaySecrets } from './day-secrets';

export interface SecretExpiryOptions {
  /** The identity-key window, days: `identityKeyWindowDays(config)` (IDENTITY_KEY_DAYS, at most MAX_EVENT_AGE_DAYS). */
  keyDays: number;
  /** How often expired secrets are destroyed, ms. Default 3600000 (1 h). */
  everyMs?: number;
  /** Clock (tests). Default: now. */
  now?: () => Date;
}

/**
 * One pass: destroys the secrets of the days no accepted event can belong
 * to any more. Returns the first day kept and how many secrets went.
 */
export async function destroyExpiredSecrets(secrets: DaySecrets, keyDays: number, now: Date = new Date()): Promise<{ beforeDay: string; deleted: number }> {
  const beforeDay = firstKeptSecretDay(now, keyDays);
  return { beforeDay, deleted: await secrets.destroyBefore(beforeDay) };
}

/**
 * Destroys expired identity-key secrets at start and then periodically, on
 * every instance (a pass is one `deleteMany` by `_id` range; running it on
 * several instances at once is harmless). Why periodic and not only at
 * start: a day closes every day, and a secret kept past its window is a key
 * to reverse that day's hashes. Returns a stop function.
 */
export function startSecretExpiry(secrets: DaySecrets, logger: Logger, opts: SecretExpiryOptions): () => void {
  const now = opts.now ?? (() => new Date());
  const pass = (): void => {
    destroyExpiredSecrets(secrets, opts.keyDays, now())
      .then(({ deleted, beforeDay }) => deleted && logger.info({ deleted, beforeDay }, 'destroyed the identity-key secrets of closed days'))
      .catch((err: unknown) => logger.warn({ err }, 'destroying expired identity-key secrets failed; will retry'));
  };
  pass();
  const timer = setInterval(pass, opts.everyMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
