import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Dataset } from './catalog.types';
import { PopularityArgs, PopularityScore, USAGE_SERIES, UsageSeries, UsageSeriesArgs } from './dashboard.types';
import { ReuseConnection } from './reuse.types';
import { PageArgs } from './dataset.resolver';
import { type ConnectionShape, connectionFromArray } from './connection';
import type { GatewayContext } from './context';
import { checkDateRange } from './date-range';
import type { DatasetDoc } from '../store/catalog.documents';
import type { ReuseDoc } from '../store/reuse.documents';
import type { PopularityScore as PopularityScoreResult } from '../dashboard/popularity-scope';
import type { UsageSeriesResult } from '../dashboard/dashboard.service';

/** Dataset fields of the data dashboard issue: popularity, reuses, usage series. */
@Resolver(() => Dataset)
export class DatasetUsageResolver {
  @FieldResolver(() => PopularityScore, {
    nullable: true,
    description:
      'Popularity relative to the published datasets the caller may see, of this portal (PORTAL) or of every portal ' +
      '(NETWORK): the score of dataDashboard(visibility: ALL) for the same portal / the network. With from/to: usage on ' +
      'those UTC days and the reuses registered by `to`. Null for an unpublished dataset.',
  })
  popularity(
    @Root() d: DatasetDoc,
    @Args() { scope, from, to }: PopularityArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<PopularityScoreResult | null> {
    checkDateRange({ from, to });
    return ctx.services.dashboard.popularity(ctx.caller, d, scope, from ?? null, to ?? null, ctx.loaders.memo, ctx.signal);
  }

  @FieldResolver(() => ReuseConnection, { description: 'Reuses of this dataset, by id.' })
  async reuses(@Root() d: DatasetDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext): Promise<ConnectionShape<ReuseDoc>> {
    // Every reuse of a dataset the caller sees is visible (canSeeReuse).
    return connectionFromArray(await ctx.loaders.reusesOfDataset.load(d._id), first, after);
  }

  @FieldResolver(() => UsageSeries, { description: `${USAGE_SERIES}.` })
  usage(
    @Root() d: DatasetDoc,
    @Args() { from, to, granularity }: UsageSeriesArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    return ctx.services.dashboard.usageSeries(d._id, from, to, granularity, ctx.loaders.memo);
  }
}
