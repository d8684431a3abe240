import { GraphQLError } from 'graphql';
import type { ErrorCodeName } from './error-codes';

/** A client-facing error with a stable `extensions.code`. */
export class GatewayError extends GraphQLError {
  constructor(code: ErrorCodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}
