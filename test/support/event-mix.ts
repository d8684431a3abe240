import { mulberry32 } from '../../src/demo/prng';

/**
 * Deterministic random event mixes for reliability tests and benchmarks,
 * with a plain reference count to compare the gateway's totals with.
 */
export const UA = {
  regular: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  machine: 'python-requests/2.31.0',
  robot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
} as const;

export type TrafficKind = keyof typeof UA;

export interface MixEvent {
  eventId: string;
  resourceType: 'DATASET' | 'FILE' | 'COLLECTION';
  resourceId: string;
  action: 'VIEW' | 'DOWNLOAD' | 'API_CALL';
  userId: string | null;
  userAgent: string;
  /** One session per event: the double-click filter never merges two of them. */
  sessionId: string;
  timestamp: string;
}

/** A seeded PRNG so every run sends the same mix. */
export const prng = mulberry32;

export function makeEvents(opts: {
  count: number;
  seed: number;
  prefix: string;
  resources: { type: MixEvent['resourceType']; id: string }[];
  users: string[];
  now: Date;
  robotShare?: number;
  machineShare?: number;
}): MixEvent[] {
  const rnd = prng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: MixEvent[] = [];
  for (let i = 0; i < opts.count; i++) {
    const r = pick(opts.resources);
    const roll = rnd();
    const kind: TrafficKind = roll < (opts.robotShare ?? 0.1) ? 'robot' : roll < (opts.robotShare ?? 0.1) + (opts.machineShare ?? 0.1) ? 'machine' : 'regular';
    const action = r.type === 'COLLECTION' ? 'VIEW' : pick(['VIEW', 'DOWNLOAD', 'API_CALL'] as const);
    out.push({
      eventId: `${opts.prefix}-${i}`,
      resourceType: r.type,
      resourceId: r.id,
      action,
      userId: rnd() < 0.4 ? pick(opts.users) : null,
      userAgent: UA[kind],
      sessionId: `${opts.prefix}-s-${i}`,
      // Spread over the last 20 days, whole seconds.
      timestamp: new Date(Math.floor((opts.now.getTime() - rnd() * 20 * 86_400_000) / 1000) * 1000).toISOString(),
    });
  }
  return out;
}

export interface ExpectedCounts {
  views: number;
  downloads: number;
  apiCalls: number;
  machineViews: number;
  machineDownloads: number;
  machineApiCalls: number;
  robotEvents: number;
}

const FIELD: Record<MixEvent['action'], ['views' | 'downloads' | 'apiCalls', 'machineViews' | 'machineDownloads' | 'machineApiCalls']> = {
  VIEW: ['views', 'machineViews'],
  DOWNLOAD: ['downloads', 'machineDownloads'],
  API_CALL: ['apiCalls', 'machineApiCalls'],
};

export function zero(): ExpectedCounts {
  return { views: 0, downloads: 0, apiCalls: 0, machineViews: 0, machineDownloads: 0, machineApiCalls: 0, robotEvents: 0 };
}

/** The plain reference: each acknowledged eventId once, robots tallied apart. */
export function referenceCounts(events: Iterable<MixEvent>): {
  perResource: Map<string, ExpectedCounts>;
  perUser: Map<string, ExpectedCounts>;
} {
  const perResource = new Map<string, ExpectedCounts>();
  const perUser = new Map<string, ExpectedCounts>();
  const seen = new Set<string>();
  const bump = (m: Map<string, ExpectedCounts>, k: string, f: keyof ExpectedCounts) => {
    if (!m.has(k)) m.set(k, zero());
    m.get(k)![f]++;
  };
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    const key = `${e.resourceType}:${e.resourceId}`;
    if (e.userAgent === UA.robot) {
      bump(perResource, key, 'robotEvents');
      continue;
    }
    const [regular, machine] = FIELD[e.action];
    if (e.userAgent === UA.machine) bump(perResource, key, machine);
    else {
      bump(perResource, key, regular);
      if (e.userId) bump(perUser, `${e.userId}|${key}`, regular);
    }
  }
  return { perResource, perUser };
}
