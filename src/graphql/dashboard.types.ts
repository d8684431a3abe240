import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NonNegativeIntResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import { UseCounts } from './usage-stats.type';

/*
 * Types of the data dashboard, dataset popularity and usage series
 * (docs/dashboard.md). Resolvers return the plain objects of
 * src/dashboard/dashboard.ts, popularity-scope.ts and dashboard.service.ts,
 * which have these shapes.
 */

export enum DashboardVisibility {
  ALL = 'ALL',
  PUBLIC = 'PUBLIC',
  PRIVATE = 'PRIVATE',
}
registerEnumType(DashboardVisibility, {
  name: 'DashboardVisibility',
  description: 'Which published datasets the dashboard is built from.',
  valuesConfig: {
    ALL: { description: 'Public and private published datasets the caller may see.' },
    PUBLIC: { description: 'Published datasets accessible to everyone.' },
    PRIVATE: { description: 'Published datasets with restricted access that the caller may see (none for anonymous callers).' },
  },
});

export enum PopularityScope {
  PORTAL = 'PORTAL',
  NETWORK = 'NETWORK',
}
registerEnumType(PopularityScope, {
  name: 'PopularityScope',
  description: 'What a popularity score is relative to.',
  valuesConfig: {
    PORTAL: { description: "The published datasets of the dataset's portal that the caller may see." },
    NETWORK: { description: 'The published datasets of every portal that the caller may see.' },
  },
});

export enum UsageGranularity {
  DAY = 'DAY',
  MONTH = 'MONTH',
}
registerEnumType(UsageGranularity, { name: 'UsageGranularity', description: 'Period of one point of a usage series (UTC).' });

@ObjectType({ description: 'Points (out of 100) each metric contributed to a score; they add up to the score.' })
export class PopularityContributions {
  @Field(() => Float) downloads!: number;
  @Field(() => Float) apiCalls!: number;
  @Field(() => Float) reuses!: number;
}

@ObjectType({ description: 'The counts a popularity score was computed from.' })
export class PopularityMetrics {
  @Field(() => NonNegativeIntResolver) downloads!: number;
  @Field(() => NonNegativeIntResolver) apiCalls!: number;
  @Field(() => NonNegativeIntResolver) reuses!: number;
}

@ObjectType({ description: 'Relative importance of the metrics in the score (as configured; normalised to sum to 1 in the formula).' })
export class PopularityWeights {
  @Field(() => Float) downloads!: number;
  @Field(() => Float) apiCalls!: number;
  @Field(() => Float) reuses!: number;
}

@ObjectType({
  description:
    'A dataset popularity score (docs/popularity.md), relative to a scope. Only comparable with scores of the same ' +
    'scope, time window, weights and formula version.',
})
export class PopularityScore {
  @Field(() => Float, { description: '0-100, 2 decimals; 0 exactly for no activity.' })
  score!: number;

  @Field(() => Int, { description: '1 = most popular of the scope; by score desc, then id.' })
  rank!: number;

  @Field(() => Float, { description: 'Share (0-100) of the datasets of the scope with a strictly lower score.' })
  percentile!: number;

  @Field(() => PopularityContributions)
  contributions!: PopularityContributions;

  @Field(() => PopularityMetrics)
  metrics!: PopularityMetrics;

  @Field(() => PopularityScope)
  scope!: PopularityScope;

  @Field(() => ID, { nullable: true, description: 'The portal of a PORTAL score.' })
  portalId!: string | null;

  @Field(() => Int, { description: 'Datasets in the scope.' })
  scopeSize!: number;

  @Field({ description: 'Version of the formula (semver).' })
  formulaVersion!: string;
}

@ObjectType()
export class DashboardTotals {
  @Field(() => NonNegativeIntResolver, { description: 'Published datasets counted.' })
  datasets!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Records of those datasets, all together.' })
  records!: number;

  @Field(() => NonNegativeIntResolver)
  views!: number;

  @Field(() => NonNegativeIntResolver)
  downloads!: number;

  @Field(() => NonNegativeIntResolver)
  apiCalls!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Distinct reuses pointing at one or more of the datasets.' })
  reuses!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Datasets with at least one reuse.' })
  datasetsWithReuses!: number;

  @Field(() => Float, { description: 'datasetsWithReuses / datasets, from 0 to 1 (0 without datasets).' })
  reuseShare!: number;

  @Field(() => NonNegativeIntResolver)
  datasetsMissingTheme!: number;

  @Field(() => NonNegativeIntResolver)
  datasetsMissingLicence!: number;

  @Field(() => NonNegativeIntResolver)
  datasetsMissingPublisher!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Machine use (scripts, harvesters): views + downloads + API calls, COUNTER "machine".' })
  machineUse!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Events from robots (COUNTER-Robots list): tallied, never counted.' })
  robotEvents!: number;

  @Field(() => Float, { description: 'robotEvents / (robotEvents + regular and machine use), 0..1: the share of bot activity.' })
  robotShare!: number;

  @Field(() => Float, { description: 'Machine use / (regular + machine use), 0..1.' })
  machineShare!: number;
}

@ObjectType({ description: 'A dataset of the popularity charts.' })
export class DashboardScoreEntry {
  @Field(() => ID) datasetId!: string;
  @Field() title!: string;
  @Field(() => NonNegativeIntResolver) downloads!: number;
  @Field(() => NonNegativeIntResolver) apiCalls!: number;
  @Field(() => NonNegativeIntResolver) reuses!: number;
  @Field(() => Float) score!: number;
  @Field(() => PopularityScore) popularity!: PopularityScore;
}

@ObjectType({ description: 'One bar of the score distribution: scores in [from, to), the last bucket [from, 100].' })
export class ScoreHistogramBucket {
  @Field(() => Float) from!: number;
  @Field(() => Float) to!: number;
  @Field(() => NonNegativeIntResolver) count!: number;
}

@ObjectType()
export class DashboardPopularity {
  @Field(() => [DashboardScoreEntry], { description: 'Up to 5 datasets, rank 1 first.' })
  mostPopular!: DashboardScoreEntry[];

  @Field(() => [DashboardScoreEntry], { description: 'Up to 5 datasets with the last ranks, the least popular first.' })
  leastPopular!: DashboardScoreEntry[];

  @Field(() => [ScoreHistogramBucket], { description: 'Score distribution over all the datasets counted.' })
  histogram!: ScoreHistogramBucket[];
}

@ObjectType()
export class DashboardTopEntry {
  @Field(() => ID) datasetId!: string;
  @Field() title!: string;
  @Field(() => NonNegativeIntResolver) count!: number;
}

@ObjectType({ description: 'Top 5 datasets per metric: count desc, then id; datasets with 0 are left out.' })
export class DashboardTop5 {
  @Field(() => [DashboardTopEntry]) downloads!: DashboardTopEntry[];
  @Field(() => [DashboardTopEntry]) apiCalls!: DashboardTopEntry[];
  @Field(() => [DashboardTopEntry]) reuses!: DashboardTopEntry[];
}

@ObjectType({ description: 'A theme in use (treemap cell).' })
export class DashboardTheme {
  @Field(() => ID) themeId!: string;
  @Field() name!: string;
  @Field(() => NonNegativeIntResolver) datasetCount!: number;
  @Field(() => NonNegativeIntResolver) downloads!: number;
  @Field(() => NonNegativeIntResolver) apiCalls!: number;
  @Field(() => NonNegativeIntResolver, { description: "Distinct reuses pointing at one or more of the theme's datasets." })
  reuses!: number;
  @Field(() => Float, { description: "Mean popularity score of the theme's datasets, 2 decimals." })
  averageScore!: number;
}

@ObjectType({ description: 'The data dashboard (docs/dashboard.md): only published datasets the caller may see count.' })
export class DataDashboard {
  @Field(() => DashboardVisibility)
  visibility!: DashboardVisibility;

  @Field(() => ID, { nullable: true })
  portalId!: string | null;

  @Field(() => String, { nullable: true, description: 'First UTC day (YYYY-MM-DD) of the window; null = no lower bound.' })
  firstDay!: string | null;

  @Field(() => String, { nullable: true, description: 'Last UTC day (YYYY-MM-DD) of the window; null = no upper bound.' })
  lastDay!: string | null;

  @Field(() => PopularityScope, { description: 'PORTAL with a portalId, else NETWORK.' })
  scope!: PopularityScope;

  @Field(() => DashboardTotals)
  totals!: DashboardTotals;

  @Field(() => DashboardPopularity)
  popularity!: DashboardPopularity;

  @Field(() => DashboardTop5)
  top5!: DashboardTop5;

  @Field(() => [DashboardTheme], { description: 'Themes in use, by datasetCount desc, then id.' })
  themes!: DashboardTheme[];

  @Field({ description: 'Version of the popularity formula (semver).' })
  formulaVersion!: string;

  @Field(() => PopularityWeights)
  weights!: PopularityWeights;
}

@ObjectType({ description: 'Regular (human) use in one period.' })
export class UsagePoint {
  @Field({ description: 'YYYY-MM-DD (DAY) or YYYY-MM (MONTH), UTC.' })
  period!: string;

  @Field(() => NonNegativeIntResolver) views!: number;
  @Field(() => NonNegativeIntResolver) downloads!: number;
  @Field(() => NonNegativeIntResolver) apiCalls!: number;
}

@ObjectType()
export class UsageTotal extends UseCounts {}

@ObjectType({
  description:
    'Usage of a resource per day or month over the UTC days firstDay..lastDay (both included), periods without ' +
    'activity as zeros. MONTH points count only the days inside the range.',
})
export class UsageSeries {
  @Field(() => UsageGranularity) granularity!: UsageGranularity;
  @Field() firstDay!: string;
  @Field() lastDay!: string;
  @Field(() => [UsagePoint]) points!: UsagePoint[];
  @Field(() => UsageTotal, { description: 'Sum of the points.' }) total!: UsageTotal;
}

@ArgsType()
export class DataDashboardArgs {
  @Field(() => DashboardVisibility, { defaultValue: DashboardVisibility.ALL })
  visibility!: DashboardVisibility;

  @Field(() => ID, { nullable: true, description: "Only this portal's datasets, scores relative to them (PORTAL scope)." })
  portalId?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Counts activity from the UTC day of this instant.' })
  from?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Counts activity through the UTC day of this instant.' })
  to?: Date | null;

  @Field(() => Int, { defaultValue: 10, description: 'Bars of the score histogram, 1-100.' })
  histogramBuckets!: number;
}

@ArgsType()
export class PopularityArgs {
  @Field(() => PopularityScope, { defaultValue: PopularityScope.PORTAL })
  scope!: PopularityScope;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Counts activity from the UTC day of this instant.' })
  from?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Counts activity through the UTC day of this instant.' })
  to?: Date | null;
}

@ArgsType()
export class UsageSeriesArgs {
  @Field(() => DateTimeResolver, { description: 'The series starts on the UTC day of this instant.' })
  from!: Date;

  @Field(() => DateTimeResolver, { description: 'The series ends on the UTC day of this instant (included).' })
  to!: Date;

  @Field(() => UsageGranularity, { defaultValue: UsageGranularity.DAY })
  granularity!: UsageGranularity;
}

/** How the description of every `usage` series field starts; each then says whose use it is. */
export const USAGE_SERIES =
  'Regular use per UTC day or month from the day of `from` through the day of `to` (at most 1096 days for DAY, 120 months for MONTH), zero-filled';
