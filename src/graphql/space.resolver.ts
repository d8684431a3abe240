import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Portal, Space, Theme, User } from './catalog.types';
import { CollectionConnection, DatasetConnection } from './connections';
import { connectionFromArray } from './connection';
import { PageArgs } from './dataset.resolver';
import type { GatewayContext } from './context';
import type { PortalDoc, SpaceDoc, ThemeDoc } from '../store/documents';
import { canSeeDataset } from '../auth/visibility';
import { isAdmin } from '../domain/caller';
import { UsageStats, toUsageStats } from './usage-stats.type';
import { ResourceType } from './enums';
import { resourceKey } from '../domain/resources';
import { sumUsage } from '../domain/counters';
import { requireRole } from './guards';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

@Resolver(() => Space)
export class SpaceResolver {
  @Query(() => Space, { nullable: true })
  space(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.space.load(id);
  }

  @FieldResolver(() => DatasetConnection, { description: 'Datasets shared in this space the caller may see.' })
  async datasets(@Root() s: SpaceDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    const all = (await ctx.loaders.datasetsOfSpace.load(s._id)).filter((d) => canSeeDataset(d, ctx.caller));
    return connectionFromArray(all, first, after);
  }

  @FieldResolver(() => CollectionConnection)
  async collections(@Root() s: SpaceDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    return connectionFromArray(await ctx.loaders.collectionsOfSpace.load(s._id), first, after);
  }
}

@Resolver(() => Portal)
export class PortalResolver {
  @Query(() => Portal, { nullable: true })
  portal(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.portal.load(id);
  }

  @Query(() => [Portal], { description: 'Every portal served by this gateway.' })
  portals(@Ctx() ctx: GatewayContext): Promise<PortalDoc[]> {
    return ctx.services.catalogQueries.portals();
  }

  @FieldResolver(() => Boolean, {
    description: 'Dataset owners are public on this portal: `Dataset.owner` is given to anonymous callers and TRACKER keys too (set by `upsertPortals`).',
  })
  publicOwnerNames(@Root() p: PortalDoc): boolean {
    return p.publicOwnerNames === true;
  }

  @FieldResolver(() => DatasetConnection)
  async datasets(@Root() p: PortalDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    const all = (await ctx.loaders.datasetsOfPortal.load(p._id)).filter((d) => canSeeDataset(d, ctx.caller));
    return connectionFromArray(all, first, after);
  }

  @FieldResolver(() => UsageStats, {
    description:
      'Use of every dataset of the portal the caller may see, files included (a portal has no use of its own). Uniques are summed per dataset, as COUNTER reports them.',
  })
  async subtreeStats(@Root() p: PortalDoc, @Ctx() ctx: GatewayContext): Promise<UsageStats> {
    const visible = (await ctx.loaders.datasetsOfPortal.load(p._id)).filter((d) => canSeeDataset(d, ctx.caller));
    const keys = visible.map((d) => resourceKey(ResourceType.DATASET, d._id));
    const docs = await ctx.loaders.usageTotals.loadMany(keys);
    const found = docs.map((d) => (d instanceof Error ? null : d));
    return toUsageStats(sumUsage(found) as never, keys);
  }
}

@Resolver(() => Theme)
export class ThemeResolver {
  @Query(() => [Theme], { description: 'Every theme, by name.' })
  themes(@Ctx() ctx: GatewayContext): Promise<ThemeDoc[]> {
    return ctx.services.catalogQueries.themes();
  }

  @FieldResolver(() => DatasetConnection)
  async datasets(@Root() t: ThemeDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    const all = (await ctx.loaders.datasetsOfTheme.load(t._id)).filter((d) => canSeeDataset(d, ctx.caller));
    return connectionFromArray(all, first, after);
  }
}

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
