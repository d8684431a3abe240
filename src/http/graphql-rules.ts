import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * The schema has no subscription type. graphql-js validates a
 * `subscription { … }` document anyway and only fails in execution, which
 * Apollo reports as an internal error (HTTP 200, logged with a stack): anyone
 * could fill the error log. As a validation error it is HTTP 400
 * `GRAPHQL_VALIDATION_FAILED` and logged at info with the request.
 */
export const noUnsupportedOperations: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root =
      node.operation === 'subscription' ? schema.getSubscriptionType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
    if (!root) context.reportError(new GraphQLError(`this API has no ${node.operation} operations`, { nodes: [node] }));
  },
});
