import { Args, ArgsType, Ctx, Field, ID, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { PageArgs } from './dataset.resolver';
import { ResourceType } from './enums';
import { MonthlyUsageConnection, UsageByUserConnection, UsageReportConnection } from './report.types';
import { pageRows, type ConnectionShape } from './connection';
import { parseMonthParam, parseWindow } from '../reports/report-params';
import { byUserRowKey, monthlyRowKey, resourceRowKey } from '../reports/report-order';
import type { ByUserReportRow, MonthlyUsageRow, ResourceReportRow } from '../reports/report-rows';

@ArgsType()
class UsageReportArgs extends PageArgs {
  @Field(() => ResourceType, { nullable: true, description: 'FILE, DATASET or COLLECTION; null: all three (collections, then datasets, then files).' })
  type?: ResourceType | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only activity on or after this UTC day. ISO 8601 date or date-time (reduced to its UTC day).',
  })
  since?: string | null;

  @Field(() => String, { nullable: true, description: 'Only activity on or before this UTC day (inclusive).' })
  until?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this portal's datasets, their files and the collections holding them." })
  portalId?: string | null;
}

@ArgsType()
class UsageByUserArgs extends PageArgs {
  @Field(() => ResourceType)
  type!: ResourceType;

  @Field(() => String, { nullable: true, description: 'Only activity on or after this UTC day (ISO 8601 date or date-time).' })
  since?: string | null;

  @Field(() => String, { nullable: true, description: 'Only activity on or before this UTC day (inclusive).' })
  until?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this portal's resources." })
  portalId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this user (a USER key: only itself anyway).' })
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this resource.' })
  resourceId?: string | null;
}

@ArgsType()
class MonthlyExportArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'The portal. Required except for admins (null: every portal).' })
  portalId?: string | null;

  @Field(() => String, { nullable: true, description: 'First month, YYYY-MM (inclusive).' })
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Last month, YYYY-MM (inclusive).' })
  to?: string | null;
}

/**
 * The usage reports as GraphQL (docs/reports.md): the same row sources as
 * the CSV endpoints, paged with keyset cursors. ADMIN or USER keys only; a
 * USER sees only what they may see (docs/permissions.md).
 */
@Resolver()
export class ReportResolver {
  @Query(() => UsageReportConnection, {
    description:
      'Resources with views or downloads (collections: views), by downloads desc, views desc, id. ' +
      'Same rows as GET /api/reports/metrics[/files|/datasets|/collections].',
  })
  async usageReport(@Args() { type, since, until, portalId, first, after }: UsageReportArgs, @Ctx() ctx: GatewayContext): Promise<ConnectionShape<ResourceReportRow>> {
    requireRole(ctx, 'ADMIN', 'USER');
    const window = parseWindow(since, until);
    await ctx.services.reports.assertPortal(portalId);
    return pageRows(ctx.services.reports.openResourceReport(ctx.caller, type ?? null, window, ctx.signal, { portalId }), resourceRowKey, first, after);
  }

  @Query(() => UsageByUserConnection, {
    description:
      'Use per (user, resource) of signed-in people, all-time or in a since/until window (anonymous and machine traffic are never here). ' +
      'A USER gets only their own rows. Same rows as GET /api/reports/metrics/<type>s_by_user.',
  })
  async usageByUserReport(
    @Args() { type, since, until, portalId, userId, resourceId, first, after }: UsageByUserArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConnectionShape<ByUserReportRow>> {
    requireRole(ctx, 'ADMIN', 'USER');
    const window = parseWindow(since, until);
    await ctx.services.reports.assertPortal(portalId);
    return pageRows(ctx.services.reports.openByUserReport(ctx.caller, type, window, ctx.signal, { portalId, userId, resourceId }), byUserRowKey, first, after);
  }

  @Query(() => MonthlyUsageConnection, {
    description: 'Per dataset and month (YYYY-MM): views, downloads, API calls. Same rows as GET /api/reports/monthly.',
  })
  async monthlyUsageExport(
    @Args() { portalId, from, to, first, after }: MonthlyExportArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConnectionShape<MonthlyUsageRow>> {
    requireRole(ctx, 'ADMIN', 'USER');
    const rows = await ctx.services.reports.openMonthlyExport(ctx.caller, portalId ?? null, parseMonthParam('from', from), parseMonthParam('to', to, 'end'), ctx.signal);
    return pageRows(rows, monthlyRowKey, first, after);
  }
}
