import { timingSafeEqual, createHash } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type express from 'express';
import helmet from 'helmet';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { credentialsFromHeaders } from '../auth/api-keys';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { isStorageFailure, type StorageHealth } from './storage-health';

/**
 * HTTP hygiene of the gateway (docs/security.md): security headers, strict
 * credentials, fast 503 while the database is down, JSON for every client
 * error, bounded metrics labels, a protected /metrics.
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

const STORAGE_FULL_MESSAGE = 'the database cannot store data (storage full or read-only); retry later';

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

/** Apollo plugin: a response carrying DATABASE_UNAVAILABLE is HTTP 503 with Retry-After. */
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

/** A JSON error in the shape of the endpoint: GraphQL `errors` or the report API's `error`. */
export function sendJsonError(req: express.Request, res: express.Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) return;
  const body = req.originalUrl.startsWith('/api/')
    ? { error: { code, message, ...extra } }
    : { errors: [{ message, extensions: { code, ...extra } }] };
  res.status(status).json(body);
}

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

/** 503 DATABASE_UNAVAILABLE at once while the embedded database is down (it is being restarted). */
export function databaseGate(databaseUp: (() => boolean) | undefined): express.RequestHandler {
  return (req, res, next) => {
    if (!databaseUp || databaseUp()) return next();
    res.setHeader('Retry-After', '2');
    sendJsonError(req, res, 503, ErrorCode.DATABASE_UNAVAILABLE, 'the database is unavailable (restarting); retry shortly');
  };
}

/** Which helmet Content-Security-Policy directives: the web pages' own if they export them. */
function cspDirectives(): Record<string, string[]> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const web = require('./web.routes') as { WEB_CSP_DIRECTIVES?: Readonly<Record<string, readonly string[]>> };
    if (web.WEB_CSP_DIRECTIVES) {
      return Object.fromEntries(Object.entries(web.WEB_CSP_DIRECTIVES).map(([k, v]) => [k, [...v]]));
    }
  } catch {
    // no web pages in this build
  }
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'worker-src': ["'self'", 'blob:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'frame-ancestors': ["'self'"],
  };
}

/** helmet's usual headers; CSP from the web pages (WEB_CSP_DIRECTIVES) or a same-origin default. */
export function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives() },
    // API responses are read cross-origin by portals' dashboards when CORS allows it.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
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

/** JSON 404 for every unknown route. */
export function notFound(): express.RequestHandler {
  return (req, res) => sendJsonError(req, res, 404, ErrorCode.NOT_FOUND, `no route ${req.method} ${req.path.slice(0, 200)}`);
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

/**
 * Requests Node's HTTP parser rejects before Express sees them (headers or
 * URL too large, malformed request line) get a JSON body instead of an empty
 * one.
 */
export function jsonClientErrors(server: http.Server): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable || (socket as unknown as { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', ErrorCode.HEADERS_TOO_LARGE, 'request line or headers too large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', ErrorCode.REQUEST_READ_TIMEOUT, 'request headers not received in time']
          : ['400 Bad Request', ErrorCode.BAD_REQUEST, 'malformed HTTP request'];
    const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
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
