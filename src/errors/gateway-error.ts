import { GraphQLError } from 'graphql';
import { ErrorCode, type ErrorCodeName } from './error-codes';

/** A client-facing error with a stable `extensions.code`. */
export class GatewayError extends GraphQLError {
  constructor(code: ErrorCodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

/**
 * BAD_USER_INPUT: an argument breaks a documented rule; `message` says which
 * rule and what was given. The one helper every service uses for it.
 */
export function badUserInput(message: string, extensions?: Record<string, unknown>): GatewayError {
  return new GatewayError(ErrorCode.BAD_USER_INPUT, message, extensions);
}
