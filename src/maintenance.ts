import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { identityKeyWindowDays, type GatewayConfig } from './config';
import type { Services } from './services';
import { DAY_MS, utcDay } from './util/utc-day';
import { CountingRules } from './counting/rule-set';
import { localRuleSet } from './services';
import { registerRetentionMetrics, type GatewayMetrics, type RetentionMetrics } from './metrics/metrics';
import { AgentReducer } from './privacy/agent-reducer';
import { AgentReductionRepository } from './store/agent-reduction.repository';
import { DbLock } from './store/db-lock';
import { RulesRepository } from './store/rules.repository';
import { dropQuarantineRecords } from './store/quarantine.repository';

export interface MaintenanceOptions {
  /** How often the upkeep runs, ms (also once at start). Default 3600000 (1 h). */
  pruneEveryMs?: number;
  /** Event log retention, days (`EVENT_LOG_RETENTION_DAYS`). */
  retentionDays: number;
  /** The identity-key window, days (`identityKeyWindowDays(config)`): stored user agents of older days are reduced. */
  keyWindowDays: number;
  /** `KEEP_USER_AGENT`: never reduce stored user agents. */
  keepUserAgent: boolean;
  /** Lease of the aggregation lock, ms (`AGGREGATION_LEASE_MS`): the reducer works under it. */
  aggregationLeaseMs: number;
  /** This process's counting-rule definition (published into an empty database only). */
  rules: ConstructorParameters<typeof CountingRules>[1];
  /** Where the retention figures are published (`/metrics`); none: not measured. */
  metrics?: GatewayMetrics;
  /** Clock (tests). Default: now. */
  now?: () => Date;
}

/** The maintenance options of a configuration. */
export function maintenanceOptions(config: GatewayConfig, metrics?: GatewayMetrics): MaintenanceOptions {
  return {
    retentionDays: config.eventLogRetentionDays,
    keyWindowDays: identityKeyWindowDays(config),
    keepUserAgent: config.keepUserAgent,
    aggregationLeaseMs: config.aggregationLeaseMs,
    rules: localRuleSet(config),
    metrics,
  };
}

/** The user-agent reducer of a process (also run by the import commands after an import). */
export function createAgentReducer(
  services: Services,
  opts: Pick<MaintenanceOptions, 'keyWindowDays' | 'keepUserAgent' | 'aggregationLeaseMs' | 'rules'>,
  repo = new AgentReductionRepository(services.store),
): AgentReducer {
  // Rules of its own: syncing the aggregator's would hide a rules change from it.
  return new AgentReducer(
    repo,
    services.eventLog,
    new CountingRules(new RulesRepository(services.store), opts.rules),
    // The aggregation lock, under an owner of its own (src/privacy/agent-reducer.ts).
    new DbLock(services.store.locks, 'aggregator', randomUUID(), opts.aggregationLeaseMs),
    { windowDays: opts.keyWindowDays, keepUserAgent: opts.keepUserAgent },
  );
}

/**
 * After an import (`import-events`, `import-logs --historical`), which may
 * store events in days the reducer has passed: reduces the agents of the
 * imported days that are past the window, leaving those retention is about
 * to drop. Returns the events reduced.
 */
export async function reduceImportedDays(services: Services, config: GatewayConfig, days: Iterable<string>, now: Date = new Date()): Promise<number> {
  const keptFrom = utcDay(new Date(now.getTime() - config.eventLogRetentionDays * DAY_MS));
  return createAgentReducer(services, maintenanceOptions(config)).reduceDays([...days].filter((d) => d >= keptFrom), now);
}

/**
 * Background upkeep of one gateway instance, at start and then hourly,
 * one pass at a time:
 * 1. retention: drops events older than `EVENT_LOG_RETENTION_DAYS` (no TTL
 *    indexes on FerretDB; whole days, by `_id` range), and the quarantine
 *    records of events no longer kept; figures stay;
 * 2. user agents of days past the identity-key window are reduced to their
 *    traffic class (src/privacy/agent-reducer.ts), unless `KEEP_USER_AGENT`.
 * Both are safe on several instances at once (a second drop finds nothing;
 * the reducer works under the aggregation lock). Returns a stop function.
 */
export function startMaintenance(services: Services, logger: Logger, opts: MaintenanceOptions): () => void {
  const now = opts.now ?? (() => new Date());
  const repo = new AgentReductionRepository(services.store);
  const metrics: RetentionMetrics | null = opts.metrics
    ? registerRetentionMetrics(opts.metrics, { oldestDay: () => repo.oldestDay(), lastReducedDay: () => repo.lastReducedDay() })
    : null;
  const reducer = createAgentReducer(services, opts, repo);

  const retention = async (): Promise<void> => {
    const beforeDay = utcDay(new Date(now().getTime() - opts.retentionDays * DAY_MS));
    const events = await services.eventLog.dropDaysBefore(beforeDay);
    metrics?.eventsDropped.inc(events);
    // Quarantine records copy their events: they go with them.
    const records = await dropQuarantineRecords(services.store, new Date(`${beforeDay}T00:00:00Z`));
    metrics?.quarantineDropped.inc(records);
    metrics?.retentionLastSuccess.set(Date.now() / 1000);
    if (events || records) logger.info({ events, quarantineRecords: records, beforeDay }, 'dropped events past their retention');
  };
  const reduction = async (): Promise<void> => {
    const run = await reducer.run(now(), (n) => metrics?.userAgentsReduced.inc(n));
    if (run.complete) metrics?.reductionLastSuccess.set(Date.now() / 1000);
    if (run.events || !run.complete) logger.info(run, 'reduced the stored user agents of days past the identity-key window');
  };

  let running: Promise<void> | null = null;
  const pass = (): void => {
    running ??= (async () => {
      // Retention first: no use reducing days about to be dropped.
      await retention().catch((err: unknown) => {
        metrics?.maintenanceFailures.inc({ task: 'retention' });
        logger.warn({ err }, 'event retention failed; will retry');
      });
      await reduction().catch((err: unknown) => {
        metrics?.maintenanceFailures.inc({ task: 'user_agents' });
        logger.warn({ err }, 'reducing stored user agents failed; will retry');
      });
    })().finally(() => {
      running = null;
    });
  };
  // At start too: a process restarted more often than hourly must still prune.
  const first = setTimeout(pass, 0);
  first.unref();
  const timer = setInterval(pass, opts.pruneEveryMs ?? 3_600_000);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
