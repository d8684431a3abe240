import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Collection, File, Portal } from './catalog.types';
import { DataDashboard, UsageSeries, UsageSeriesArgs } from './dashboard.types';
import { CountryUsage } from './usage-stats.type';
import { descendantsOf } from './collection.resolver';
import type { GatewayContext } from './context';
import { checkDateRange } from './date-range';
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc } from '../store/catalog.documents';
import { canSeeDataset } from '../auth/visibility';
import { countryRows, type CountryUsageRow } from '../domain/country-usage';
import type { DataDashboard as DataDashboardResult, UsageSeriesResult } from '../dashboard/dashboard.service';

/*
 * Usage in time at every level (files, collections, portals, the network)
 * and the dashboard's countries: issue 20. Series have the arguments and
 * limits of `Dataset.usage` (docs/dashboard.md, "Usage series").
 */

const SERIES = 'Regular use per UTC day or month from the day of `from` through the day of `to` (at most 1096 days for DAY, 120 months for MONTH), zero-filled';

/** The datasets the caller may see among `docs`, each once. */
function visibleIds(docs: readonly (DatasetDoc | Error | null)[], ctx: GatewayContext): string[] {
  const ids = new Set<string>();
  for (const d of docs) if (d && !(d instanceof Error) && canSeeDataset(d, ctx.caller)) ids.add(d._id);
  return [...ids];
}

@Resolver(() => File)
export class FileUsageResolver {
  @FieldResolver(() => UsageSeries, { description: `${SERIES}: the use of this file alone (its datasets count it too).` })
  usage(@Root() f: FileDoc, @Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    return ctx.services.dashboard.usageSeries(f._id, from, to, granularity, ctx.loaders.memo, 'FILE');
  }
}

@Resolver(() => Collection)
export class CollectionUsageResolver {
  @FieldResolver(() => UsageSeries, {
    description:
      `${SERIES}: the summed use of every dataset the caller may see in this collection and its sub-collections ` +
      "(each dataset once, files included). Collection pages' own views are not in it (see `stats`).",
  })
  async usage(@Root() c: CollectionDoc, @Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    const under = descendantsOf(c._id, await ctx.loaders.collectionLinks());
    const datasets = (await ctx.loaders.datasetsOfCollection.loadMany(under)).flatMap((r) => (r instanceof Error ? [] : r));
    return ctx.services.dashboard.setSeries(visibleIds(datasets, ctx), from, to, granularity, ctx.loaders.memo, ctx.signal);
  }
}

@Resolver(() => Portal)
export class PortalUsageResolver {
  @FieldResolver(() => UsageSeries, { description: `${SERIES}: the summed use of every dataset of the portal the caller may see (as subtreeStats).` })
  async usage(@Root() p: PortalDoc, @Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    const ids = visibleIds(await ctx.loaders.datasetsOfPortal.load(p._id), ctx);
    return ctx.services.dashboard.setSeries(ids, from, to, granularity, ctx.loaders.memo, ctx.signal);
  }
}

@Resolver()
export class NetworkUsageResolver {
  @Query(() => UsageSeries, { description: `${SERIES}: the summed use of every dataset of every portal the caller may see.` })
  async networkUsage(@Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    const portals = await ctx.services.catalogQueries.portals();
    const datasets = (await ctx.loaders.datasetsOfPortal.loadMany(portals.map((p) => p._id))).flatMap((r) => (r instanceof Error ? [] : r));
    return ctx.services.dashboard.setSeries(visibleIds(datasets, ctx), from, to, granularity, ctx.loaders.memo, ctx.signal);
  }
}

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
