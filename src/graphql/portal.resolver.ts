import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Portal } from './catalog.types';
import { DatasetConnection } from './catalog-connections.types';
import { connectionFromArray } from './connection';
import { PageArgs } from './dataset.resolver';
import type { GatewayContext } from './context';
import type { PortalDoc } from '../store/catalog.documents';
import { canSeeDataset } from '../auth/visibility';
import { UsageStats, toUsageStats } from './usage-stats.type';
import { ResourceType } from './enums';
import { usageKey } from '../loaders/create-loaders';
import { sumUsage } from '../domain/counters';

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
    const keys = visible.map((d) => usageKey(ResourceType.DATASET, d._id));
    const docs = await ctx.loaders.usageTotals.loadMany(keys);
    const found = docs.map((d) => (d instanceof Error ? null : d));
    return toUsageStats(sumUsage(found) as never, keys);
  }
}
