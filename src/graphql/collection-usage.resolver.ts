import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Collection } from './catalog.types';
import { USAGE_SERIES, UsageSeries, UsageSeriesArgs } from './dashboard.types';
import { descendantsOf } from './collection.resolver';
import type { GatewayContext } from './context';
import { checkDateRange } from './date-range';
import { visibleDatasetIds } from './visible-datasets';
import type { CollectionDoc } from '../store/catalog.documents';
import type { UsageSeriesResult } from '../dashboard/dashboard.service';

@Resolver(() => Collection)
export class CollectionUsageResolver {
  @FieldResolver(() => UsageSeries, {
    description:
      `${USAGE_SERIES}: the summed use of every dataset the caller may see in this collection and its sub-collections ` +
      "(each dataset once, files included). Collection pages' own views are not in it (see `stats`).",
  })
  async usage(@Root() c: CollectionDoc, @Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    const under = descendantsOf(c._id, await ctx.loaders.collectionLinks());
    const datasets = (await ctx.loaders.datasetsOfCollection.loadMany(under)).flatMap((r) => (r instanceof Error ? [] : r));
    return ctx.services.dashboard.setSeries(visibleDatasetIds(datasets, ctx), from, to, granularity, ctx.loaders.memo, ctx.signal);
  }
}
