import type express from 'express';
import { rateLimit, ipKeyGenerator, type RateLimitRequestHandler } from 'express-rate-limit';
import type { GatewayConfig } from '../config';
import type { Caller } from '../domain/caller';
import { credentialsFromHeaders } from '../auth/credentials';
import { hashApiKey } from '../domain/api-keys';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { TtlCache } from '../util/ttl-cache';

/**
 * Rate limits and budgets (docs/security.md).
 *
 * All counters live in this process's memory (express-rate-limit's
 * MemoryStore and {@link FixedWindowBudget}): with N gateway instances behind
 * a load balancer, a client gets up to N times each limit. One instance is
 * the supported deployment of the embedded database; for several instances
 * either pin clients to an instance (sticky by key or IP) or divide the limits
 * by N.
 */

/** The JSON body of a 429, in the shape of the endpoint (GraphQL errors or the report API's `error`). */
function limitedBody(req: express.Request, message: string, retryAfterSeconds: number) {
  const extensions = { code: ErrorCode.RATE_LIMITED, retryAfterSeconds };
  return req.originalUrl.startsWith('/api/')
    ? { error: { message, ...extensions } }
    : { errors: [{ message, extensions }] };
}

function retryAfterOf(res: express.Response, fallbackMs: number): number {
  const h = Number(res.getHeader('Retry-After'));
  return Number.isFinite(h) && h > 0 ? h : Math.ceil(fallbackMs / 1000);
}

function presentedKey(req: express.Request): string | null {
  const c = credentialsFromHeaders(req.headers);
  return c.kind === 'key' ? c.key : null;
}

function clientIp(req: express.Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

/**
 * Requests per API key (keyed by the key's hash, whether or not the key is
 * valid) and per client IP without a key, per `RATE_LIMIT_WINDOW_MS`.
 */
export function requestRateLimit(config: GatewayConfig): RateLimitRequestHandler {
  return rateLimit({
    windowMs: config.rateLimitWindowMs,
    limit: (req) => (presentedKey(req) ? config.rateLimitPerKey : config.rateLimitAnonymous),
    skip: (req) => (presentedKey(req) ? config.rateLimitPerKey : config.rateLimitAnonymous) === 0,
    keyGenerator: (req) => {
      const key = presentedKey(req);
      return key ? `key:${hashApiKey(key)}` : `ip:${clientIp(req)}`;
    },
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res) => {
      const retry = retryAfterOf(res, config.rateLimitWindowMs);
      res.status(429).json(limitedBody(req, `too many requests; retry after ${retry} s`, retry));
    },
  });
}

/** How long the failed-authentication window is. */
export const AUTH_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** How long a key that was looked up and found valid skips the in-flight count below. */
const VERIFIED_KEY_TTL_MS = 10 * 60 * 1000;

/** The failed-authentication limit and the hook that tells it a key was valid. */
export interface AuthFailureLimit {
  middleware: express.RequestHandler;
  /** Called once the request's key was looked up and found valid. */
  verified(req: express.Request): void;
}

const PENDING = Symbol('pendingKeyLookup');
type PendingRequest = express.Request & { [PENDING]?: { ip: string; hash: string } };

/**
 * Key guessing: requests that carry a key and end in 401 count against the
 * client IP; after `AUTH_FAILURE_LIMIT` of them in 15 minutes every keyed
 * request from that IP gets 429 until the window ends.
 *
 * Requests in flight count too: each distinct key not yet known to be valid
 * counts as a possible failure while its look-up runs, so 300 concurrent
 * wrong keys cannot all be looked up before the first 401 is counted (at
 * most `AUTH_FAILURE_LIMIT` of them are; the rest get 429). Concurrent
 * requests with the same key count once, and a key found valid (see
 * {@link AuthFailureLimit.verified}) no longer counts, so a portal with 32
 * concurrent trackAccess calls on one key is never taken for a guesser. Why
 * not express-rate-limit's `skipSuccessfulRequests`: it counts every request
 * until it ends, valid ones included.
 */
export function authFailureLimit(config: GatewayConfig): AuthFailureLimit {
  const limit = config.authFailureLimit;
  const failures = new FixedWindowBudget(limit, AUTH_FAILURE_WINDOW_MS);
  /** Per client IP: key hashes being looked up, with their requests in flight. */
  const pending = new Map<string, Map<string, number>>();
  const verifiedKeys = new TtlCache<string, true>(VERIFIED_KEY_TTL_MS, 10_000);

  const release = (req: PendingRequest): void => {
    const p = req[PENDING];
    if (!p) return;
    req[PENDING] = undefined;
    const keys = pending.get(p.ip);
    const n = (keys?.get(p.hash) ?? 1) - 1;
    if (n > 0) keys!.set(p.hash, n);
    else keys?.delete(p.hash);
    if (keys && keys.size === 0) pending.delete(p.ip);
  };

  const refuse = (req: express.Request, res: express.Response, message: string, retry: number): void => {
    res.setHeader('Retry-After', String(retry));
    res.status(429).json(limitedBody(req, message, retry));
  };

  const middleware: express.RequestHandler = (req: PendingRequest, res, next) => {
    if (limit === 0 || (req.headers['authorization'] === undefined && req.headers['x-api-key'] === undefined)) return next();
    const ip = `authfail:${clientIp(req)}`;
    const retry = failures.exhausted(ip);
    if (retry > 0) return refuse(req, res, 'too many failed authentications from this address', retry);
    const key = presentedKey(req);
    const hash = key === null ? null : hashApiKey(key);
    if (hash !== null && !verifiedKeys.get(hash)) {
      let keys = pending.get(ip);
      const others = keys ? keys.size - (keys.has(hash) ? 1 : 0) : 0;
      if (failures.used(ip) + others >= limit) {
        return refuse(req, res, 'too many unverified API keys at once from this address', 1);
      }
      if (!keys) pending.set(ip, (keys = new Map()));
      keys.set(hash, (keys.get(hash) ?? 0) + 1);
      req[PENDING] = { ip, hash };
    }
    res.once('finish', () => {
      release(req);
      if (res.statusCode === 401) failures.take(ip, 1);
    });
    res.once('close', () => release(req));
    next();
  };

  return {
    middleware,
    verified(req: PendingRequest) {
      const p = req[PENDING];
      if (!p) return;
      verifiedKeys.set(p.hash, true);
      release(req);
    },
  };
}

/** A fixed-window counter of units (events, registrations) per key. */
export class FixedWindowBudget {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes `n` units for `key` if they all fit in the current window.
   * @returns 0 when taken, else the seconds until the window resets.
   */
  take(key: string, n: number): number {
    if (this.limit === 0) return 0;
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, used: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 100_000) this.prune(t);
    }
    if (w.used + n > this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
    w.used += n;
    return 0;
  }

  /** Units of `key` used in its current window. */
  used(key: string): number {
    const w = this.windows.get(key);
    return !w || this.now() - w.start >= this.windowMs ? 0 : w.used;
  }

  /** 0 while `key` has units left in its window, else the seconds until the window resets. */
  exhausted(key: string): number {
    if (this.limit === 0) return 0;
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs || w.used < this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}

function limited(message: string, retryAfterSeconds: number): GatewayError {
  return new GatewayError(ErrorCode.RATE_LIMITED, message, {
    retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}

/**
 * The budgets resolvers check (one instance per gateway): events recorded
 * per key per minute (a tracking request counts its events, not itself),
 * reuse registrations per USER per hour, catalog batch sizes.
 */
export class GatewayLimits {
  private readonly userEvents: FixedWindowBudget;
  private readonly otherEvents: FixedWindowBudget;
  private readonly reuses: FixedWindowBudget;

  constructor(private readonly config: GatewayConfig) {
    this.userEvents = new FixedWindowBudget(config.trackEventsPerMinuteUser, 60_000);
    this.otherEvents = new FixedWindowBudget(config.trackEventsPerMinute, 60_000);
    this.reuses = new FixedWindowBudget(config.reuseRegistrationsPerHour, 3_600_000);
  }

  /** Takes `n` tracking events from the caller's budget; RATE_LIMITED (429) when they do not fit, and nothing is recorded. */
  trackEvents(caller: Caller, n: number): void {
    if (caller.kind !== 'user' || n <= 0) return;
    const budget = caller.role === 'USER' ? this.userEvents : this.otherEvents;
    const retry = budget.take(`events:${caller.userId}`, n);
    if (retry) {
      throw limited(
        `this key may record ${budget.limit} events per minute (${caller.role}); ${n} more do not fit: retry after ${retry} s`,
        retry,
      );
    }
  }

  /** One reuse registration from a USER's hourly budget (admins are not limited). */
  reuseRegistration(caller: Caller): void {
    if (caller.kind !== 'user' || caller.role === 'ADMIN') return;
    const retry = this.reuses.take(`reuse:${caller.userId}`, 1);
    if (retry) throw limited(`at most ${this.reuses.limit} reuse registrations per hour; retry after ${retry} s`, retry);
  }

  /** BATCH_TOO_LARGE (400) for a catalog upsert of more than MAX_CATALOG_BATCH items. */
  catalogBatch(n: number): void {
    if (n > this.config.maxCatalogBatch) {
      throw new GatewayError(
        ErrorCode.BATCH_TOO_LARGE,
        `at most ${this.config.maxCatalogBatch} items per catalog upsert (got ${n}); split the batch`,
        { maxItems: this.config.maxCatalogBatch, http: { status: 400 } },
      );
    }
  }
}
