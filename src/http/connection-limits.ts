import type http from 'node:http';
import type { Socket } from 'node:net';
import type express from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { ErrorCode } from '../errors/error-codes';
import { sendJsonError } from './json-errors';

/**
 * Connection-level defences (docs/security.md, "Slow and many connections"):
 * a client that opens connections and sends nothing, or declares a body and
 * trickles it, must not hold file descriptors for minutes. Every bound here
 * works before a key is looked up, so it needs no credentials to apply.
 */

/** Node checks its header and request timeouts this often (its default, 30 s, let a trickler live 30 s past its deadline). */
const CHECK_INTERVAL_MS = 1000;

/** `http.createServer` options: the header, whole-request and keep-alive deadlines from the configuration. */
export function serverOptions(config: GatewayConfig): http.ServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    // Backstop only: the body deadline (bodyReadDeadline) answers a slow body
    // with a JSON 408 first; Node's own timeout destroys the socket silently.
    requestTimeout: config.headersTimeoutMs + config.bodyReadTimeoutMs + 5_000,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  };
}

/** The address a socket is counted under: the peer IP, IPv6 by /56 like the rate limits. */
export function connectionKey(remoteAddress: string | undefined): string {
  return remoteAddress ? ipKeyGenerator(remoteAddress) : 'unknown';
}

/**
 * Caps open connections per client address (`MAX_CONNECTIONS_PER_IP`) and in
 * all (`MAX_CONNECTIONS`). A connection over the per-address cap is destroyed
 * before any byte is read: answering it would cost the descriptor longer.
 * @returns the number of open connections per address (tests, metrics).
 */
export function limitConnections(server: http.Server, config: GatewayConfig, logger: Logger): Map<string, number> {
  server.maxConnections = config.maxConnections;
  const open = new Map<string, number>();
  const cap = config.maxConnectionsPerIp;
  let refused = 0;
  let lastLog = 0;
  // Before http's own listener, so a refused socket never gets a parser.
  server.prependListener('connection', (socket: Socket) => {
    if (cap === 0) return;
    const key = connectionKey(socket.remoteAddress);
    const n = open.get(key) ?? 0;
    if (n >= cap) {
      socket.destroy();
      refused++;
      const now = Date.now();
      if (now - lastLog > 10_000) {
        // One line per 10 s at most: a flood must not become a log flood.
        logger.warn({ address: key, refused, maxConnectionsPerIp: cap }, 'connections over the per-address cap refused');
        lastLog = now;
        refused = 0;
      }
      return;
    }
    open.set(key, n + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
  return open;
}

/** True when the request announces a body (a length above 0, or chunked). */
function announcesBody(req: express.Request): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return len !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * A request body not fully received within `BODY_READ_TIMEOUT_MS` of its
 * headers gets 408 `REQUEST_READ_TIMEOUT` and its connection is closed.
 * express.json (raw-body) waits for a declared body forever, and Node's
 * `requestTimeout` closes the socket without an answer.
 */
export function bodyReadDeadline(config: GatewayConfig): express.RequestHandler {
  return (req, res, next) => {
    if (!announcesBody(req) || req.complete) return next();
    const timer = setTimeout(() => {
      if (req.complete) return;
      res.setHeader('Connection', 'close');
      // Once the 408 is written nothing more of this request is wanted.
      res.once('finish', () => req.socket.destroy());
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      sendJsonError(req, res, 408, ErrorCode.REQUEST_READ_TIMEOUT, `request body not received within ${config.bodyReadTimeoutMs} ms`);
    }, config.bodyReadTimeoutMs);
    timer.unref();
    const done = (): void => clearTimeout(timer);
    req.once('end', done);
    req.once('close', done);
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
