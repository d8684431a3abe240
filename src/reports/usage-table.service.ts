/**
 * The long usage table as a row source (CSV `GET /api/reports/usage-table`
 * and GraphQL `usageTable`), with the report permission rules: a USER sees
 * the datasets they may see (files through their datasets), and only their
 * own per-user rows. Reads one type at a time, one day of `_id` range
 * after another; memory holds one date bucket (a day or a month) of active
 * resources.
 */
import { setImmediate } from 'node:timers/promises';
import { ResourceType } from '../domain/resources';
import type { Caller } from '../domain/caller';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { windowDays, type InstantWindow } from '../dates/date-input';
import type { DatasetInfo, ReportRepository } from '../store/report.repository';
import type { UsageTableRepository } from '../store/usage-table.repository';
import { assertCanReport, reportAccess, type ReportAccess } from '../auth/report-access';
import type { CountryCounts } from '../domain/counters';
import { USAGE_TABLE_ORDER, addFields, countryFieldsOf, countryLabel, rowsOf, type FieldSums, type Granularity, type UsageMetric, type UsageTableRow } from './usage-table';

export interface UsageTableFilter {
  portalId?: string | null;
  resourceType?: ResourceType | null;
  resourceId?: string | null;
  /** Per-user rows (regular use of signed-in users); a USER may only name themselves. */
  userId?: string | null;
  window: InstantWindow;
  granularity: Granularity;
  metrics?: readonly UsageMetric[] | null;
  /** One row per country too (resources only: per-user figures have no country). */
  byCountry?: boolean;
}

/** Day documents read between two yields of the event loop. */
const YIELD_EVERY = 2000;

const TYPES: readonly ResourceType[] = [ResourceType.COLLECTION, ResourceType.DATASET, ResourceType.FILE];

export class UsageTableService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly repo: UsageTableRepository,
  ) {}

  /** Checks the caller and the filter now; reads lazily. */
  async open(caller: Caller, f: UsageTableFilter, signal?: AbortSignal): Promise<AsyncIterable<UsageTableRow>> {
    assertCanReport(caller);
    if (f.userId && caller.role !== 'ADMIN' && f.userId !== caller.userId) {
      throw new GatewayError(ErrorCode.FORBIDDEN, 'a USER key may only ask for its own per-user rows');
    }
    if (f.userId && f.byCountry) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'per-user rows have no country: ask for by-country rows without a user');
    }
    if (f.portalId && !(await this.reports.portalExists(f.portalId))) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no portal with id "${f.portalId}"`);
    }
    return this.rows(caller, f, signal);
  }

  private async *rows(caller: Caller, f: UsageTableFilter, signal?: AbortSignal): AsyncGenerator<UsageTableRow> {
    const [datasets, collections] = await Promise.all([this.reports.datasets(), this.reports.collections()]);
    const access = reportAccess(caller, datasets);
    const { fromDay, toDay } = windowDays(f.window);
    const metrics = f.metrics?.length ? new Set(f.metrics) : null;
    const byUser = !!f.userId;
    const byCountry = !!f.byCountry;
    const fileCache = new Map<string, { title: string; datasetIds: string[] }>();
    for (const type of f.resourceType ? [f.resourceType] : TYPES) {
      // Collections belong to no portal.
      if (f.portalId && type === ResourceType.COLLECTION) continue;
      let bucket: string | null = null;
      let sums = new Map<string, { userId: string | null; resourceId: string; country: string | null; sums: FieldSums }>();
      const emit = async (): Promise<UsageTableRow[]> => {
        if (bucket === null || !sums.size) return [];
        if (type === ResourceType.FILE) {
          const missing = [...new Set([...sums.values()].map((e) => e.resourceId))].filter((id) => !fileCache.has(id));
          for (const [id, info] of await this.repo.files(missing)) fileCache.set(id, info);
        }
        const out: UsageTableRow[] = [];
        for (const e of sums.values()) {
          const base = this.describe(type, e.resourceId, f, datasets, collections, fileCache, access);
          if (!base) continue;
          out.push(...rowsOf({ ...base, date: bucket, userId: e.userId, country: e.country }, e.sums, metrics));
        }
        out.sort(USAGE_TABLE_ORDER.compare);
        return out;
      };
      let sinceYield = 0;
      for await (const d of this.repo.days(type, fromDay, toDay, byUser, signal, byCountry)) {
        // Other requests get the event loop between slices of a long read.
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await setImmediate();
        }
        if (byUser && d.userId !== f.userId) continue;
        if (f.resourceId && d.resourceId !== f.resourceId) continue;
        const date = f.granularity === 'MONTH' ? d.day.slice(0, 7) : d.day;
        if (date !== bucket) {
          yield* await emit();
          bucket = date;
          sums = new Map();
        }
        if (byCountry) {
          for (const [code, counts] of Object.entries((d.countries ?? {}) as Record<string, CountryCounts>)) {
            const key = `${d.resourceId}\u0000${code}`;
            let e = sums.get(key);
            if (!e) sums.set(key, (e = { userId: null, resourceId: d.resourceId, country: countryLabel(code), sums: {} }));
            addFields(e.sums, countryFieldsOf(code, counts));
          }
          continue;
        }
        const key = `${d.userId ?? ''}\u0000${d.resourceId}`;
        let e = sums.get(key);
        if (!e) sums.set(key, (e = { userId: d.userId ?? null, resourceId: d.resourceId, country: null, sums: {} }));
        addFields(e.sums, d);
      }
      yield* await emit();
    }
  }

  /** Title, portal and parents of a resource for this caller; null when the row is not theirs to see (or not in the portal). */
  private describe(
    type: ResourceType,
    id: string,
    f: UsageTableFilter,
    datasets: ReadonlyMap<string, DatasetInfo>,
    collections: ReadonlyMap<string, { name: string }>,
    files: ReadonlyMap<string, { title: string; datasetIds: string[] }>,
    access: ReportAccess,
  ): Pick<UsageTableRow, 'portalId' | 'resourceType' | 'resourceId' | 'title' | 'parentDatasetIds'> | null {
    if (type === ResourceType.DATASET) {
      const d = datasets.get(id);
      if (!access.seesAll && !access.canSeeDataset(id)) return null;
      if (f.portalId && d?.portalId !== f.portalId) return null;
      return { portalId: d?.portalId ?? null, resourceType: type, resourceId: id, title: d?.title ?? null, parentDatasetIds: [] };
    }
    if (type === ResourceType.FILE) {
      const file = files.get(id);
      const parents = (file?.datasetIds ?? []).filter((p) => (access.seesAll ? datasets.has(p) : access.canSeeDataset(p)));
      if (!access.seesAll && !parents.length) return null;
      const inPortal = f.portalId ? parents.filter((p) => datasets.get(p)?.portalId === f.portalId) : parents;
      if (f.portalId && !inPortal.length) return null;
      const portal = inPortal.length ? datasets.get(inPortal[0])!.portalId : null;
      return { portalId: portal, resourceType: type, resourceId: id, title: file?.title ?? null, parentDatasetIds: parents };
    }
    return { portalId: null, resourceType: type, resourceId: id, title: collections.get(id)?.name ?? null, parentDatasetIds: [] };
  }
}
