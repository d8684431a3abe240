import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { EndUserEventExport, EndUserInput, ForgetEndUserResult } from './privacy.types';

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
}

function actorOf(ctx: GatewayContext): string {
  return ctx.caller.kind === 'user' ? ctx.caller.userId : 'anonymous';
}
