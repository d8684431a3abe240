import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  visit,
  type DocumentNode,
  type ValueNode,
  type GraphQLSchema,
} from 'graphql';
import { getComplexity, type ComplexityEstimator, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection';
import { DAY_MS } from '../util/utc-day';

/**
 * What a query costs, in "units" of roughly one object resolved (docs/security.md).
 *
 * The model holds whatever the client sends because it is computed by
 * graphql-query-complexity on the parsed operation **with the request's
 * variables** (and the schema's defaults), after fragments are expanded and
 * for every alias:
 *
 * - a composite field costs 1 plus what is below it; a scalar costs 0;
 * - a connection (a field with `first`) multiplies what is below it by
 *   `first` — the default page size when absent, {@link MAX_PAGE_SIZE} at
 *   most — and its `nodes`/`edges` lists do not multiply again;
 * - any other list field multiplies by {@link COST.assumedListSize} (the
 *   catalog does not bound how many collections, spaces or themes a dataset
 *   has);
 * - the heavy fields carry what they really cost, measured with
 *   `npm run bench:latency` (docs/security.md, "Heavy fields"): the report
 *   queries and `usageTable` read every counter document of their window
 *   and are not shared between aliases, so each costs its full weight;
 *   `dataDashboard` and `Dataset.popularity` read the usage of a window
 *   once per request and window (memoised), so a distinct window costs
 *   {@link COST.usageWindow} once and each dashboard or popularity scope
 *   adds what its own computation costs; a time series costs one unit per
 *   bucket (day or month), plus {@link COST.setSeries} when it sums a set of
 *   datasets (collection, portal, network); a dashboard's `countries`
 *   costs {@link COST.countryWindow}; a `countries` list counts as
 *   {@link COST.countries} entries.
 *
 * The weights are sized so that a request under the default MAX_QUERY_COST
 * (100,000) runs at most 2 usage tables, 3 reports or 3 dashboard windows:
 * what the bench data reads inside REQUEST_TIMEOUT_MS (15 s).
 */
export const COST = {
  /** Multiplier of list fields without `first`. */
  assumedListSize: 20,
  /** `usageReport`, `usageByUserReport`, `monthlyUsageExport`: read every counter document in scope, build every row, then page. */
  report: 30_000,
  /** `usageTable`: reads every day document of its window (all time without `since`) type by type in day order, then pages. */
  usageTable: 40_000,
  /** Each distinct (from, to) window of `dataDashboard` and `Dataset.popularity` in one request: reads the usage of every dataset in it. */
  usageWindow: 25_000,
  /** `dataDashboard`, on top of its window: builds the totals, themes, top 5 and popularity histogram of every dataset in scope. */
  dashboard: 5_000,
  /** Each distinct (scope, from, to) of `Dataset.popularity` in one request: ranks every dataset in the scope. */
  popularityScope: 5_000,
  /** `Dataset.popularity`, per dataset once its scope is ranked. */
  popularity: 5,
  /**
   * `Collection.usage`, `Portal.usage`, `networkUsage`, each: the series of a set of datasets, up to one read of every
   * day document of the window (as a usage window), plus one unit per bucket.
   */
  setSeries: 25_000,
  /** Each `DataDashboard.countries`: reads every dataset's countries in its window (shared by equal windows when run, not when priced). */
  countryWindow: 25_000,
  /** Countries a `countries` list can hold: ISO 3166-1's 249 codes and unknown. */
  countries: 250,
} as const;

/** Lists whose size the schema itself bounds, or which are paid for by their parent. */
const BOUNDED_LISTS: Readonly<Record<string, number>> = {
  'UsageSeries.points': 1, // paid by the series field (one unit per bucket)
  'UsageStats.countries': COST.countries,
  'DataDashboard.countries': COST.countries,
  'DashboardPopularity.mostPopular': 5,
  'DashboardPopularity.leastPopular': 5,
  'DashboardPopularity.histogram': 100,
  'DashboardTop5.downloads': 5,
  'DashboardTop5.apiCalls': 5,
  'DashboardTop5.reuses': 5,
  'TrackAccessesPayload.results': 1, // bounded by MAX_EVENTS_PER_REQUEST; the events are the mutation's cost
  'UpsertPayload.ids': 1,
};

/**
 * Introspection lists, by their real shape: the schema's type list is paid
 * once (the standard introspection query costs ~3,500), but every nested
 * `fields`/`inputFields` re-enters the schema and multiplies, so a
 * `types { fields { type { fields { type { fields … } } } } }` bomb is
 * refused (graphql-armor's depth limit ignores `__schema`).
 */
const INTROSPECTION_LISTS: Readonly<Record<string, number>> = {
  '__Schema.types': 1,
  '__Schema.directives': 1,
  '__Type.fields': 50,
  '__Type.inputFields': 50,
  '__Type.enumValues': 50,
  '__Type.interfaces': 5,
  '__Type.possibleTypes': 5,
  '__Field.args': 5,
  '__Directive.args': 5,
  '__Directive.locations': 1,
};

/** Root fields that read all their scope for every alias. */
const HEAVY_ROOT: Readonly<Record<string, number>> = {
  'Query.usageReport': COST.report,
  'Query.usageByUserReport': COST.report,
  'Query.monthlyUsageExport': COST.report,
  'Query.usageTable': COST.usageTable,
};

/** Buckets of a usage series: days (inclusive) or calendar months; 1 when the arguments are not usable (execution rejects them). */
export function seriesBuckets(from: unknown, to: unknown, granularity: unknown): number {
  if (!(from instanceof Date) || !(to instanceof Date)) return 1;
  const a = from.getTime();
  const b = to.getTime();
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return 1;
  if (granularity === 'MONTH') {
    return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth()) + 1;
  }
  return Math.floor(b / DAY_MS) - Math.floor(a / DAY_MS) + 1;
}

function pageMultiplier(first: unknown): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (typeof first !== 'number' || !Number.isFinite(first)) return MAX_PAGE_SIZE;
  return Math.max(0, Math.min(MAX_PAGE_SIZE, Math.ceil(first)));
}

function dateKey(v: unknown): string {
  return v instanceof Date ? String(v.getTime()) : '-';
}

/**
 * Every argument {@link gatewayEstimator} reads. A variable anywhere else
 * (a `trackAccess` input, an id) cannot change what an operation costs.
 */
const COST_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'from', 'to', 'granularity', 'scope']);

function holdsVariable(v: ValueNode): boolean {
  if (v.kind === 'Variable') return true;
  if (v.kind === 'ListValue') return v.values.some(holdsVariable);
  if (v.kind === 'ObjectValue') return v.fields.some((f) => holdsVariable(f.value));
  return false;
}

/**
 * Whether an operation's cost can depend on its variables: one is used in
 * an argument the estimator reads, or in a directive (`@include(if: $x)`
 * and `@skip` decide which fields are counted).
 */
export function costDependsOnVariables(document: DocumentNode): boolean {
  let depends = false;
  visit(document, {
    Directive(node) {
      if (node.arguments?.some((a) => holdsVariable(a.value))) depends = true;
    },
    Field(node) {
      if (node.arguments?.some((a) => COST_ARGUMENTS.has(a.name.value) && holdsVariable(a.value))) depends = true;
    },
  });
  return depends;
}

/** Per-request state of the estimator: the distinct usage windows and popularity scopes seen. */
interface CostState {
  windows: Set<string>;
  popularityScopes: Set<string>;
}

/** Series of one resource's own day documents: one unit per bucket. */
const OWN_SERIES: ReadonlySet<string> = new Set(['Dataset.usage', 'File.usage']);
/** Series of a set of datasets: {@link COST.setSeries} each, plus one unit per bucket. */
const SET_SERIES: ReadonlySet<string> = new Set(['Collection.usage', 'Portal.usage', 'Query.networkUsage']);

function gatewayEstimator(state: CostState): ComplexityEstimator {
  return (o: ComplexityEstimatorArgs): number => {
    const coordinate = `${o.type.name}.${o.field.name}`;
    const child = o.childComplexity;
    const heavy = HEAVY_ROOT[coordinate];
    const hasFirst = o.field.args.some((a) => a.name === 'first');
    if (heavy !== undefined) {
      return heavy + 1 + (hasFirst ? pageMultiplier(o.args.first) : 1) * child;
    }
    if (OWN_SERIES.has(coordinate)) {
      return 1 + seriesBuckets(o.args.from, o.args.to, o.args.granularity) + child;
    }
    if (SET_SERIES.has(coordinate)) {
      return COST.setSeries + 1 + seriesBuckets(o.args.from, o.args.to, o.args.granularity) + child;
    }
    if (coordinate === 'DataDashboard.countries') {
      // Its window is the parent dashboard's, whose arguments an estimator does not see: each costs a full read.
      return COST.countryWindow + 1 + COST.countries * child;
    }
    if (coordinate === 'Query.dataDashboard') {
      state.windows.add(`${dateKey(o.args.from)}|${dateKey(o.args.to)}`);
      return COST.dashboard + 1 + child;
    }
    if (coordinate === 'Dataset.popularity') {
      state.windows.add(`${dateKey(o.args.from)}|${dateKey(o.args.to)}`);
      state.popularityScopes.add(`${String(o.args.scope)}|${dateKey(o.args.from)}|${dateKey(o.args.to)}`);
      return COST.popularity + child;
    }
    if (hasFirst) return 1 + pageMultiplier(o.args.first) * child;
    const nullable = getNullableType(o.field.type);
    if (isListType(nullable)) {
      if (o.type.name.endsWith('Connection') && (o.field.name === 'nodes' || o.field.name === 'edges')) return 1 + child;
      const bound = BOUNDED_LISTS[coordinate] ?? INTROSPECTION_LISTS[coordinate];
      const size = bound ?? COST.assumedListSize;
      return isLeafType(getNamedType(o.field.type)) ? size : 1 + size * child;
    }
    return isLeafType(getNamedType(o.field.type)) ? 0 : 1 + child;
  };
}

/**
 * The cost of one operation with its variables.
 *
 * @throws GraphQLError (without our code) when the variables do not fit the
 *   operation: execution then reports that as a client error anyway.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): number {
  const state: CostState = { windows: new Set(), popularityScopes: new Set() };
  const base = getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: [gatewayEstimator(state)],
    maxQueryNodes: 20_000,
  });
  return base + state.windows.size * COST.usageWindow + state.popularityScopes.size * COST.popularityScope;
}
