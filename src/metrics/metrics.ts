import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one gateway instance (one registry per app, no globals). */
export interface GatewayMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  graphqlDuration: Histogram<'operation' | 'type'>;
  graphqlErrors: Counter<'code'>;
  trackedEvents: Counter<'status'>;
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'usage_gateway_http_requests_total',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'usage_gateway_graphql_duration_seconds',
      help: 'GraphQL operation duration.',
      labelNames: ['operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'usage_gateway_graphql_errors_total',
      help: 'GraphQL errors by extensions.code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    trackedEvents: new Counter({
      name: 'usage_gateway_tracked_events_total',
      help: 'Access events by outcome (RECORDED, DUPLICATE, REJECTED).',
      labelNames: ['status'],
      registers: [registry],
    }),
  };
}

/**
 * `usage_gateway_quarantined_events`: stored events the aggregator could not
 * count and skipped (src/aggregate/quarantine.ts), across instances, read from
 * the database at each scrape. Anything above 0 wants an operator
 * (`usage-gateway quarantine list`). When the database does not answer,
 * the last value read is kept.
 */
export function registerQuarantineGauge(metrics: GatewayMetrics, count: () => Promise<number>): Gauge {
  let last = 0;
  return new Gauge({
    name: 'usage_gateway_quarantined_events',
    help: 'Stored events quarantined by the aggregator (not counted): see `usage-gateway quarantine list`.',
    registers: [metrics.registry],
    async collect() {
      last = await count().catch(() => last);
      this.set(last);
    },
  });
}

/** Handles the maintenance task updates (src/maintenance.ts). */
export interface RetentionMetrics {
  /** Events dropped past `EVENT_LOG_RETENTION_DAYS` by this instance. */
  eventsDropped: Counter;
  /** Quarantine records dropped with their events (or past retention) by this instance. */
  quarantineDropped: Counter;
  /** When this instance's last retention pass succeeded (unix seconds). */
  retentionLastSuccess: Gauge;
  /** Maintenance passes that failed (retried at the next). */
  maintenanceFailures: Counter<'task'>;
  /** User agents removed by this instance after the identity-key window. */
  userAgentsReduced: Counter;
  /** When this instance's last user-agent reduction run completed (unix seconds). */
  reductionLastSuccess: Gauge;
}

/** A `YYYY-MM-DD` day as unix seconds (its 00:00 UTC); 0 for none. */
function daySeconds(day: string | null): number {
  return day ? Date.parse(`${day}T00:00:00Z`) / 1000 : 0;
}

/**
 * Retention and user-agent reduction figures (issue 19). Counters and
 * last-success times are this instance's; the oldest stored day and the
 * last reduced day are read from the database at each scrape (so the same
 * on every instance; the last value is kept when it does not answer).
 */
export function registerRetentionMetrics(
  metrics: GatewayMetrics,
  read: { oldestDay: () => Promise<string | null>; lastReducedDay: () => Promise<string | null> },
): RetentionMetrics {
  const registers = [metrics.registry];
  const fromDb = (name: string, help: string, day: () => Promise<string | null>): Gauge => {
    let last = 0;
    return new Gauge({
      name,
      help,
      registers,
      async collect() {
        last = await day().then(daySeconds, () => last);
        this.set(last);
      },
    });
  };
  fromDb('usage_gateway_event_log_oldest_day_seconds', 'Start (UTC, unix seconds) of the oldest day the event log holds events of; 0 when empty.', read.oldestDay);
  fromDb(
    'usage_gateway_user_agents_reduced_through_day_seconds',
    'Start (UTC, unix seconds) of the last day whose stored user agents were reduced (KEEP_USER_AGENT=false); 0 before the first.',
    read.lastReducedDay,
  );
  return {
    eventsDropped: new Counter({ name: 'usage_gateway_retention_dropped_events_total', help: 'Events dropped past EVENT_LOG_RETENTION_DAYS by this instance.', registers }),
    quarantineDropped: new Counter({
      name: 'usage_gateway_retention_dropped_quarantine_records_total',
      help: 'Quarantine records dropped by this instance because their event is gone or past EVENT_LOG_RETENTION_DAYS.',
      registers,
    }),
    retentionLastSuccess: new Gauge({ name: 'usage_gateway_retention_last_success_seconds', help: 'When this instance last completed a retention pass (unix seconds).', registers }),
    maintenanceFailures: new Counter({
      name: 'usage_gateway_maintenance_failures_total',
      help: 'Failed maintenance passes by task (retention, user_agents); each is retried at the next pass.',
      labelNames: ['task'],
      registers,
    }),
    userAgentsReduced: new Counter({ name: 'usage_gateway_user_agents_reduced_total', help: 'Stored user agents removed after the identity-key window by this instance.', registers }),
    reductionLastSuccess: new Gauge({
      name: 'usage_gateway_user_agent_reduction_last_success_seconds',
      help: 'When this instance last completed a user-agent reduction run with nothing left to reduce (unix seconds).',
      registers,
    }),
  };
}
