import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { EndUserEventExport, EndUserInput, ForgetEndUserResult, PrivacyAuditRecord } from './privacy.types';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/** Audit records one `privacyAudit` query returns at most. */
const MAX_AUDIT_RECORDS = 1000;

/**
 * Erasure and access requests of end users (src/privacy/erasure.service.ts),
 * ADMIN only. Both are mutations: each leaves an audit record.
 */
@Resolver()
export class PrivacyResolver {
  @Mutation(() => ForgetEndUserResult, {
    description:
      'Erasure (ADMIN): removes one end user\'s events from the event log, recounts the days they were in, and says what changed. Audited. BAD_USER_INPUT without a user or a sender; UNKNOWN_USER for an unknown sender.',
  })
  async forgetEndUser(
    @Arg('input', () => EndUserInput) input: EndUserInput,
    @Arg('dryRun', () => Boolean, { defaultValue: false, description: 'Only say what would be removed.' }) dryRun: boolean,
    @Ctx() ctx: GatewayContext,
  ): Promise<ForgetEndUserResult> {
    requireRole(ctx, 'ADMIN');
    return ctx.services.erasure.forget(input, { by: actorOf(ctx), via: 'graphql' }, { dryRun });
  }

  @Mutation(() => EndUserEventExport, {
    description: 'Access (ADMIN): every stored field of one end user\'s events. A mutation because it leaves an audit record.',
  })
  async exportEndUserEvents(@Arg('input', () => EndUserInput) input: EndUserInput, @Ctx() ctx: GatewayContext): Promise<EndUserEventExport> {
    requireRole(ctx, 'ADMIN');
    const r = await ctx.services.erasure.export(input, { by: actorOf(ctx), via: 'graphql' });
    return { receipt: r.receipt, count: r.events.length, events: r.events.map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>), cookieLinkableFrom: r.cookieLinkableFrom };
  }

  @Query(() => [PrivacyAuditRecord], { description: `The latest erasure and access requests, newest first (ADMIN; at most ${MAX_AUDIT_RECORDS}).` })
  async privacyAudit(@Arg('last', () => Int, { defaultValue: 20 }) last: number, @Ctx() ctx: GatewayContext): Promise<PrivacyAuditRecord[]> {
    requireRole(ctx, 'ADMIN');
    if (last < 1 || last > MAX_AUDIT_RECORDS) throw new GatewayError(ErrorCode.VALUE_OUT_OF_RANGE, `last takes 1 to ${MAX_AUDIT_RECORDS}`);
    return ctx.services.erasure.auditTrail(last);
  }
}

function actorOf(ctx: GatewayContext): string {
  return ctx.caller.kind === 'user' ? ctx.caller.userId : 'anonymous';
}
