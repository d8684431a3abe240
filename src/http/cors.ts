import cors from 'cors';
import type express from 'express';

/**
 * CORS for dashboard clients on other origins (CORS_ORIGINS). Null without
 * origins: then no CORS header at all. Only listed origins are echoed; the
 * Authorization header is allowed (keys are sent as bearer tokens, never as
 * cookies, so credentials stay off). Apollo's CSRF prevention still applies:
 * a cross-origin POST must be JSON, which needs this preflight anyway.
 */
export function corsMiddleware(origins: readonly string[]): express.RequestHandler | null {
  if (origins.length === 0) return null;
  return cors({
    origin: [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'apollo-require-preflight', 'x-apollo-operation-name'],
    exposedHeaders: ['content-disposition'],
    credentials: false,
    maxAge: 600,
  });
}
