import { Field, ObjectType } from 'type-graphql';
import { NonNegativeIntResolver, SafeIntResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import { countersOf } from '../domain/counters';
import type { UsageTotalsDoc } from '../store/usage.documents';

/**
 * The three counts a usage type leads with. No field has this type, so it is
 * not in the schema. type-graphql lists inherited fields before a class's
 * own, so only types whose first fields these are extend it; CountryUsage,
 * UsagePoint and DashboardTotals lead with other fields and declare these
 * themselves, so that introspection lists every type's fields in the same
 * order as before.
 */
@ObjectType()
export class UseCounts {
  @Field(() => NonNegativeIntResolver)
  views!: number;

  @Field(() => NonNegativeIntResolver)
  downloads!: number;

  @Field(() => NonNegativeIntResolver)
  apiCalls!: number;
}

@ObjectType({ description: 'Use by scripts, harvesters and automated accounts (COUNTER "machine").' })
export class MachineUsage extends UseCounts {
  @Field(() => NonNegativeIntResolver)
  uniqueInvestigations!: number;

  @Field(() => NonNegativeIntResolver)
  uniqueRequests!: number;

  @Field(() => NonNegativeIntResolver, { description: 'COUNTER machine total investigations: views + API calls + downloads.' })
  totalInvestigations!: number;

  @Field(() => NonNegativeIntResolver, { description: 'COUNTER machine total requests: downloads.' })
  totalRequests!: number;

  @Field(() => SafeIntResolver, { description: 'Bytes delivered by counted machine requests.' })
  volume!: number;
}

@ObjectType({
  description:
    "Use from one country (COUNTER metrics), regular and machine apart. Countries come from the portal or from the " +
    "visitor's IP (GeoLite2). views + apiCalls + downloads = totalInvestigations; days counted before API calls and bytes " +
    'were kept per country show their API calls as views and no volume. See docs/counting.md.',
})
export class CountryUsage {
  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2, upper case; null when the visitor's country is unknown." })
  country!: string | null;

  @Field(() => NonNegativeIntResolver)
  views!: number;

  @Field(() => NonNegativeIntResolver)
  downloads!: number;

  @Field(() => NonNegativeIntResolver)
  apiCalls!: number;

  @Field(() => NonNegativeIntResolver, { description: 'COUNTER total investigations: views + API calls + downloads.' })
  totalInvestigations!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Sessions from this country that investigated (COUNTER unique; summed per dataset on collections, portals and the network).' })
  uniqueInvestigations!: number;

  @Field(() => NonNegativeIntResolver, { description: 'COUNTER total requests: downloads.' })
  totalRequests!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Sessions from this country that downloaded (COUNTER unique; summed as uniqueInvestigations).' })
  uniqueRequests!: number;

  @Field(() => SafeIntResolver, { description: 'Bytes delivered by counted regular requests.' })
  volume!: number;

  @Field(() => MachineUsage)
  machine!: MachineUsage;
}

@ObjectType({
  description:
    'Usage totals of a resource, counted by the COUNTER Code of Practice for Research Data. `views`, `downloads` and ' +
    '`apiCalls` count regular (human) use after the 30-second double-click filter; machine use is in `machine`; robots ' +
    'are only tallied. A dataset\'s figures include the use of its files (the dataset is the COUNTER unit). See docs/counting.md.',
})
export class UsageStats extends UseCounts {
  @Field(() => DateTimeResolver, { nullable: true })
  lastViewedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  lastDownloadedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  lastApiCallAt!: Date | null;

  @Field(() => NonNegativeIntResolver, { description: 'COUNTER total investigations: views + API calls + downloads.' })
  totalInvestigations!: number;

  @Field(() => NonNegativeIntResolver, { description: 'COUNTER total requests: downloads.' })
  totalRequests!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Sessions that investigated the resource (COUNTER unique).' })
  uniqueInvestigations!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Sessions that downloaded the resource (COUNTER unique).' })
  uniqueRequests!: number;

  @Field(() => MachineUsage)
  machine!: MachineUsage;

  @Field(() => NonNegativeIntResolver, { description: 'Events from robots: tallied, never counted as use.' })
  robotEvents!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Repeats filtered by the double-click rule.' })
  doubleClicks!: number;

  @Field(() => SafeIntResolver, { description: 'Bytes delivered by counted regular requests (COUNTER volume), when portals send `bytes`.' })
  volume!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Events whose HTTP status was neither 200 nor 304: tallied, never counted.' })
  failedEvents!: number;

  /**
   * The totals documents (`usageKey`s, loaders/create-loaders.ts) whose countries make up
   * `countries` (resolved in usage-stats.resolver.ts, read only when asked
   * for: a popular dataset's map holds hundreds of numbers).
   */
  countryKeys!: readonly string[];
}

/**
 * GraphQL stats of a stored totals document, or a sum of them (see
 * `sumUsage`); `countryKeys`: the totals documents whose countries are
 * summed for `countries`.
 */
export function toUsageStats(doc: UsageTotalsDoc | null, countryKeys: readonly string[]): UsageStats {
  const c = countersOf(doc as Record<string, unknown> | null);
  return {
    views: c.views,
    downloads: c.downloads,
    apiCalls: c.apiCalls,
    lastViewedAt: doc?.lastViewedAt ?? null,
    lastDownloadedAt: doc?.lastDownloadedAt ?? null,
    lastApiCallAt: doc?.lastApiCallAt ?? null,
    totalInvestigations: c.views + c.apiCalls + c.downloads,
    totalRequests: c.downloads,
    uniqueInvestigations: c.uniqueInvestigations,
    uniqueRequests: c.uniqueRequests,
    machine: {
      views: c.machineViews,
      downloads: c.machineDownloads,
      apiCalls: c.machineApiCalls,
      uniqueInvestigations: c.machineUniqueInvestigations,
      uniqueRequests: c.machineUniqueRequests,
      totalInvestigations: c.machineViews + c.machineApiCalls + c.machineDownloads,
      totalRequests: c.machineDownloads,
      volume: c.machineVolume,
    },
    robotEvents: c.robotEvents,
    doubleClicks: c.doubleClicks,
    volume: c.volume,
    failedEvents: c.failedEvents,
    countryKeys,
  };
}
