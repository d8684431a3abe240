import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../errors/error-codes';

/**
 * Apollo plugin: a response carrying DATABASE_UNAVAILABLE is HTTP 503 with
 * Retry-After, as the HTTP routes answer an outage (src/http/database-unavailable.ts).
 */
export function databaseStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          if (errors.some((e) => e.extensions?.code === ErrorCode.DATABASE_UNAVAILABLE)) {
            response.http.status = 503;
            response.http.headers.set('retry-after', '2');
          }
        },
      };
    },
  };
}
