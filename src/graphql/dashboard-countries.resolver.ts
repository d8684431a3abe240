import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DataDashboard } from './dashboard.types';
import { CountryUsage } from './usage-stats.type';
import type { GatewayContext } from './context';
import { countryRows, type CountryUsageRow } from '../domain/country-usage';
import type { DataDashboard as DataDashboardResult } from '../dashboard/dashboard.service';

@Resolver(() => DataDashboard)
export class DashboardCountriesResolver {
  @FieldResolver(() => [CountryUsage], {
    description:
      'Use by country of the datasets this dashboard counts (same visibility, portal and window): by totalInvestigations ' +
      'desc, then code; unknown (null) last. Uniques are summed per dataset, as COUNTER reports them.',
  })
  async countries(@Root() d: DataDashboardResult, @Ctx() ctx: GatewayContext): Promise<CountryUsageRow[]> {
    const map = await ctx.services.dashboard.dashboardCountries(
      ctx.caller,
      { visibility: d.visibility, portalId: d.portalId, firstDay: d.firstDay, lastDay: d.lastDay },
      ctx.loaders.memo,
      ctx.signal,
    );
    return countryRows(map);
  }
}
