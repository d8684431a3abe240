import type express from 'express';
import { Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/**
 * Labels of the HTTP and GraphQL metrics (src/metrics/metrics.ts), each from
 * a set our code bounds: a client's free text never becomes a time series.
 */

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

/** Route label of the HTTP metrics: the matched route pattern, `/graphql`, or `other` — never a raw path. */
export function routeLabel(req: express.Request, res: express.Response): string {
  if (res.statusCode === 404) return 'other';
  const path = req.originalUrl.split('?')[0] ?? '';
  // A route pattern comes from our code, so the label set is bounded (not req.baseUrl: it holds matched values).
  const route = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof route === 'string') return `${path.startsWith('/api/') && !route.startsWith('/api') ? '/api…' : ''}${route}`.slice(0, 100);
  if (path === '/graphql' || path === '/graphql/') return '/graphql';
  return 'other';
}
