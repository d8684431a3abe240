import DataLoader from 'dataloader';
import type { Caller } from '../domain/caller';
import { canSeeDataset } from '../auth/visibility';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { DashboardRepository } from '../store/dashboard.repository';
import { buildDashboard, selectDatasets, type DashboardDataset, type DashboardResult, type DashboardVisibility } from './dashboard';
import { scoreScope, type PopularityScore, type PopularityScopeKind } from './popularity-scope';
import { reuseCounts, reusesUpTo } from './reuse-counts';
import type { DayUsage, ReuseLink, UsageFigures } from '../domain/dashboard-inputs';
import { distinctReuseLinks, storedReuseKey } from './reuse-url';
import { DEFAULT_POPULARITY_WEIGHTS, parsePopularityWeights, type PopularityWeights } from './popularity-weights';
import { addCountries, type CountryMap } from '../domain/country-usage';
import { checkSeriesRange, dayCount, usageSeries, type SeriesGranularity, type UsagePoint } from './usage-series';
import { utcDay } from '../util/utc-day';

/**
 * A per-request memo (the `memo` of the request's loaders): values computed
 * once per GraphQL request, by key. Never shared between requests, so it
 * may hold caller-specific results.
 */
export type RequestMemo = Map<string, unknown>;

function memoize<T>(memo: RequestMemo, key: string, make: () => T): T {
  if (memo.has(key)) return memo.get(key) as T;
  const value = make();
  memo.set(key, value);
  return value;
}

/**
 * The weights configured by `POPULARITY_WEIGHTS`: unset or blank → the
 * defaults; anything else must parse.
 *
 * @throws Error naming the problem (the gateway then fails to start).
 */
export function popularityWeightsFrom(text: string | undefined): PopularityWeights {
  if (text === undefined || text.trim() === '') return { ...DEFAULT_POPULARITY_WEIGHTS };
  return parsePopularityWeights(text);
}

/** Inclusive UTC days of a time window; both null = all time. */
export interface DayWindow {
  firstDay: string | null;
  lastDay: string | null;
}

export interface DashboardArgs {
  visibility: DashboardVisibility;
  portalId: string | null;
  from: Date | null;
  to: Date | null;
  histogramBuckets: number;
}

export interface DataDashboard extends DashboardResult, DayWindow {
  visibility: DashboardVisibility;
}

export interface UsageSeriesResult {
  granularity: SeriesGranularity;
  firstDay: string;
  lastDay: string;
  points: UsagePoint[];
  total: { views: number; downloads: number; apiCalls: number };
}

/** What every dashboard and score of one request and window is computed from. */
interface ScopeInputs {
  /** Published datasets the caller may see. */
  datasets: DashboardDataset[];
  usage: Map<string, UsageFigures>;
  /** Reuses that count in the window. */
  reuses: ReuseLink[];
}

/**
 * The data dashboard, dataset popularity and usage series: reads through
 * the repository (once per request and window, see {@link RequestMemo}),
 * computes with the pure functions of dashboard.ts and usage-series.ts.
 */
export class DashboardService {
  constructor(
    private readonly repo: DashboardRepository,
    /** `POPULARITY_WEIGHTS`, parsed by {@link popularityWeightsFrom}. */
    readonly weights: PopularityWeights,
  ) {}

  /**
   * The UTC days of a window given as instants: activity on the day of
   * `from` through the day of `to`, both included.
   *
   * @throws BAD_USER_INPUT when `from` is after `to`.
   */
  window(from: Date | null | undefined, to: Date | null | undefined): DayWindow {
    if (from && to && from.getTime() > to.getTime()) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, `"from" (${from.toISOString()}) is after "to" (${to.toISOString()})`);
    }
    return { firstDay: from ? utcDay(from) : null, lastDay: to ? utcDay(to) : null };
  }

  private scopeInputs(caller: Caller, w: DayWindow, memo: RequestMemo, signal?: AbortSignal): Promise<ScopeInputs> {
    return memoize(memo, `dashboard:inputs|${w.firstDay ?? ''}|${w.lastDay ?? ''}`, async () => {
      const allTime = w.firstDay === null && w.lastDay === null;
      const [rows, usage, reuses] = await Promise.all([
        this.repo.publishedDatasets(),
        allTime ? this.repo.datasetTotals(signal) : this.repo.datasetUsageBetween(w.firstDay, w.lastDay, signal),
        this.repo.reuseLinks(),
      ]);
      const datasets = rows
        // Every published dataset is read (and cached); the caller keeps
        // those it may see.
        .filter((d) => canSeeDataset({ ...d, spaceIds: d.spaceIds ?? [] }, caller))
        .map((d) => ({
          id: d._id,
          title: d.title,
          portalId: d.portalId,
          published: d.published,
          visibility: d.visibility,
          themeIds: d.themeIds ?? [],
          licence: d.licence ?? null,
          publisher: d.publisher ?? null,
          recordCount: d.recordCount ?? 0,
        }));
      // The same URL registered more than once (before registration was
      // idempotent, or racing) counts once per dataset.
      const keyed = reusesUpTo(reuses, w.lastDay).map((r) => ({ ...r, key: storedReuseKey(r) }));
      return { datasets, usage, reuses: distinctReuseLinks(keyed) };
    });
  }

  /**
   * The dashboard for the caller. PRIVATE for a caller who may see no
   * private dataset (anonymous included) is an empty dashboard, not an error.
   *
   * @throws BAD_USER_INPUT (window, bucket count), NOT_FOUND (unknown portal).
   */
  /**
   * @param signal the request's budget: a window read still running when it
   *   is aborted stops (REQUEST_TIMEOUT) instead of holding the database.
   */
  async dashboard(caller: Caller, args: DashboardArgs, memo: RequestMemo = new Map(), signal?: AbortSignal): Promise<DataDashboard> {
    const k = args.histogramBuckets;
    if (!Number.isInteger(k) || k < 1 || k > 100) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, `histogramBuckets must be an integer from 1 to 100, got ${k}`);
    }
    const w = this.window(args.from, args.to);
    if (args.portalId !== null && !(await this.repo.portalExists(args.portalId))) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `unknown portal "${args.portalId}"`);
    }
    const [inputs, themeNames] = await Promise.all([
      this.scopeInputs(caller, w, memo, signal),
      memoize(memo, 'dashboard:themes', () => this.repo.themeNames()),
    ]);
    const result = buildDashboard({
      datasets: inputs.datasets,
      visibility: args.visibility,
      portalId: args.portalId,
      usage: inputs.usage,
      reuses: inputs.reuses,
      themeNames,
      weights: this.weights,
      histogramBuckets: k,
    });
    return { ...result, visibility: args.visibility, ...w };
  }

  /**
   * The popularity of a dataset among the published datasets the caller may
   * see, of its portal (PORTAL) or of every portal (NETWORK); the same score
   * as in `dataDashboard(visibility: ALL)` for that portal / the network.
   * Null for an unpublished dataset. Each scope is scored once per request.
   */
  async popularity(
    caller: Caller,
    dataset: { _id: string; portalId: string; published: boolean },
    scope: PopularityScopeKind,
    from: Date | null,
    to: Date | null,
    memo: RequestMemo = new Map(),
    signal?: AbortSignal,
  ): Promise<PopularityScore | null> {
    if (!dataset.published) return null;
    const w = this.window(from, to);
    const portalId = scope === 'PORTAL' ? dataset.portalId : null;
    const scores = await memoize(
      memo,
      `dashboard:scores|${scope}|${portalId ?? ''}|${w.firstDay ?? ''}|${w.lastDay ?? ''}`,
      async () => {
        const inputs = await this.scopeInputs(caller, w, memo, signal);
        const datasets = selectDatasets(inputs.datasets, 'ALL', portalId);
        const counts = reuseCounts(
          datasets.map((d) => d.id),
          inputs.reuses,
        );
        return scoreScope(datasets, inputs.usage, counts, { kind: scope, portalId }, this.weights);
      },
    );
    return scores.get(dataset._id) ?? null;
  }

  /**
   * The usage series of a dataset over the UTC days of `from`..`to`, both
   * included, zero-filled. Series asked for many datasets with the same
   * range in one request are read with one query.
   *
   * @throws BAD_USER_INPUT when the range is reversed or too long.
   */
  async usageSeries(
    datasetId: string,
    from: Date,
    to: Date,
    granularity: SeriesGranularity,
    memo: RequestMemo = new Map(),
    type: 'DATASET' | 'FILE' = 'DATASET',
  ): Promise<UsageSeriesResult> {
    const { firstDay, lastDay } = this.seriesWindow(from, to, granularity);
    return seriesResult(await this.dailyLoader(type, firstDay, lastDay, memo).load(datasetId), firstDay, lastDay, granularity);
  }

  /**
   * The summed series of a set of datasets (a collection's subtree, a
   * portal, the network; each dataset once). Few (dataset, day) pairs are
   * looked up by id, through the same per-request loader as dataset series;
   * many are one read of the window.
   *
   * @throws BAD_USER_INPUT when the range is reversed or too long.
   */
  async setSeries(
    datasetIds: readonly string[],
    from: Date,
    to: Date,
    granularity: SeriesGranularity,
    memo: RequestMemo = new Map(),
    signal?: AbortSignal,
  ): Promise<UsageSeriesResult> {
    const { firstDay, lastDay } = this.seriesWindow(from, to, granularity);
    const ids = [...new Set(datasetIds)];
    let rows: DayUsage[];
    if (ids.length * dayCount(firstDay, lastDay) <= BY_ID_PAIRS) {
      const found = await this.dailyLoader('DATASET', firstDay, lastDay, memo).loadMany(ids);
      rows = found.flatMap((r) => {
        if (r instanceof Error) throw r;
        return r;
      });
    } else {
      rows = await this.repo.summedDailyUsage(new Set(ids), firstDay, lastDay, signal);
    }
    return seriesResult(rows, firstDay, lastDay, granularity);
  }

  /**
   * Per-country figures of the datasets the dashboard with these arguments
   * counts (same visibility, portal and window rules), summed.
   */
  async dashboardCountries(
    caller: Caller,
    args: { visibility: DashboardVisibility; portalId: string | null } & DayWindow,
    memo: RequestMemo = new Map(),
    signal?: AbortSignal,
  ): Promise<CountryMap> {
    const w: DayWindow = { firstDay: args.firstDay, lastDay: args.lastDay };
    const [inputs, countries] = await Promise.all([
      this.scopeInputs(caller, w, memo, signal),
      memoize(memo, `dashboard:countries|${w.firstDay ?? ''}|${w.lastDay ?? ''}`, () => this.repo.datasetCountries(w.firstDay, w.lastDay, signal)),
    ]);
    const out: CountryMap = {};
    for (const d of selectDatasets(inputs.datasets, args.visibility, args.portalId)) {
      const c = countries.get(d.id);
      if (c) addCountries(out, c);
    }
    return out;
  }

  private seriesWindow(from: Date, to: Date, granularity: SeriesGranularity): { firstDay: string; lastDay: string } {
    const w = this.window(from, to);
    const problem = checkSeriesRange(w.firstDay!, w.lastDay!, granularity);
    if (problem) throw new GatewayError(ErrorCode.BAD_USER_INPUT, problem);
    return { firstDay: w.firstDay!, lastDay: w.lastDay! };
  }

  /** The request's loader of one type's day documents over one window (one query per batch). */
  private dailyLoader(type: 'DATASET' | 'FILE', firstDay: string, lastDay: string, memo: RequestMemo): DataLoader<string, DayUsage[]> {
    return memoize(
      memo,
      `dashboard:daily|${type}|${firstDay}|${lastDay}`,
      () =>
        new DataLoader<string, DayUsage[]>(
          async (ids) => {
            const byId = await this.repo.dailyUsage(ids, firstDay, lastDay, type);
            return ids.map((id) => byId.get(id) ?? []);
          },
          { maxBatchSize: 1000 },
        ),
    );
  }
}

/** Above this many (dataset, day) pairs a set's series reads the whole window once instead of by id. */
const BY_ID_PAIRS = 20_000;

function seriesResult(rows: readonly DayUsage[], firstDay: string, lastDay: string, granularity: SeriesGranularity): UsageSeriesResult {
  const points = usageSeries(rows, firstDay, lastDay, granularity);
  const total = { views: 0, downloads: 0, apiCalls: 0 };
  for (const p of points) {
    total.views += p.views;
    total.downloads += p.downloads;
    total.apiCalls += p.apiCalls;
  }
  return { granularity, firstDay, lastDay, points, total };
}
