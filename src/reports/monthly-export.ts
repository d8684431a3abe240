/**
 * The row source of the monthly export (data.gouv.fr style): one row per
 * (dataset, UTC month) with activity.
 *
 * @packageDocumentation
 */
import { ResourceType } from '../domain/resources';
import type { Caller } from '../domain/caller';
import { reportAccess } from '../auth/report-access';
import type { ReportRepository } from '../store/report.repository';
import { MONTHLY_ORDER } from './report-order';
import type { MonthlyUsageRow } from './report-rows';

/**
 * Rows of the datasets of one portal (null: every portal, datasets no longer
 * in the catalog included), months `fromMonth`..`toMonth` inclusive
 * (`YYYY-MM`, null: unbounded), in {@link MONTHLY_ORDER}.
 */
export async function* monthlyRows(
  repo: ReportRepository,
  caller: Caller,
  portalId: string | null,
  fromMonth: string | null,
  toMonth: string | null,
  signal: AbortSignal | undefined,
): AsyncGenerator<MonthlyUsageRow> {
  const datasets = await repo.datasets(portalId);
  const access = reportAccess(caller, datasets);
  const rows = new Map<string, MonthlyUsageRow>();
  const days = repo.daily(ResourceType.DATASET, fromMonth ? `${fromMonth}-01` : null, toMonth ? `${toMonth}-31` : null);
  for await (const d of days) {
    signal?.throwIfAborted();
    const known = datasets.get(d.resourceId);
    // Another portal's dataset (or, for a portal, one no longer in the catalog).
    if (!known && portalId !== null) continue;
    if (!access.seesAll && !access.canSeeDataset(d.resourceId)) continue;
    const month = d.day.slice(0, 7);
    const key = `${d.resourceId}\u0000${month}`;
    let r = rows.get(key);
    if (!r) {
      r = { datasetId: d.resourceId, datasetTitle: known ? known.title : null, month, views: 0, downloads: 0, apiCalls: 0 };
      rows.set(key, r);
    }
    r.views += typeof d.views === 'number' ? d.views : 0;
    r.downloads += typeof d.downloads === 'number' ? d.downloads : 0;
    r.apiCalls += typeof d.apiCalls === 'number' ? d.apiCalls : 0;
  }
  const out = [...rows.values()].filter((r) => r.views > 0 || r.downloads > 0 || r.apiCalls > 0);
  rows.clear();
  out.sort(MONTHLY_ORDER.compare);
  yield* out;
}
