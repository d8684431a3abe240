import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';

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

/** Apollo plugin timing operations and counting errors by code. */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const end = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse(rc) {
          end({ operation: rc.operationName ?? 'anonymous', type: rc.operation?.operation ?? 'unknown' });
          for (const e of rc.errors ?? []) {
            metrics.graphqlErrors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          }
        },
      };
    },
  };
}
