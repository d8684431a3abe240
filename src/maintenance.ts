import type { Logger } from 'pino';
import type { Services } from './services';
import { IngestRepository } from './store/ingest.repository';

export interface MaintenanceOptions {
  /** How often pending batches are repaired, ms. Default 10000. */
  repairEveryMs?: number;
  /** How often dedup records are pruned, ms. Default 3600000 (1 h). */
  pruneEveryMs?: number;
  /** Dedup retention, days. */
  retentionDays: number;
}

/**
 * Background upkeep of one gateway instance: repairs batches another
 * instance (or a crash) left pending, and prunes expired dedup state (no TTL
 * indexes on FerretDB). Returns a stop function.
 */
export function startMaintenance(services: Services, logger: Logger, opts: MaintenanceOptions): () => void {
  const repo = new IngestRepository(services.store);
  const repair = setInterval(() => {
    services.ingest
      .repairPending()
      .then((n) => n && logger.warn({ batches: n }, 'repaired pending ingestion batches'))
      .catch((err) => logger.warn({ err }, 'pending batch repair failed; will retry'));
  }, opts.repairEveryMs ?? 10_000);
  const prune = setInterval(() => {
    repo
      .prune(new Date(), opts.retentionDays)
      .then((r) => logger.info(r, 'pruned expired dedup records'))
      .catch((err) => logger.warn({ err }, 'pruning failed; will retry'));
  }, opts.pruneEveryMs ?? 3_600_000);
  repair.unref();
  prune.unref();
  return () => {
    clearInterval(repair);
    clearInterval(prune);
  };
}
