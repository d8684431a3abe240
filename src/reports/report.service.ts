/**
 * The usage reports, as async iterables of rows: the CSV endpoints stream
 * them (src/reports/report.routes.ts) and the GraphQL queries page through
 * them (src/graphql/report.resolver.ts), so both always give the same rows
 * in the same order (src/reports/report-order.ts). Rules: docs/reports.md
 * and docs/permissions.md. This class checks the caller and the parameters
 * before a report starts; the row sources are resource-report.ts,
 * by-user-report.ts and monthly-export.ts.
 */
import { ResourceType } from '../domain/resources';
import type { Caller } from '../domain/caller';
import { assertCanReport } from '../auth/report-access';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError, badUserInput } from '../errors/gateway-error';
import type { ReportRepository } from '../store/report.repository';
import { byUserRows } from './by-user-report';
import { monthlyRows } from './monthly-export';
import { ALL_TIME, type ReportScope, type ReportWindow } from './report-params';
import { MERGED_TYPES } from './report-order';
import type { ByUserReportRow, MonthlyUsageRow, ResourceReportRow } from './report-rows';
import { accFromTotals, addDaily, newAcc, usageOf } from './report-usage';
import { resourceRows } from './resource-report';

export class ReportService {
  constructor(private readonly repo: ReportRepository) {}

  /**
   * Rows of the file, dataset or collection report (`type`), or of the
   * merged report (`type` null: collections, then datasets, then files),
   * for `caller`, over `window`. Checks the caller now; reads lazily.
   * `signal` (all `open*`): abort when the client is gone; the reading
   * stops at the next document and its cursor is closed.
   */
  openResourceReport(
    caller: Caller,
    type: ResourceType | null,
    window: ReportWindow = ALL_TIME,
    signal?: AbortSignal,
    scope: ReportScope = {},
  ): AsyncIterable<ResourceReportRow> {
    assertCanReport(caller);
    const stream = scope.unordered === true && window.fromDay === null && window.toDay === null;
    return resourceRows(this.repo, caller, type === null ? MERGED_TYPES : [type], window, signal, scope.portalId ?? null, stream);
  }

  /** NOT_FOUND for a portal that does not exist (call before a report starts streaming). */
  async assertPortal(portalId: string | null | undefined): Promise<void> {
    if (portalId && !(await this.repo.portalExists(portalId))) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no portal with id "${portalId}"`);
    }
  }

  /** Rows of a by-user report, all-time or over `window` (a non-admin gets only their own rows). */
  openByUserReport(
    caller: Caller,
    type: ResourceType,
    window: ReportWindow = ALL_TIME,
    signal?: AbortSignal,
    scope: ReportScope = {},
  ): AsyncIterable<ByUserReportRow> {
    assertCanReport(caller);
    return byUserRows(this.repo, caller, type, window, signal, scope);
  }

  /**
   * Rows of the monthly export of one portal (admins may pass null: all
   * portals), months `from`..`to` inclusive (`YYYY-MM`, optional).
   */
  async openMonthlyExport(
    caller: Caller,
    portalId: string | null,
    fromMonth: string | null,
    toMonth: string | null,
    signal?: AbortSignal,
  ): Promise<AsyncIterable<MonthlyUsageRow>> {
    assertCanReport(caller);
    if (fromMonth !== null && toMonth !== null && fromMonth > toMonth) throw badUserInput(`from (${fromMonth}) is after to (${toMonth})`);
    if (portalId === null && caller.role !== 'ADMIN') {
      throw badUserInput('portal is required: only admins may export all portals at once');
    }
    if (portalId !== null && !(await this.repo.portalExists(portalId))) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no portal with id "${portalId}"`);
    }
    return monthlyRows(this.repo, caller, portalId, fromMonth, toMonth, signal);
  }

  /** Whether events were ever sent under this user id, registered or not. */
  userHasUsage(userId: string): Promise<boolean> {
    return this.repo.userHasUsage(userId);
  }

  /**
   * One user's regular use of datasets (User.stats), from the same
   * documents as the dataset by-user report. The caller is checked by the
   * resolver (admins, or the user themselves).
   */
  async userStats(
    userId: string,
    window: ReportWindow = ALL_TIME,
  ): Promise<{ views: number; downloads: number; apiCalls: number; datasets: number; lastViewedAt: Date | null; lastDownloadedAt: Date | null }> {
    const total = newAcc();
    const datasets = new Set<string>();
    const rows =
      window.fromDay === null && window.toDay === null
        ? this.repo.byUser(ResourceType.DATASET, userId)
        : this.repo.byUserDaily(ResourceType.DATASET, userId, window.fromDay, window.toDay);
    for await (const d of rows) {
      if (d.userId !== userId) continue;
      const before = total.views + total.downloads + total.apiCalls;
      if ('day' in d) addDaily(total, d as typeof d & { day: string });
      else {
        const a = accFromTotals(d);
        total.views += a.views;
        total.downloads += a.downloads;
        total.apiCalls += a.apiCalls;
        if (!(total.lastViewedMs >= a.lastViewedMs)) total.lastViewedMs = a.lastViewedMs;
        if (!(total.lastDownloadedMs >= a.lastDownloadedMs)) total.lastDownloadedMs = a.lastDownloadedMs;
      }
      if (total.views + total.downloads + total.apiCalls > before) datasets.add(d.resourceId);
    }
    const u = usageOf(total);
    return { views: u.views, downloads: u.downloads, apiCalls: u.apiCalls, datasets: datasets.size, lastViewedAt: u.lastViewedAt, lastDownloadedAt: u.lastDownloadedAt };
  }
}
