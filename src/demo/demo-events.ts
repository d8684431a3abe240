/**
 * Builds a year of demo access events on the catalog: browser visits that
 * follow the calendar, crawlers and API scripts, Zipf popularity, and clients
 * (IP + user agent) from the RFC 5737 documentation ranges. Every draw goes
 * through the one `Rng` passed in, in a fixed order.
 */
import type { CollectionDoc, DatasetDoc, FileDoc, SpaceDoc, UserDoc } from '../store/catalog.documents';
import { AccessAction, ResourceType, Visibility } from '../domain/resources';
import type { TrackEventInput } from '../domain/tracking';
import { BROWSER_AGENTS, HARVESTERS, MACHINE_AGENTS, ROBOT_AGENTS } from './demo-fixtures';
import { DAY_S, dateOf, pad, requireAt, secondBetween, seconds, type Clock } from './demo-helpers';
import { WeightedTable, type Rng } from './prng';

type DemoEventRequiredKey = 'eventId' | 'resourceType' | 'resourceId' | 'action' | 'timestamp' | 'userAgent';

/**
 * One generated access event: a `TrackEventInput` whose id, resource, action,
 * timestamp and user agent are always set. `userId` is null for anonymous
 * traffic; `ipAddress` always comes from the documentation ranges
 * 192.0.2.0/24 and 198.51.100.0/24 (RFC 5737), never a real address.
 */
export type DemoEvent = {
  [K in DemoEventRequiredKey]-?: NonNullable<TrackEventInput[K]>;
} & Pick<TrackEventInput, 'userId' | 'ipAddress'>;

/**
 * Relative traffic of a human visitor at a UTC second: August and the
 * Christmas holidays are quiet, weekends lighter, nights nearly empty
 * (hours are UTC; France is UTC+1/+2).
 */
function humanActivity(s: number): number {
  const d = dateOf(s);
  const month = [0.95, 1, 1, 0.95, 0.9, 1, 0.8, 0.45, 1, 1, 1, 0.75][d.getUTCMonth()] ?? 1;
  const dow = d.getUTCDay();
  const weekday = dow === 6 ? 0.45 : dow === 0 ? 0.35 : 1;
  const h = d.getUTCHours();
  const hour = h >= 7 && h <= 16 ? 1 : h >= 5 && h <= 20 ? 0.5 : h >= 21 ? 0.3 : 0.08;
  return month * weekday * hour;
}

interface Client {
  ip: string;
  userAgent: string;
}

type TrafficKind = 'browser' | 'robot' | 'machine';

interface EventResource {
  type: ResourceType;
  id: string;
  /** Earliest second an event on it may have. */
  startS: number;
  /** USER accounts allowed to see it; null = anyone. */
  allowed: readonly string[] | null;
}

function fakeIp(rng: Rng): string {
  const net = rng.chance(0.5) ? '192.0.2' : '198.51.100';
  return `${net}.${rng.int(1, 254)}`;
}

interface EventContext {
  rng: Rng;
  clock: Clock;
  datasets: readonly EventResource[];
  files: readonly EventResource[];
  collections: readonly EventResource[];
  /** Popularity over datasets / files / collections, for each audience. */
  tables: Record<'all' | 'open', Record<'dataset' | 'file' | 'collection', WeightedTable>>;
  filesOfDataset: readonly (readonly number[])[];
  datasetsOfCollection: readonly (readonly number[])[];
  humanIds: readonly string[];
  humanTable: WeightedTable;
  clientsOfUser: ReadonlyMap<string, readonly Client[]>;
  anonymousClients: readonly Client[];
  robotClients: readonly Client[];
  machineClients: readonly Client[];
}

interface RawEvent {
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  s: number;
  userAgent: string;
  userId: string | null;
  ipAddress: string;
}

/**
 * A second in the resource's window; for humans, drawn with the seasonal
 * activity curve by rejection. Null when the window is empty.
 */
function eventSecond(ctx: EventContext, res: EventResource, kind: TrafficKind): number | null {
  const lo = Math.max(ctx.clock.eventStartS, res.startS);
  const hi = ctx.clock.eventEndS;
  if (hi < lo) return null;
  let s = secondBetween(ctx.rng, lo, hi);
  // Crawlers and scripts run around the clock; people follow the calendar.
  if (kind === 'browser') {
    for (let tries = 0; tries < 40 && !ctx.rng.chance(humanActivity(s)); tries++) s = secondBetween(ctx.rng, lo, hi);
  }
  return s;
}

function draw(ctx: EventContext, audience: 'all' | 'open', type: 'dataset' | 'file' | 'collection'): EventResource | null {
  const list = type === 'dataset' ? ctx.datasets : type === 'file' ? ctx.files : ctx.collections;
  const i = ctx.tables[audience][type].draw(ctx.rng);
  return i < 0 ? null : requireAt(list, i);
}

/** One browser visit: a landing page and a few clicks (collection → dataset → file). */
function browserVisit(ctx: EventContext, out: RawEvent[]): void {
  const { rng } = ctx;
  const landingType = rng.weighted([['dataset', 66], ['file', 20], ['collection', 14]] as const);
  const landing = draw(ctx, 'all', landingType);
  if (!landing) return;
  // Logged in a third of the time, always when the page is restricted
  // (which brings the logged-in share of all events to ~40%).
  let userId: string | null = rng.chance(0.33) ? requireAt(ctx.humanIds, ctx.humanTable.draw(rng)) : null;
  if (landing.allowed && (userId === null || !landing.allowed.includes(userId))) userId = rng.pick(landing.allowed);
  const client = userId ? rng.pick(ctx.clientsOfUser.get(userId) ?? ctx.anonymousClients) : rng.pick(ctx.anonymousClients);
  const start = eventSecond(ctx, landing, 'browser');
  if (start === null) return;

  let s = start;
  const emit = (res: EventResource, action: AccessAction): boolean => {
    if (s < res.startS || s > ctx.clock.eventEndS) return false;
    if (res.allowed && (userId === null || !res.allowed.includes(userId))) return false;
    const ev: RawEvent = { resourceType: res.type, resourceId: res.id, action, s, userAgent: client.userAgent, userId, ipAddress: client.ip };
    out.push(ev);
    // Impatient double clicks, for the COUNTER 30-second rule.
    if (rng.chance(0.02) && s + 15 <= ctx.clock.eventEndS) out.push({ ...ev, s: s + rng.int(1, 15) });
    return true;
  };
  const later = (minS: number, maxS: number): void => {
    s += rng.int(minS, maxS);
  };

  let dataset: number | null = null;
  if (landing.type === ResourceType.COLLECTION) {
    if (!emit(landing, AccessAction.VIEW)) return;
    const inside = ctx.datasetsOfCollection[ctx.collections.indexOf(landing)] ?? [];
    if (inside.length > 0 && rng.chance(0.6)) {
      dataset = rng.pick(inside);
      later(10, 300);
      if (!emit(requireAt(ctx.datasets, dataset), AccessAction.VIEW)) return;
    }
  } else if (landing.type === ResourceType.FILE) {
    // Deep links to files are mostly direct downloads.
    const action = rng.weighted([[AccessAction.DOWNLOAD, 88], [AccessAction.VIEW, 10], [AccessAction.API_CALL, 2]] as const);
    emit(landing, action);
    return;
  } else {
    dataset = ctx.datasets.indexOf(landing);
    const action = rng.weighted([[AccessAction.VIEW, 88], [AccessAction.API_CALL, 7], [AccessAction.DOWNLOAD, 5]] as const);
    if (!emit(landing, action)) return;
  }
  if (dataset === null) return;
  // From a dataset page, many visitors download one of its files.
  const files = ctx.filesOfDataset[dataset] ?? [];
  if (files.length > 0 && rng.chance(0.45)) {
    // The first (main) distribution gets most downloads.
    const f = rng.chance(0.7) ? requireAt(files, 0) : rng.pick(files);
    later(15, 480);
    if (!emit(requireAt(ctx.files, f), AccessAction.DOWNLOAD)) return;
    if (files.length > 1 && rng.chance(0.15)) {
      later(5, 120);
      emit(requireAt(ctx.files, rng.pick(files)), AccessAction.DOWNLOAD);
    }
  }
}

/** A script or harvester sweeping the open catalog through the API. */
function machineVisit(ctx: EventContext, out: RawEvent[]): void {
  const { rng } = ctx;
  const client = rng.pick(ctx.machineClients);
  // Harvesters run under their account; ad-hoc scripts are anonymous.
  const userId = rng.chance(0.45) ? rng.pick(HARVESTERS)._id : null;
  const n = rng.int(1, 5);
  let s: number | null = null;
  for (let k = 0; k < n; k++) {
    const type = rng.chance(0.65) ? 'dataset' : 'file';
    const res = draw(ctx, 'open', type);
    if (!res) return;
    if (s === null) {
      s = eventSecond(ctx, res, 'machine');
      if (s === null) return;
    } else {
      s += rng.int(1, 20);
    }
    if (s < res.startS || s > ctx.clock.eventEndS) return;
    const action =
      type === 'file'
        ? AccessAction.DOWNLOAD
        : rng.weighted([[AccessAction.API_CALL, 70], [AccessAction.VIEW, 15], [AccessAction.DOWNLOAD, 15]] as const);
    out.push({ resourceType: res.type, resourceId: res.id, action, s, userAgent: client.userAgent, userId, ipAddress: client.ip });
  }
}

/** A search-engine crawler: views of public pages, sometimes a file. */
function robotVisit(ctx: EventContext, out: RawEvent[]): void {
  const { rng } = ctx;
  const client = rng.pick(ctx.robotClients);
  const n = rng.int(1, 3);
  let s: number | null = null;
  for (let k = 0; k < n; k++) {
    const type = rng.weighted([['dataset', 70], ['collection', 15], ['file', 15]] as const);
    const res = draw(ctx, 'open', type);
    if (!res) return;
    if (s === null) {
      s = eventSecond(ctx, res, 'robot');
      if (s === null) return;
    } else {
      s += rng.int(2, 90);
    }
    if (s < res.startS || s > ctx.clock.eventEndS) return;
    const action = type === 'file' ? AccessAction.DOWNLOAD : AccessAction.VIEW;
    out.push({ resourceType: res.type, resourceId: res.id, action, s, userAgent: client.userAgent, userId: null, ipAddress: client.ip });
  }
}

export function buildEvents(
  rng: Rng,
  clock: Clock,
  count: number,
  catalog: {
    datasets: readonly DatasetDoc[];
    files: readonly FileDoc[];
    collections: readonly CollectionDoc[];
    spaces: readonly SpaceDoc[];
    humans: readonly UserDoc[];
    popularity: readonly number[];
  },
): DemoEvent[] {
  if (count === 0) return [];
  const { datasets, files, collections, spaces, humans, popularity } = catalog;
  const humanIds = humans.map((u) => u._id);
  const humanSet = new Set(humanIds);
  const membersOf = new Map(spaces.map((sp) => [sp._id, sp.memberIds] as const));

  // Who may see a dataset: anyone if public and published, else its owner
  // and the members of its spaces (the portal hides it from everyone else).
  const datasetRes: EventResource[] = datasets.map((d) => {
    const restricted = d.visibility === Visibility.PRIVATE || !d.published;
    let allowed: string[] | null = null;
    if (restricted) {
      const ids = new Set<string>(d.ownerId ? [d.ownerId] : []);
      for (const sp of d.spaceIds) for (const m of membersOf.get(sp) ?? []) ids.add(m);
      allowed = [...ids].filter((id) => humanSet.has(id)).sort();
      if (allowed.length === 0) allowed = humanIds.slice(0, 1);
    }
    return { type: ResourceType.DATASET, id: d._id, startS: seconds(d.createdAt), allowed };
  });
  const datasetIndex = new Map(datasets.map((d, i) => [d._id, i] as const));
  const filesOfDataset: number[][] = datasets.map(() => []);
  const fileRes: EventResource[] = files.map((f, fi) => {
    const parents = f.datasetIds.map((id) => datasetIndex.get(id) ?? -1).filter((i) => i >= 0);
    for (const p of parents) filesOfDataset[p]?.push(fi);
    // A file is open if any of its datasets is.
    const parentAllowed = parents.map((p) => requireAt(datasetRes, p).allowed);
    const allowed = parentAllowed.some((a) => a === null)
      ? null
      : [...new Set(parentAllowed.flatMap((a) => a ?? []))].sort();
    return { type: ResourceType.FILE, id: f._id, startS: seconds(f.createdAt), allowed };
  });
  const collectionIndex = new Map(collections.map((c, i) => [c._id, i] as const));
  const datasetsOfCollection: number[][] = collections.map(() => []);
  datasets.forEach((d, di) => {
    for (const c of d.collectionIds) datasetsOfCollection[collectionIndex.get(c) ?? -1]?.push(di);
  });
  const collectionRes: EventResource[] = collections.map((c) => ({
    type: ResourceType.COLLECTION,
    id: c._id,
    startS: seconds(c.createdAt),
    allowed: null,
  }));

  // Popularity: datasets from the Zipf weights; a file shares its datasets'
  // popularity (the main distribution more than notices); collections get
  // their own Zipf ranking. Each weight is then scaled by the share of the
  // year the resource existed: popularity is a rate per day, so a dataset
  // created last week must not cram a year of traffic into a week (which
  // would also drown the seasonal curve).
  const windowDays = Math.max(1, (clock.eventEndS - clock.eventStartS) / DAY_S);
  const perDay = (weights: readonly number[], res: readonly EventResource[]): number[] =>
    weights.map((w, i) => {
      const from = Math.max(clock.eventStartS, requireAt(res, i).startS);
      return (w * Math.max(0, clock.eventEndS - from)) / DAY_S / windowDays;
    });
  const fileWeights = files.map((f, fi) => {
    const base = f.datasetIds.reduce((sum, id) => sum + (popularity[datasetIndex.get(id) ?? -1] ?? 0), 0);
    const home = filesOfDataset[datasetIndex.get(f.datasetIds[0] ?? '') ?? -1] ?? [];
    const factor = home[0] === fi ? 1 : f.contentType === 'application/pdf' ? 0.25 : 0.45;
    return base * factor;
  });
  const datasetWeights = perDay(popularity, datasetRes);
  const fileDayWeights = perDay(fileWeights, fileRes);
  const collectionWeights = perDay(zipfWeights(rng, collections.length, 0.9, 0), collectionRes);
  const openOnly = (weights: readonly number[], res: readonly EventResource[]): number[] =>
    weights.map((w, i) => (requireAt(res, i).allowed === null ? w : 0));
  const tables = {
    all: {
      dataset: new WeightedTable(datasetWeights),
      file: new WeightedTable(fileDayWeights),
      collection: new WeightedTable(collectionWeights),
    },
    open: {
      dataset: new WeightedTable(openOnly(datasetWeights, datasetRes)),
      file: new WeightedTable(openOnly(fileDayWeights, fileRes)),
      collection: new WeightedTable(collectionWeights),
    },
  };

  // Clients (IP + user agent): each person uses one or two devices; NATed
  // anonymous visitors share the small documentation ranges.
  const clientsOfUser = new Map<string, Client[]>();
  for (const id of humanIds) {
    const devices = rng.int(1, 2);
    clientsOfUser.set(id, Array.from({ length: devices }, () => ({ ip: fakeIp(rng), userAgent: rng.pick(BROWSER_AGENTS) })));
  }
  const anonymousClients = Array.from({ length: 300 }, () => ({ ip: fakeIp(rng), userAgent: rng.pick(BROWSER_AGENTS) }));
  const robotClients = ROBOT_AGENTS.flatMap((ua) => [
    { ip: fakeIp(rng), userAgent: ua },
    { ip: fakeIp(rng), userAgent: ua },
  ]);
  const machineClients = Array.from({ length: 24 }, () => ({ ip: fakeIp(rng), userAgent: rng.pick(MACHINE_AGENTS) }));

  const ctx: EventContext = {
    rng,
    clock,
    datasets: datasetRes,
    files: fileRes,
    collections: collectionRes,
    tables,
    filesOfDataset,
    datasetsOfCollection,
    humanIds,
    // A few power users account for much of the logged-in traffic.
    humanTable: new WeightedTable(zipfWeights(rng, humanIds.length, 0.8, 0)),
    clientsOfUser,
    anonymousClients,
    robotClients,
    machineClients,
  };

  const raw: RawEvent[] = [];
  // Visit mix tuned so that ~8% of events are robots and ~8% machines
  // (machine and robot visits are longer than the average browser visit).
  for (let guard = 0; raw.length < count && guard < count * 20; guard++) {
    const kind = rng.weighted([['browser', 88], ['robot', 6], ['machine', 3.8]] as const);
    if (kind === 'browser') browserVisit(ctx, raw);
    else if (kind === 'robot') robotVisit(ctx, raw);
    else machineVisit(ctx, raw);
  }
  // Stable sort: same-second events keep their visit order.
  const kept = raw.slice(0, count).sort((a, b) => a.s - b.s);
  return kept.map((e, i) => ({
    eventId: `demo-${pad(i + 1, 6)}`,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    action: e.action,
    timestamp: dateOf(e.s),
    userAgent: e.userAgent,
    userId: e.userId,
    ipAddress: e.ipAddress,
  }));
}

/**
 * Zipf-like weights over a random ranking of `n` items: weight 1/rank^s, and
 * a `dormant` share of items get 0 (datasets nobody ever opens).
 */
export function zipfWeights(rng: Rng, n: number, s: number, dormant: number): number[] {
  const ranks = rng.shuffled(Array.from({ length: n }, (_, i) => i));
  const weights = new Array<number>(n).fill(0);
  ranks.forEach((item, rank) => {
    weights[item] = rng.chance(dormant) ? 0 : 1 / (rank + 1) ** s;
  });
  // Never leave everything dormant (tiny catalogs).
  if (n > 0 && !weights.some((w) => w > 0)) weights[requireAt(ranks, 0)] = 1;
  return weights;
}
