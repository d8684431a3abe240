import { timingSafeEqual, createHash } from 'node:crypto';
import type express from 'express';
import { credentialsFromHeaders } from '../auth/credentials';
import { ErrorCode } from '../errors/error-codes';
import { sendJsonError } from './json-errors';

/**
 * Refuses a request whose Authorization / X-API-Key header is malformed with
 * 401 INVALID_AUTHORIZATION: a client that meant to authenticate must never
 * silently get the anonymous view.
 */
export function strictCredentials(): express.RequestHandler {
  return (req, res, next) => {
    const c = credentialsFromHeaders(req.headers);
    if (c.kind !== 'malformed') return next();
    res.setHeader('WWW-Authenticate', 'Bearer error="invalid_request"');
    sendJsonError(req, res, 401, ErrorCode.INVALID_AUTHORIZATION, c.reason);
  };
}

/** `/metrics`: 404 unless METRICS_TOKEN is set; then `Authorization: Bearer <token>` (401 otherwise). */
export function metricsAuth(token: string | null): express.RequestHandler {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (req, res, next) => {
    if (!expected) return sendJsonError(req, res, 404, ErrorCode.NOT_FOUND, 'metrics are off (set METRICS_TOKEN)');
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const given = createHash('sha256').update(m?.[1] ?? '').digest();
    if (!m || !timingSafeEqual(given, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendJsonError(req, res, 401, ErrorCode.UNAUTHENTICATED, 'metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    next();
  };
}
