import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type express from 'express';
import { ErrorCode } from '../errors/error-codes';

/**
 * Every client error is JSON with a stable code (docs/security.md, "HTTP
 * hygiene"), in the shape of the endpoint it answers, even for requests Node
 * or Express refuse before a route sees them.
 */

/** A JSON error in the shape of the endpoint: GraphQL `errors` or the report API's `error`. */
export function sendJsonError(req: express.Request, res: express.Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) return;
  const body = req.originalUrl.startsWith('/api/')
    ? { error: { code, message, ...extra } }
    : { errors: [{ message, extensions: { code, ...extra } }] };
  res.status(status).json(body);
}

/** JSON 404 for every unknown route. */
export function notFound(): express.RequestHandler {
  return (req, res) => sendJsonError(req, res, 404, ErrorCode.NOT_FOUND, `no route ${req.method} ${req.path.slice(0, 200)}`);
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
