import type express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { isDatabaseUnavailable } from './database-unavailable';
import { sendJsonError } from './json-errors';
import { STORAGE_FULL_MESSAGE, isStorageFailure, type StorageHealth } from './storage-health';

/**
 * What a client learns of a failure: a code we chose and our message, never
 * a stack or a database detail (docs/security.md, "HTTP hygiene"). The
 * GraphQL `formatError` and Express's last error handler apply the same rule.
 */

/** Every code a client may see; anything else is masked as INTERNAL_SERVER_ERROR. */
export const KNOWN_CODES: ReadonlySet<string> = new Set<string>([
  ...Object.values(ErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Errors without a code we chose are internal: their message may carry
 * database details, so the client gets a generic message and the log gets
 * the real one. Database connectivity errors become DATABASE_UNAVAILABLE;
 * Apollo's code-less APQ hash mismatch gets its own code.
 */
export function maskError(logger: Logger, storage?: StorageHealth) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? '');
    if (KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
    if (isDatabaseUnavailable(error)) {
      return { message: 'the database is unavailable; retry shortly', path: formatted.path, extensions: { code: ErrorCode.DATABASE_UNAVAILABLE } };
    }
    if (isStorageFailure(error)) {
      storage?.noteFailure(error);
      return { message: STORAGE_FULL_MESSAGE, path: formatted.path, extensions: { code: ErrorCode.DATABASE_UNAVAILABLE } };
    }
    if (formatted.message === 'provided sha does not match query') {
      return { message: formatted.message, extensions: { code: ErrorCode.PERSISTED_QUERY_HASH_MISMATCH } };
    }
    // Apollo answers an APQ `version` other than 1 with HTTP 400 but no code.
    if (formatted.message === 'Unsupported persisted query version') {
      return { message: 'unsupported persisted query version (only 1 is)', extensions: { code: ErrorCode.BAD_REQUEST } };
    }
    logger.error({ err: error, path: formatted.path }, 'internal error in GraphQL request');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** body-parser / Express errors that are the client's fault, by `type`. */
const CLIENT_ERRORS: Readonly<Record<string, [number, string]>> = {
  'entity.too.large': [413, ErrorCode.PAYLOAD_TOO_LARGE],
  'entity.parse.failed': [400, ErrorCode.BAD_REQUEST],
  'charset.unsupported': [415, ErrorCode.UNSUPPORTED_MEDIA_TYPE],
  'encoding.unsupported': [415, ErrorCode.UNSUPPORTED_MEDIA_TYPE],
  'entity.verify.failed': [400, ErrorCode.BAD_REQUEST],
  'request.aborted': [400, ErrorCode.BAD_REQUEST],
  'request.size.invalid': [400, ErrorCode.BAD_REQUEST],
  'stream.encoding.set': [500, ErrorCode.INTERNAL_SERVER_ERROR],
  'parameters.too.many': [413, ErrorCode.PAYLOAD_TOO_LARGE],
};

/** The last error handler: client errors as coded 4xx JSON, database outages as 503, the rest masked 500. */
export function errorHandler(logger: Logger, config: GatewayConfig, storage?: StorageHealth): express.ErrorRequestHandler {
  return (err: Error & { type?: string; status?: number; statusCode?: number }, req, res, next) => {
    const known = err.type ? CLIENT_ERRORS[err.type] : undefined;
    // A body abandoned after its answer (the 408 of bodyReadDeadline) is no
    // fault of ours: Express's default handler would print its stack.
    if (res.headersSent) return known && known[0] < 500 ? undefined : next(err);
    if (known && known[0] < 500) {
      const message =
        known[1] === ErrorCode.PAYLOAD_TOO_LARGE ? `request body larger than ${config.maxBodyBytes} bytes` : err.message || 'bad request';
      return sendJsonError(req, res, known[0], known[1], message);
    }
    if (err instanceof GatewayError && err.extensions.code === ErrorCode.DATABASE_UNAVAILABLE) {
      return sendJsonError(req, res, 503, ErrorCode.DATABASE_UNAVAILABLE, err.message);
    }
    if (isDatabaseUnavailable(err)) {
      res.setHeader('Retry-After', '2');
      return sendJsonError(req, res, 503, ErrorCode.DATABASE_UNAVAILABLE, 'the database is unavailable; retry shortly');
    }
    if (isStorageFailure(err)) {
      storage?.noteFailure(err);
      res.setHeader('Retry-After', '30');
      return sendJsonError(req, res, 503, ErrorCode.DATABASE_UNAVAILABLE, STORAGE_FULL_MESSAGE);
    }
    const status = err.status ?? err.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendJsonError(req, res, status, status === 404 ? ErrorCode.NOT_FOUND : ErrorCode.BAD_REQUEST, err.message || 'bad request');
    }
    logger.error({ err }, 'unhandled HTTP error');
    sendJsonError(req, res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}
