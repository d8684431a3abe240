import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

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
 * count and skipped (src/ingest/quarantine.ts), across instances, read from
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

/**
 * The `operation` label, from a bounded set: the operation name when the
 * operator listed it (METRICS_OPERATIONS), else `field:<first root field>`
 * (a schema field), else `other`. Never the client's free text.
 */
export function operationLabel(
  operationName: string | null | undefined,
  operation: OperationDefinitionNode | undefined,
  schema: GraphQLSchema,
  known: ReadonlySet<string>,
): string {
  if (operationName && known.has(operationName)) return operationName;
  const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  const root =
    operation?.operation === 'mutation' ? schema.getMutationType() : operation?.operation === 'query' ? schema.getQueryType() : null;
  if (first && first.kind === Kind.FIELD && root?.getFields()[first.name.value]) return `field:${first.name.value}`;
  return 'other';
}

/** Apollo plugin timing operations and counting errors by code (labels bounded: see {@link operationLabel}). */
export function metricsPlugin(metrics: GatewayMetrics, knownOperations: readonly string[] = [], knownCodes?: ReadonlySet<string>): ApolloServerPlugin {
  const known = new Set(knownOperations);
  return {
    async requestDidStart() {
      const end = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse(rc) {
          const type = rc.operation?.operation ?? 'unknown';
          end({ operation: operationLabel(rc.operationName, rc.operation, rc.schema, known), type });
          for (const e of rc.errors ?? []) {
            const code = String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            metrics.graphqlErrors.inc({ code: !knownCodes || knownCodes.has(code) ? code : 'other' });
          }
        },
      };
    },
  };
}
