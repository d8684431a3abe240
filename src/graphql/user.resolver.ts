import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { User } from './catalog.types';
import type { GatewayContext } from './context';
import { isAdmin } from '../domain/caller';
import { requireRole } from './guards';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, {
    nullable: true,
    description:
      'A user by id: admins any user, other keys only themselves (FORBIDDEN otherwise; UNAUTHENTICATED without a key). ' +
      'A portal user never registered but with events sent under its id is a User with a null name; null when neither.',
  })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<User | null> {
    requireRole(ctx, 'ADMIN', 'USER', 'TRACKER');
    if (!isAdmin(ctx.caller) && !(ctx.caller.kind === 'user' && ctx.caller.userId === id)) {
      throw new GatewayError(ErrorCode.FORBIDDEN, 'only admins may look up other users');
    }
    const known = await ctx.loaders.user.load(id);
    if (known) return known;
    // Portals send opaque user ids and need not register them; their events
    // are counted and reported under the id, so the user exists for us.
    return (await ctx.services.reports.userHasUsage(id)) ? { _id: id, name: null } : null;
  }
}
