/*
 * Robot and machine shares for a gateway whose dashboard lacks
 * DashboardTotals.robotShare/machineShare (capabilities.ts): the page sums
 * the counted datasets' all-time stats instead.
 */
import { gql } from './api';
import { getKey } from './key-store';
import { state } from './state';
import { TRAFFIC_QUERY, type TrafficPage } from './queries';

export interface Traffic {
  regular: number;
  machine: number;
  robots: number;
}

/** All-time figures do not move with the window: kept per key and filter for this page's life. */
const trafficCache = new Map<string, Promise<Traffic>>();

export function cachedTraffic(): Promise<Traffic> {
  const f = state.filters;
  const id = `${getKey() ?? ''}|${f.visibility}|${f.portalId ?? ''}`;
  let p = trafficCache.get(id);
  if (!p) {
    p = loadTraffic();
    trafficCache.set(id, p);
    p.catch(() => trafficCache.delete(id));
  }
  return p;
}

/** Sums the all-time traffic classes of the datasets the dashboard counts (same filters). */
async function loadTraffic(): Promise<Traffic> {
  const f = state.filters;
  const filter: Record<string, unknown> = { published: true };
  if (f.portalId) filter.portalId = f.portalId;
  if (f.visibility !== 'ALL') filter.visibility = f.visibility;
  const sum = { regular: 0, machine: 0, robots: 0 };
  let after: string | null = null;
  do {
    const page: TrafficPage = await gql<TrafficPage>(TRAFFIC_QUERY, { filter, after });
    for (const { stats: s } of page.datasets.nodes) {
      sum.regular += s.views + s.downloads + s.apiCalls;
      sum.machine += s.machine.views + s.machine.downloads + s.machine.apiCalls;
      sum.robots += s.robotEvents;
    }
    after = page.datasets.pageInfo.hasNextPage ? page.datasets.pageInfo.endCursor : null;
  } while (after);
  return sum;
}

export interface Shares {
  robotShare: number;
  machineShare: number;
  fromApi: boolean;
}

/** The API's definitions: robots among all events; machine use among (regular + machine) use. */
export function sharesOf(tr: Traffic): Shares {
  const all = tr.regular + tr.machine + tr.robots;
  const use = tr.regular + tr.machine;
  return { robotShare: all === 0 ? 0 : tr.robots / all, machineShare: use === 0 ? 0 : tr.machine / use, fromApi: false };
}
