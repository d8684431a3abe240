import type { Logger } from 'pino';
import type { Services } from './services';
import { utcDay } from './counting/identity';

export interface MaintenanceOptions {
  /** How often expired events are dropped, ms. Default 3600000 (1 h). */
  pruneEveryMs?: number;
  /** Event log retention, days. */
  retentionDays: number;
}

/**
 * Background upkeep of one gateway instance: drops events older than the
 * retention (no TTL indexes on FerretDB; whole days, by `_id` range).
 * Returns a stop function.
 */
export function startMaintenance(services: Services, logger: Logger, opts: MaintenanceOptions): () => void {
  const prune = setInterval(() => {
    const beforeDay = utcDay(new Date(Date.now() - opts.retentionDays * 86_400_000));
    services.eventLog
      .dropDaysBefore(beforeDay)
      .then((events) => events && logger.info({ events, beforeDay }, 'dropped events past their retention'))
      .catch((err: unknown) => logger.warn({ err }, 'event retention failed; will retry'));
  }, opts.pruneEveryMs ?? 3_600_000);
  prune.unref();
  return () => clearInterval(prune);
}
