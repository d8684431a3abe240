import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../errors/error-codes';
import type { GatewayContext } from '../context';
import { RequestAborted } from '../request-budget';

/**
 * Apollo plugin enforcing the per-request time budget: once the context's
 * signal is aborted, no resolver starts (each throws the abort reason), and
 * the response becomes one `REQUEST_TIMEOUT` error with HTTP 504.
 */
export function requestBudgetPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {
            willResolveField({ contextValue }) {
              const signal = contextValue.signal;
              if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new RequestAborted(true, 0);
            },
          };
        },
        async willSendResponse({ contextValue, response }) {
          const signal = contextValue?.signal;
          if (!signal?.aborted || !(signal.reason instanceof RequestAborted)) return;
          response.http.status = 504;
          if (response.body.kind === 'single') {
            response.body.singleResult = {
              errors: [{ message: signal.reason.message, extensions: { code: ErrorCode.REQUEST_TIMEOUT } }],
            };
          }
        },
      };
    },
  };
}
