import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { DataDashboard, DataDashboardArgs } from './dashboard.types';
import type { GatewayContext } from './context';
import { checkDateRange } from './date-range';
import type { DataDashboard as DataDashboardResult } from '../dashboard/dashboard.service';

@Resolver(() => DataDashboard)
export class DashboardResolver {
  @Query(() => DataDashboard, {
    description:
      'The data dashboard: totals, popularity, top 5 and themes of the published datasets the caller may see ' +
      '(anonymous callers: public ones only; PRIVATE then gives an empty dashboard). With portalId: that portal, ' +
      'scores relative to it; without: every portal. With from/to: usage on those UTC days (both included) and the ' +
      'reuses registered by the day of `to`; without: all time. See docs/dashboard.md.',
  })
  dataDashboard(
    @Args() { visibility, portalId, from, to, histogramBuckets }: DataDashboardArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<DataDashboardResult> {
    checkDateRange({ from, to });
    return ctx.services.dashboard.dashboard(
      ctx.caller,
      { visibility, portalId: portalId ?? null, from: from ?? null, to: to ?? null, histogramBuckets },
      ctx.loaders.memo,
      ctx.signal,
    );
  }
}
