import { gql } from './api';

/**
 * What this gateway's API offers beyond the page's baseline: the page asks
 * once (introspection of a few types) and leaves out what a gateway does not
 * have yet, instead of failing whole views with a validation error.
 */
export interface Capabilities {
  /** DashboardTotals.robotShare and machineShare. */
  dashboardShares: boolean;
  /** DataDashboard.countries and UsageStats.countries. */
  countries: boolean;
  fileUsage: boolean;
  collectionUsage: boolean;
  portalUsage: boolean;
  networkUsage: boolean;
}

const CAPS_QUERY = `query Caps {
  totals: __type(name: "DashboardTotals") { fields { name } }
  dashboard: __type(name: "DataDashboard") { fields { name } }
  stats: __type(name: "UsageStats") { fields { name } }
  file: __type(name: "File") { fields { name } }
  collection: __type(name: "Collection") { fields { name } }
  portal: __type(name: "Portal") { fields { name } }
  query: __type(name: "Query") { fields { name } }
}`;

type Fields = { fields: { name: string }[] } | null;
let pending: Promise<Capabilities> | null = null;

export function capabilities(): Promise<Capabilities> {
  pending ??= gql<Record<'totals' | 'dashboard' | 'stats' | 'file' | 'collection' | 'portal' | 'query', Fields>>(CAPS_QUERY)
    .then((r) => {
      const has = (t: Fields, ...names: string[]) => names.every((n) => (t?.fields ?? []).some((f) => f.name === n));
      return {
        dashboardShares: has(r.totals, 'robotShare', 'machineShare'),
        countries: has(r.dashboard, 'countries') && has(r.stats, 'countries'),
        fileUsage: has(r.file, 'usage'),
        collectionUsage: has(r.collection, 'usage'),
        portalUsage: has(r.portal, 'usage'),
        networkUsage: has(r.query, 'networkUsage'),
      };
    })
    .catch((err: unknown) => {
      pending = null;
      throw err;
    });
  return pending;
}
