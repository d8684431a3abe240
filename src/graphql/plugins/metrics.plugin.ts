import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayMetrics } from '../../metrics/metrics';
import { operationLabel } from '../../http/metric-labels';

export interface MetricsPluginOptions {
  /** The registry's GraphQL duration histogram and error counter are updated. */
  metrics: GatewayMetrics;
  /** Operation names that may be a label as such (METRICS_OPERATIONS); others are labelled by their first root field. */
  knownOperations?: readonly string[];
  /** Error codes counted under their own label; any other counts as `other`. Absent: every code is its own label. */
  knownCodes?: ReadonlySet<string>;
}

/** Apollo plugin timing operations and counting errors by code (labels bounded: see {@link operationLabel}). */
export function metricsPlugin({ metrics, knownOperations = [], knownCodes }: MetricsPluginOptions): ApolloServerPlugin {
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
