import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { USAGE_SERIES, UsageSeries, UsageSeriesArgs } from './dashboard.types';
import type { GatewayContext } from './context';
import { checkDateRange } from './date-range';
import { visibleDatasetIds } from './visible-datasets';
import type { UsageSeriesResult } from '../dashboard/dashboard.service';

@Resolver()
export class NetworkUsageResolver {
  @Query(() => UsageSeries, { description: `${USAGE_SERIES}: the summed use of every dataset of every portal the caller may see.` })
  async networkUsage(@Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    const portals = await ctx.services.catalogQueries.portals();
    const datasets = (await ctx.loaders.datasetsOfPortal.loadMany(portals.map((p) => p._id))).flatMap((r) => (r instanceof Error ? [] : r));
    return ctx.services.dashboard.setSeries(visibleDatasetIds(datasets, ctx), from, to, granularity, ctx.loaders.memo, ctx.signal);
  }
}
