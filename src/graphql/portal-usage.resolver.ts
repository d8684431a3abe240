import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Portal } from './catalog.types';
import { USAGE_SERIES, UsageSeries, UsageSeriesArgs } from './dashboard.types';
import type { GatewayContext } from './context';
import { checkDateRange } from './date-range';
import { visibleDatasetIds } from './visible-datasets';
import type { PortalDoc } from '../store/catalog.documents';
import type { UsageSeriesResult } from '../dashboard/dashboard.service';

@Resolver(() => Portal)
export class PortalUsageResolver {
  @FieldResolver(() => UsageSeries, { description: `${USAGE_SERIES}: the summed use of every dataset of the portal the caller may see (as subtreeStats).` })
  async usage(@Root() p: PortalDoc, @Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    const ids = visibleDatasetIds(await ctx.loaders.datasetsOfPortal.load(p._id), ctx);
    return ctx.services.dashboard.setSeries(ids, from, to, granularity, ctx.loaders.memo, ctx.signal);
  }
}
