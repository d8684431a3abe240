/**
 * Small helpers shared by the JSON/CSV endpoints under /api (SUSHI, event
 * export, usage reports and usage table): one-valued query parameters, the caller, and the
 * JSON error shape `{error: {code, message}}` of the report endpoints.
 */
import type express from 'express';
import type { Caller } from '../domain/caller';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

export type ResolveCaller = (req: express.Request) => Promise<Caller | 'invalid'>;

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
};

/** A query parameter as one string; a repeated parameter is an error. */
export function queryParam(req: express.Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new GatewayError(ErrorCode.BAD_USER_INPUT, `query parameter ${name} must be given once`);
  return v;
}

export async function callerOf(req: express.Request, resolve: ResolveCaller): Promise<Caller> {
  const caller = await resolve(req);
  if (caller === 'invalid') throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'unknown or revoked API key');
  return caller;
}

/** Sends a GatewayError with a known HTTP status as JSON; returns false for anything else (→ next(err)). */
export function sendKnownError(res: express.Response, err: unknown): boolean {
  const code = err instanceof GatewayError ? String(err.extensions.code) : '';
  const status = STATUS[code];
  if (!status) return false;
  if (status === 401) res.set('WWW-Authenticate', 'Bearer');
  res.status(status).json({ error: { code, message: (err as Error).message } });
  return true;
}

/** Whether the client asked for `format` by `?format=` or by an Accept type. */
export function wants(req: express.Request, format: string, mime: string): boolean {
  const f = queryParam(req, 'format');
  if (f !== undefined) return f.toLowerCase() === format;
  return (req.get('accept') ?? '').toLowerCase().includes(mime);
}
