/**
 * The data dashboard (docs/dashboard.md), computed from plain arrays.
 *
 * Pure module: no I/O, no clock. The service reads the datasets, their usage
 * and the reuses once and hands them here; everything else (selection,
 * totals, top lists, themes) is computed in this file, the scores in
 * popularity-scope.ts and the reuse counts in reuse-counts.ts, so the
 * figures can be checked without a database.
 */
import { Visibility } from '../domain/resources';
import type { ReuseLink, UsageFigures } from '../domain/dashboard-inputs';
import { POPULARITY_FORMULA_VERSION, compareByScoreDesc, round2 } from './popularity';
import { DEFAULT_POPULARITY_WEIGHTS, type PopularityWeights } from './popularity-weights';
import { scoreHistogram, type HistogramBucket } from './score-histogram';
import { scoreScope, type PopularityScopeKind, type PopularityScore } from './popularity-scope';
import { distinctReuses, reuseCounts } from './reuse-counts';

/** Which published datasets a dashboard is built from. */
export type DashboardVisibility = 'ALL' | 'PUBLIC' | 'PRIVATE';

/** Length of the top and bottom lists. */
export const TOP_N = 5;

/** What the dashboard needs of a dataset. */
export interface DashboardDataset {
  id: string;
  title: string;
  portalId: string;
  published: boolean;
  visibility: Visibility;
  themeIds: readonly string[];
  licence: string | null;
  publisher: string | null;
  recordCount: number;
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

export interface DashboardTotals {
  datasets: number;
  records: number;
  views: number;
  downloads: number;
  apiCalls: number;
  /** Distinct reuses pointing at one or more of the datasets. */
  reuses: number;
  datasetsWithReuses: number;
  /** datasetsWithReuses / datasets, 0..1 (0 when there are no datasets). */
  reuseShare: number;
  datasetsMissingTheme: number;
  datasetsMissingLicence: number;
  datasetsMissingPublisher: number;
  /** Machine use (scripts, harvesters): views + downloads + API calls. */
  machineUse: number;
  robotEvents: number;
  /** robotEvents / (robotEvents + regular and machine use), 0..1: Opendatasoft's "% bot activity". */
  robotShare: number;
  /** machine use / (regular + machine use), 0..1. */
  machineShare: number;
}

export interface DashboardScoreEntry {
  datasetId: string;
  title: string;
  downloads: number;
  apiCalls: number;
  reuses: number;
  score: number;
  popularity: PopularityScore;
}

export interface DashboardTopEntry {
  datasetId: string;
  title: string;
  count: number;
}

export interface DashboardTheme {
  themeId: string;
  name: string;
  datasetCount: number;
  downloads: number;
  apiCalls: number;
  /** Distinct reuses pointing at one or more of the theme's datasets. */
  reuses: number;
  /** Mean score of the theme's datasets, 2 decimals. */
  averageScore: number;
}

export interface DashboardResult {
  scope: PopularityScopeKind;
  portalId: string | null;
  totals: DashboardTotals;
  popularity: {
    mostPopular: DashboardScoreEntry[];
    leastPopular: DashboardScoreEntry[];
    histogram: HistogramBucket[];
  };
  top5: {
    downloads: DashboardTopEntry[];
    apiCalls: DashboardTopEntry[];
    reuses: DashboardTopEntry[];
  };
  themes: DashboardTheme[];
  formulaVersion: string;
  weights: PopularityWeights;
}

export interface DashboardInput {
  /** Candidate datasets: the ones the caller may see (any order). */
  datasets: readonly DashboardDataset[];
  visibility: DashboardVisibility;
  /** Only this portal's datasets (and PORTAL scores); null = the network. */
  portalId: string | null;
  /** Usage by dataset id; a missing id has no usage. */
  usage: ReadonlyMap<string, UsageFigures>;
  /** Reuses that count (already cut to the time window: reusesUpTo in reuse-counts.ts). */
  reuses: readonly ReuseLink[];
  /** Theme names by id; an unknown theme is named by its id. */
  themeNames: ReadonlyMap<string, string>;
  weights?: PopularityWeights;
  histogramBuckets: number;
}

const NO_USAGE: UsageFigures = Object.freeze({ views: 0, downloads: 0, apiCalls: 0 });

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function blank(s: string | null | undefined): boolean {
  return s == null || s.trim() === '';
}

/**
 * The datasets a dashboard counts: published ones only, of the requested
 * visibility (ALL = public and private), of the portal when one is given.
 * The caller's own visibility rule is applied before (the candidates).
 * Sorted by id.
 */
export function selectDatasets(
  candidates: readonly DashboardDataset[],
  visibility: DashboardVisibility,
  portalId: string | null,
): DashboardDataset[] {
  return candidates
    .filter(
      (d) =>
        d.published &&
        (visibility === 'ALL' ||
          (visibility === 'PUBLIC' ? d.visibility === Visibility.PUBLIC : d.visibility === Visibility.PRIVATE)) &&
        (portalId === null || d.portalId === portalId),
    )
    .sort((a, b) => byId(a.id, b.id));
}

/**
 * The `n` datasets with the highest positive `count`, count descending then
 * id ascending. Datasets with a count of 0 are left out.
 */
export function topBy(
  datasets: readonly DashboardDataset[],
  count: (d: DashboardDataset) => number,
  n = TOP_N,
): DashboardTopEntry[] {
  return datasets
    .map((d) => ({ datasetId: d.id, title: d.title, count: count(d) }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count || byId(a.datasetId, b.datasetId))
    .slice(0, n);
}

/**
 * Builds the whole dashboard. Scores are relative to the datasets the
 * dashboard counts: the portal's (PORTAL scope) when `portalId` is given,
 * else every portal's (NETWORK scope) — never to datasets left out by the
 * visibility switch or hidden from the caller, so no figure depends on a
 * dataset the caller cannot see.
 *
 * @throws RangeError on a bad histogram bucket count (see scoreHistogram).
 */
export function buildDashboard(input: DashboardInput): DashboardResult {
  const weights = input.weights ?? DEFAULT_POPULARITY_WEIGHTS;
  const datasets = selectDatasets(input.datasets, input.visibility, input.portalId);
  const ids = new Set(datasets.map((d) => d.id));
  const reuses = input.reuses.filter((r) => r.datasetIds.some((id) => ids.has(id)));
  const reuseCount = reuseCounts(ids, reuses);
  const usageOf = (d: DashboardDataset): UsageFigures => input.usage.get(d.id) ?? NO_USAGE;
  const reusesOf = (d: DashboardDataset): number => reuseCount.get(d.id) ?? 0;

  const scope = { kind: (input.portalId === null ? 'NETWORK' : 'PORTAL') as PopularityScopeKind, portalId: input.portalId };
  const scores = scoreScope(datasets, input.usage, reuseCount, scope, weights);
  const scoreOf = (d: DashboardDataset): PopularityScore => scores.get(d.id)!;

  let records = 0;
  let views = 0;
  let downloads = 0;
  let apiCalls = 0;
  let machineUse = 0;
  let robotEvents = 0;
  let datasetsWithReuses = 0;
  let missingTheme = 0;
  let missingLicence = 0;
  let missingPublisher = 0;
  for (const d of datasets) {
    const u = usageOf(d);
    records += d.recordCount;
    views += u.views;
    downloads += u.downloads;
    apiCalls += u.apiCalls;
    machineUse += u.machine ?? 0;
    robotEvents += u.robotEvents ?? 0;
    if (reusesOf(d) > 0) datasetsWithReuses += 1;
    if (d.themeIds.length === 0) missingTheme += 1;
    if (blank(d.licence)) missingLicence += 1;
    if (blank(d.publisher)) missingPublisher += 1;
  }

  const entry = (d: DashboardDataset): DashboardScoreEntry => {
    const s = scoreOf(d);
    return {
      datasetId: d.id,
      title: d.title,
      downloads: s.metrics.downloads,
      apiCalls: s.metrics.apiCalls,
      reuses: s.metrics.reuses,
      score: s.score,
      popularity: s,
    };
  };
  // Rank order (score desc, id asc); the least popular are the last ranks,
  // least popular first.
  const ranked = [...datasets].sort((a, b) => compareByScoreDesc({ id: a.id, score: scoreOf(a).score }, { id: b.id, score: scoreOf(b).score }));
  const mostPopular = ranked.slice(0, TOP_N).map(entry);
  const leastPopular = ranked.slice(-TOP_N).reverse().map(entry);

  const themeMembers = new Map<string, DashboardDataset[]>();
  for (const d of datasets) {
    for (const t of new Set(d.themeIds)) {
      const list = themeMembers.get(t) ?? [];
      list.push(d);
      themeMembers.set(t, list);
    }
  }
  const themes: DashboardTheme[] = [...themeMembers].map(([themeId, members]) => {
    const memberIds = new Set(members.map((d) => d.id));
    return {
      themeId,
      name: input.themeNames.get(themeId) ?? themeId,
      datasetCount: members.length,
      downloads: members.reduce((s, d) => s + usageOf(d).downloads, 0),
      apiCalls: members.reduce((s, d) => s + usageOf(d).apiCalls, 0),
      reuses: distinctReuses(memberIds, reuses),
      averageScore: round2(members.reduce((s, d) => s + scoreOf(d).score, 0) / members.length),
    };
  });
  themes.sort((a, b) => b.datasetCount - a.datasetCount || byId(a.themeId, b.themeId));

  return {
    scope: scope.kind,
    portalId: input.portalId,
    totals: {
      datasets: datasets.length,
      records,
      views,
      downloads,
      apiCalls,
      reuses: reuses.length,
      datasetsWithReuses,
      reuseShare: datasets.length === 0 ? 0 : datasetsWithReuses / datasets.length,
      datasetsMissingTheme: missingTheme,
      datasetsMissingLicence: missingLicence,
      datasetsMissingPublisher: missingPublisher,
      machineUse,
      robotEvents,
      robotShare: share(robotEvents, robotEvents + views + downloads + apiCalls + machineUse),
      machineShare: share(machineUse, views + downloads + apiCalls + machineUse),
    },
    popularity: {
      mostPopular,
      leastPopular,
      histogram: scoreHistogram(ranked.map((d) => scoreOf(d).score), input.histogramBuckets),
    },
    top5: {
      downloads: topBy(datasets, (d) => usageOf(d).downloads),
      apiCalls: topBy(datasets, (d) => usageOf(d).apiCalls),
      reuses: topBy(datasets, reusesOf),
    },
    themes,
    formulaVersion: POPULARITY_FORMULA_VERSION,
    weights: { ...weights },
  };
}
