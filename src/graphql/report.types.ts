import { Field, ID, ObjectType } from 'type-graphql';
import { NonNegativeIntResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import { ResourceType, Visibility } from './enums';
import { Connection } from './connection';

/*
 * Rows of the usage reports (docs/reports.md). The same rows, in the same
 * order, as the CSV endpoints under /api/reports.
 */

@ObjectType({ description: 'A resource or user referenced by a report row: its id and display name.' })
export class NamedRef {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

/** What every report row has: the resource and its regular (human) use. */
@ObjectType()
abstract class ReportRowFields {
  @Field(() => ResourceType)
  type!: ResourceType;

  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Title (files, datasets) or name (collections); null if the resource left the catalog.' })
  name!: string | null;

  @Field(() => NonNegativeIntResolver)
  views!: number;

  @Field(() => NonNegativeIntResolver, { nullable: true, description: 'Null for collections (no downloads, as in Clowder).' })
  downloads!: number | null;

  @Field(() => NonNegativeIntResolver)
  apiCalls!: number;

  @Field(() => DateTimeResolver, { nullable: true })
  lastViewedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Null for collections.' })
  lastDownloadedAt!: Date | null;
}

@ObjectType({
  description:
    'One resource in a usage report (Clowder FileMetrics/DatasetMetrics/CollectionMetrics). Counts are regular (human) use; ' +
    'with since/until they cover the window only, and lastViewedAt/lastDownloadedAt are then day-precise (start of the UTC day).',
})
export class UsageReportRow extends ReportRowFields {
  @Field(() => NamedRef, { nullable: true })
  owner!: NamedRef | null;

  @Field(() => NonNegativeIntResolver, { nullable: true, description: 'Files: size in KiB, round(bytes / 1024).' })
  sizeKb!: number | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Files: upload date; datasets and collections: creation date.' })
  createdAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Files: storage location; the gateway knows none, so always "".' })
  location!: string | null;

  @Field(() => String, { nullable: true, description: 'Files: always "PROCESSED" (files are registered once stored).' })
  status!: string | null;

  @Field(() => [NamedRef], { description: 'Files: the parent datasets the caller may see. Empty for other types.' })
  parentDatasets!: NamedRef[];

  @Field(() => [NamedRef], {
    description: 'Files: collections of the visible parent datasets; datasets: their collections; collections: their parents.',
  })
  parentCollections!: NamedRef[];

  @Field(() => [NamedRef], { description: 'Files: spaces of the visible parent datasets; datasets and collections: their spaces.' })
  parentSpaces!: NamedRef[];

  @Field(() => ID, { nullable: true, description: 'Datasets: their portal; files: the portal of their first visible dataset. CSV: portal.' })
  portalId!: string | null;

  @Field(() => Visibility, { nullable: true, description: 'Datasets only. CSV: visibility.' })
  visibility!: Visibility | null;

  @Field(() => NonNegativeIntResolver, { description: 'Machine traffic (scripts, harvesters), counted apart. CSV: machine_views.' })
  machineViews!: number;

  @Field(() => NonNegativeIntResolver, { nullable: true, description: 'Null for collections. CSV: machine_downloads.' })
  machineDownloads!: number | null;

  @Field(() => NonNegativeIntResolver, { description: 'CSV: machine_api_calls.' })
  machineApiCalls!: number;

  @Field(() => NonNegativeIntResolver, { description: 'Robot events: tallied, never counted. CSV: robot_events.' })
  robotEvents!: number;
}

@ObjectType({ description: 'A page of a usage report, in report order (downloads desc, views desc, id asc).' })
export class UsageReportConnection extends Connection('UsageReport', UsageReportRow) {}

@ObjectType({ description: 'One (user, resource) pair of a by-user report: regular (human) use of a signed-in user, all-time or in the since/until window.' })
export class UsageByUserRow extends ReportRowFields {
  @Field(() => NamedRef)
  user!: NamedRef;
}

@ObjectType({ description: 'A page of a by-user report (downloads desc, views desc, resource id, user id).' })
export class UsageByUserConnection extends Connection('UsageByUser', UsageByUserRow) {}

@ObjectType({ description: 'One dataset in one month (UTC): regular (human) use, from the daily buckets.' })
export class MonthlyUsageRow {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => String, { nullable: true })
  datasetTitle!: string | null;

  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field(() => NonNegativeIntResolver)
  views!: number;

  @Field(() => NonNegativeIntResolver)
  downloads!: number;

  @Field(() => NonNegativeIntResolver)
  apiCalls!: number;
}

@ObjectType({ description: 'A page of the monthly export (dataset id, then month).' })
export class MonthlyUsageConnection extends Connection('MonthlyUsage', MonthlyUsageRow) {}

