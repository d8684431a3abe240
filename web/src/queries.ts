/** The GraphQL operations the page sends (public API only) and their shapes. */

export const PORTALS_QUERY = `query Portals { portals { id name } }`;
export const ME_QUERY = `query Me { me { id name role } }`;

export const DASHBOARD_QUERY = `query Dashboard($v: DashboardVisibility!, $p: ID, $from: DateTime, $to: DateTime) {
  dataDashboard(visibility: $v, portalId: $p, from: $from, to: $to, histogramBuckets: 10) {
    scope firstDay lastDay formulaVersion weights { downloads apiCalls reuses }
    totals { datasets records views downloads apiCalls reuses datasetsWithReuses reuseShare
             datasetsMissingTheme datasetsMissingLicence datasetsMissingPublisher }
    popularity { mostPopular { ...E } leastPopular { ...E } histogram { from to count } }
    top5 { downloads { ...T } apiCalls { ...T } reuses { ...T } }
    themes { themeId name datasetCount downloads apiCalls reuses averageScore }
  }
}
fragment T on DashboardTopEntry { datasetId title count }
fragment E on DashboardScoreEntry { datasetId title downloads apiCalls reuses score popularity { rank } }`;

/** All-time traffic classes of the counted datasets (the dashboard has no robot/machine totals). */
export const TRAFFIC_QUERY = `query Traffic($filter: DatasetFilter, $after: String) {
  datasets(first: 500, after: $after, filter: $filter) {
    pageInfo { hasNextPage endCursor }
    nodes { stats { views downloads apiCalls robotEvents machine { views downloads apiCalls } } }
  }
}`;

export const DATASET_QUERY = `query Dataset($id: ID!, $scope: PopularityScope!, $from: DateTime, $to: DateTime) {
  dataset(id: $id) {
    id title description licence publisher recordCount visibility published createdAt
    portal { id name } themes { id name } collections { id name }
    stats { views downloads apiCalls uniqueInvestigations uniqueRequests totalInvestigations totalRequests
            robotEvents doubleClicks machine { views downloads apiCalls uniqueInvestigations uniqueRequests } }
    popularity(scope: $scope, from: $from, to: $to) {
      score rank percentile scope scopeSize formulaVersion
      contributions { downloads apiCalls reuses } metrics { downloads apiCalls reuses }
    }
    files(first: 200) { totalCount nodes { id title contentType sizeBytes stats { views downloads uniqueRequests machine { downloads } } } }
    reuses(first: 200) { totalCount nodes { id title type url createdAt } }
  }
}`;

/** Weights are configuration: asked once per page load, with the smallest dashboard. */
export const WEIGHTS_QUERY = `query Weights { dataDashboard(visibility: PUBLIC, histogramBuckets: 1) { formulaVersion weights { downloads apiCalls reuses } } }`;

export const USAGE_QUERY = `query Usage($id: ID!, $from: DateTime!, $to: DateTime!, $g: UsageGranularity!) {
  dataset(id: $id) {
    usage(from: $from, to: $to, granularity: $g) {
      firstDay lastDay granularity points { period views downloads apiCalls } total { views downloads apiCalls }
    }
  }
}`;

export const ROOT_COLLECTIONS_QUERY = `query Roots { collections(first: 200, rootsOnly: true) { nodes { id name } } }`;

/** Page sizes keep the query under the gateway's cost limit (MAX_QUERY_COST). */
export const COLLECTION_QUERY = `query Collection($id: ID!) {
  collection(id: $id) {
    id name description stats { views } subtreeStats { views downloads apiCalls }
    childCollections(first: 200) { nodes { id name } }
    datasets(first: 100) {
      totalCount
      nodes {
        id title visibility stats { views downloads apiCalls }
        files(first: 20) { totalCount nodes { id title stats { views downloads } } }
      }
    }
  }
}`;

export interface Metrics3 {
  downloads: number;
  apiCalls: number;
  reuses: number;
}

export interface ScoreEntry extends Metrics3 {
  datasetId: string;
  title: string;
  score: number;
  popularity: { rank: number };
}

export interface TopEntry {
  datasetId: string;
  title: string;
  count: number;
}

export interface ThemeCell {
  themeId: string;
  name: string;
  datasetCount: number;
  downloads: number;
  apiCalls: number;
  reuses: number;
  averageScore: number;
}

export interface Totals {
  datasets: number;
  records: number;
  views: number;
  downloads: number;
  apiCalls: number;
  reuses: number;
  datasetsWithReuses: number;
  reuseShare: number;
  datasetsMissingTheme: number;
  datasetsMissingLicence: number;
  datasetsMissingPublisher: number;
}

export interface Dashboard {
  scope: string;
  firstDay: string | null;
  lastDay: string | null;
  formulaVersion: string;
  weights: Metrics3;
  totals: Totals;
  popularity: { mostPopular: ScoreEntry[]; leastPopular: ScoreEntry[]; histogram: { from: number; to: number; count: number }[] };
  top5: { downloads: TopEntry[]; apiCalls: TopEntry[]; reuses: TopEntry[] };
  themes: ThemeCell[];
}

export interface Use3 {
  views: number;
  downloads: number;
  apiCalls: number;
}

export interface TrafficPage {
  datasets: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { stats: Use3 & { robotEvents: number; machine: Use3 } }[];
  };
}

export interface DatasetDetail {
  id: string;
  title: string;
  description: string | null;
  licence: string | null;
  publisher: string | null;
  recordCount: number;
  visibility: 'PUBLIC' | 'PRIVATE';
  published: boolean;
  createdAt: string;
  portal: { id: string; name: string } | null;
  themes: { id: string; name: string }[];
  collections: { id: string; name: string }[];
  stats: Use3 & {
    uniqueInvestigations: number;
    uniqueRequests: number;
    totalInvestigations: number;
    totalRequests: number;
    robotEvents: number;
    doubleClicks: number;
    machine: Use3 & { uniqueInvestigations: number; uniqueRequests: number };
  };
  popularity: {
    score: number;
    rank: number;
    percentile: number;
    scope: string;
    scopeSize: number;
    formulaVersion: string;
    contributions: Metrics3;
    metrics: Metrics3;
  } | null;
  files: { totalCount: number; nodes: { id: string; title: string; contentType: string | null; sizeBytes: number; stats: { views: number; downloads: number; uniqueRequests: number; machine: { downloads: number } } }[] };
  reuses: { totalCount: number; nodes: { id: string; title: string; type: string; url: string; createdAt: string }[] };
}

export interface UsageSeries {
  firstDay: string;
  lastDay: string;
  granularity: 'DAY' | 'MONTH';
  points: (Use3 & { period: string })[];
  total: Use3;
}

export interface CollectionDetail {
  id: string;
  name: string;
  description: string | null;
  stats: { views: number };
  subtreeStats: Use3;
  childCollections: { nodes: { id: string; name: string }[] };
  datasets: {
    totalCount: number;
    nodes: { id: string; title: string; visibility: string; stats: Use3; files: { totalCount: number; nodes: { id: string; title: string; stats: { views: number; downloads: number } }[] } }[];
  };
}

/** Per-country use (ISO alpha-2, upper case; null: the visitor's country is not known). */
export const COUNTRY_FIELDS = 'countries { country views downloads apiCalls machine { views downloads apiCalls } }';

export interface CountryUsage extends Use3 {
  country: string | null;
  machine: Use3;
}

/** Root collections and their subtree figures: the tree view's landing chart. */
export const ROOT_COLLECTION_STATS_QUERY = `query RootStats { collections(first: 200, rootsOnly: true) { nodes { id name subtreeStats { views downloads apiCalls } } } }`;
