import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { DataDashboard, DashboardVisibility } from './dashboard.types';
import type { GatewayContext } from './context';
import type { DataDashboard as DataDashboardResult } from '../dashboard/dashboard.service';

@Resolver(() => DataDashboard)
export class DashboardResolver {
  @Query(() => DataDashboard, {
    description:
      'The data dashboard: totals, popularity, top 5 and themes of the published datasets the caller may see ' +
      '(anonymous callers: public ones only). With portalId: that portal, scores relative to it; without: every ' +
      'portal. With from/to: usage on those UTC days (both included) and the reuses registered by `to`; without: ' +
      'all time. See docs/dashboard.md.',
  })
  dataDashboard(
    @Arg('visibility', () => DashboardVisibility, { defaultValue: DashboardVisibility.ALL }) visibility: DashboardVisibility,
    @Arg('portalId', () => ID, { nullable: true }) portalId: string | null,
    @Arg('from', () => DateTimeResolver, { nullable: true, description: 'Counts activity from the UTC day of this instant.' })
    from: Date | null,
    @Arg('to', () => DateTimeResolver, { nullable: true, description: 'Counts activity through the UTC day of this instant.' })
    to: Date | null,
    @Arg('histogramBuckets', () => Int, { defaultValue: 10, description: 'Bars of the score histogram, 1-100.' })
    histogramBuckets: number,
    @Ctx() ctx: GatewayContext,
  ): Promise<DataDashboardResult> {
    return ctx.services.dashboard.dashboard(
      ctx.caller,
      { visibility, portalId: portalId ?? null, from: from ?? null, to: to ?? null, histogramBuckets },
      ctx.loaders.memo,
    );
  }
}
