import type express from 'express';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { sendJsonError } from './json-errors';

/**
 * A database outage is the client's signal to retry, not a bug: it is
 * recognised here and answered 503 `DATABASE_UNAVAILABLE` with Retry-After
 * (docs/security.md), at once while the embedded database restarts.
 */

/** Driver errors that mean "the database cannot be reached", not a bug. */
const UNAVAILABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
]);

/** True when `err` (or what it wraps) is a database connectivity error. */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && UNAVAILABLE_ERRORS.has(name)) return true;
    const code = (e as { extensions?: { code?: unknown } }).extensions?.code;
    if (code === ErrorCode.DATABASE_UNAVAILABLE) return true;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

export function databaseUnavailable(): GatewayError {
  return new GatewayError(ErrorCode.DATABASE_UNAVAILABLE, 'the database is unavailable; retry shortly', {
    http: { status: 503, headers: new Map([['retry-after', '2']]) },
  });
}

/** 503 DATABASE_UNAVAILABLE at once while the embedded database is down (it is being restarted). */
export function databaseGate(databaseUp: (() => boolean) | undefined): express.RequestHandler {
  return (req, res, next) => {
    if (!databaseUp || databaseUp()) return next();
    res.setHeader('Retry-After', '2');
    sendJsonError(req, res, 503, ErrorCode.DATABASE_UNAVAILABLE, 'the database is unavailable (restarting); retry shortly');
  };
}
