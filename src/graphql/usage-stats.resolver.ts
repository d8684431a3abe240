import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { CountryUsage, UsageStats } from './usage-stats.type';
import type { GatewayContext } from './context';
import { addCountries, countryRows, type CountryMap, type CountryUsageRow } from '../domain/country-usage';

@Resolver(() => UsageStats)
export class UsageStatsResolver {
  @FieldResolver(() => [CountryUsage], {
    description:
      'The same use by country: by totalInvestigations desc, then country code; unknown (null) last. Countries with no ' +
      'counted use are left out; robots, double clicks and failed events have no country here. Summed stats ' +
      '(subtreeStats) sum their datasets\' countries, uniques per dataset.',
  })
  async countries(@Root() s: UsageStats, @Ctx() ctx: GatewayContext): Promise<CountryUsageRow[]> {
    const maps = await ctx.loaders.countryTotals.loadMany([...s.countryKeys]);
    const sum: CountryMap = {};
    for (const m of maps) {
      if (m instanceof Error) throw m;
      if (m) addCountries(sum, m);
    }
    return countryRows(sum);
  }
}
