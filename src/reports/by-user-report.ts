/**
 * The row source of the by-user reports: one row per (user, resource) of
 * signed-in people's regular use, all-time or summed over a window.
 *
 * @packageDocumentation
 */
import { ResourceType } from '../domain/resources';
import type { Caller } from '../domain/caller';
import { reportAccess } from '../auth/report-access';
import type { FileInfo, ReportRepository } from '../store/report.repository';
import type { ReportScope, ReportWindow } from './report-params';
import { portalFilter, readCatalog } from './report-catalog';
import { BY_USER_ORDER } from './report-order';
import { buildByUserRow, type ByUserReportRow } from './report-rows';
import { accFromTotals, addDaily, isActive, newAcc, usageOf, type UsageAcc } from './report-usage';

/** The usage of one (user, resource) pair while the report is put together. */
interface UserEntry extends UsageAcc {
  resourceId: string;
  userId: string;
}

/** Rows of the by-user report of `type` in {@link BY_USER_ORDER} (a non-admin gets only their own rows). */
export async function* byUserRows(
  repo: ReportRepository,
  caller: Caller,
  type: ResourceType,
  window: ReportWindow,
  signal: AbortSignal | undefined,
  scope: ReportScope,
): AsyncGenerator<ByUserReportRow> {
  const portalId = scope.portalId ?? null;
  const lookup = await readCatalog(repo, portalId !== null || type !== ResourceType.COLLECTION, false);
  const access = reportAccess(caller, lookup.datasets);
  const inPortal = portalId === null ? null : portalFilter(portalId, lookup);
  let entries: UserEntry[] = [];
  if (window.fromDay === null && window.toDay === null) {
    for await (const d of repo.byUser(type, access.onlyUserId)) {
      signal?.throwIfAborted();
      const acc = accFromTotals(d);
      if (isActive(type, acc)) entries.push({ resourceId: d.resourceId, userId: d.userId, ...acc });
    }
  } else {
    // A window sums the user's daily buckets inside it, as resource reports do.
    const byKey = new Map<string, UserEntry>();
    for await (const d of repo.byUserDaily(type, access.onlyUserId, window.fromDay, window.toDay)) {
      signal?.throwIfAborted();
      const key = `${d.userId}|${d.resourceId}`;
      let e = byKey.get(key);
      if (!e) {
        e = { resourceId: d.resourceId, userId: d.userId, ...newAcc() };
        byKey.set(key, e);
      }
      addDaily(e, d);
    }
    entries = [...byKey.values()].filter((e) => isActive(type, e));
  }
  const files = new Map<string, Pick<FileInfo, 'title' | 'datasetIds'>>();
  if (type === ResourceType.FILE && entries.length) {
    const wanted = new Set(entries.map((e) => e.resourceId));
    for await (const f of repo.files()) {
      signal?.throwIfAborted();
      if (wanted.has(f._id)) files.set(f._id, { title: f.title, datasetIds: f.datasetIds });
    }
  }
  if (scope.userId || scope.resourceId) {
    entries = entries.filter((e) => (!scope.userId || e.userId === scope.userId) && (!scope.resourceId || e.resourceId === scope.resourceId));
  }
  entries.sort(BY_USER_ORDER[type].compare);
  for (const e of entries) {
    const row = buildByUserRow(type, e.resourceId, e.userId, usageOf(e), lookup, access, files);
    if (!row) continue;
    const parents = type === ResourceType.FILE ? (files.get(e.resourceId)?.datasetIds ?? []).filter((d) => access.seesAll || access.canSeeDataset(d)) : [];
    if (inPortal === null || inPortal(type, e.resourceId, parents)) yield row;
  }
}
