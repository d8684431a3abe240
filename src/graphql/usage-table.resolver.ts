import { Arg, Args, Ctx, Field, ID, InputType, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { NonNegativeIntResolver } from 'graphql-scalars';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { PageArgs } from './dataset.resolver';
import { ResourceType } from './enums';
import { Connection, pageRows, type ConnectionShape } from './connection';
import { parseInstantWindow } from '../dates/date-input';
import { USAGE_METRICS, usageTableKey, type UsageTableRow as Row } from '../reports/usage-table';

export enum UsageMetric {
  VIEWS = 'VIEWS',
  DOWNLOADS = 'DOWNLOADS',
  API_CALLS = 'API_CALLS',
  UNIQUE_INVESTIGATIONS = 'UNIQUE_INVESTIGATIONS',
  UNIQUE_REQUESTS = 'UNIQUE_REQUESTS',
  VOLUME_BYTES = 'VOLUME_BYTES',
}
registerEnumType(UsageMetric, {
  name: 'UsageMetric',
  description: `What a usage-table row counts; CSV writes it in lower case (${USAGE_METRICS.map((m) => m.csv).join(', ')}).`,
});

export enum Granularity {
  DAY = 'DAY',
  MONTH = 'MONTH',
}
registerEnumType(Granularity, { name: 'Granularity', description: 'UTC days (YYYY-MM-DD) or months (YYYY-MM).' });

export enum AccessMethodName {
  regular = 'regular',
  machine = 'machine',
}
registerEnumType(AccessMethodName, { name: 'UsageAccessMethod', description: 'COUNTER access method: regular (people) or machine (scripts, harvesters).' });

@ObjectType({ description: 'One row of the long usage table: a count of one metric for one resource (and user) on one date.' })
export class UsageTableRow {
  @Field({ description: 'YYYY-MM-DD (DAY) or YYYY-MM (MONTH), UTC. CSV: date.' })
  date!: string;

  @Field(() => ID, { nullable: true, description: 'CSV: portal. Null for collections.' })
  portalId!: string | null;

  @Field(() => ResourceType, { description: 'CSV: resource_type.' })
  resourceType!: ResourceType;

  @Field(() => ID, { description: 'CSV: resource_id.' })
  resourceId!: string;

  @Field(() => String, { nullable: true, description: 'Title or name. CSV: title.' })
  title!: string | null;

  @Field(() => [ID], { description: 'Files: parent datasets the caller may see. CSV: parent_datasets (comma-separated).' })
  parentDatasetIds!: string[];

  @Field(() => ID, { nullable: true, description: 'Per-user tables only. CSV: user_id.' })
  userId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'By-country tables (filter byCountry) only: ISO 3166-1 alpha-2, or "unknown" for visitors without a country. CSV: country.',
  })
  country!: string | null;

  @Field(() => UsageMetric, { description: 'CSV: metric.' })
  metric!: UsageMetric;

  @Field(() => AccessMethodName, { description: 'CSV: access_method.' })
  accessMethod!: AccessMethodName;

  @Field(() => NonNegativeIntResolver, { description: 'CSV: count.' })
  count!: number;
}

@ObjectType({ description: 'A page of the long usage table (type, date, user, resource, metric, access method).' })
export class UsageTableConnection extends Connection('UsageTable', UsageTableRow) {}

@InputType({ description: 'Filters of the usage table; all given conditions hold.' })
export class UsageTableFilter {
  @Field(() => ID, { nullable: true })
  portalId?: string | null;

  @Field(() => ResourceType, { nullable: true })
  resourceType?: ResourceType | null;

  @Field(() => ID, { nullable: true })
  resourceId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Per-user rows of this user (regular use of signed-in users). A USER may only name themselves.' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'From this month (YYYY-MM), day (YYYY-MM-DD) or instant (ISO date-time), UTC.' })
  since?: string | null;

  @Field(() => String, { nullable: true, description: 'To the end of this month, day or instant (inclusive).' })
  until?: string | null;

  @Field(() => Granularity, { nullable: true, defaultValue: Granularity.DAY })
  granularity?: Granularity | null;

  @Field(() => [UsageMetric], { nullable: true, description: 'Only these metrics.' })
  metrics?: UsageMetric[] | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'One row per country as well (CSV: by_country=true); the rows of all countries add up to the rows without it. Not with userId.',
  })
  byCountry?: boolean | null;
}

@Resolver()
export class UsageTableResolver {
  @Query(() => UsageTableConnection, {
    description: 'The long (tidy) usage table for BI tools. Same rows, same order as GET /api/reports/usage-table (docs/bi.md).',
  })
  async usageTable(
    @Args() { first, after }: PageArgs,
    @Arg('filter', () => UsageTableFilter, { nullable: true }) filter: UsageTableFilter | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConnectionShape<Row>> {
    requireRole(ctx, 'ADMIN', 'USER');
    const f = filter ?? {};
    const rows = await ctx.services.usageTable.open(ctx.caller, {
      portalId: f.portalId ?? null,
      resourceType: f.resourceType ?? null,
      resourceId: f.resourceId ?? null,
      userId: f.userId ?? null,
      window: parseInstantWindow(f.since, f.until),
      granularity: f.granularity ?? 'DAY',
      metrics: f.metrics ?? null,
      byCountry: f.byCountry ?? false,
    }, ctx.signal);
    return pageRows(rows, usageTableKey, first, after);
  }
}
