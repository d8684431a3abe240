import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { Role } from '../domain/caller';
import type { GatewayContext } from './context';

/** Throws UNAUTHENTICATED for anonymous callers and FORBIDDEN for other roles. */
export function requireRole(ctx: GatewayContext, ...roles: Role[]): void {
  if (ctx.caller.kind !== 'user') throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'an API key is required');
  if (!roles.includes(ctx.caller.role)) {
    throw new GatewayError(ErrorCode.FORBIDDEN, `this operation needs the role ${roles.join(' or ')}`);
  }
}
