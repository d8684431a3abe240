/**
 * COUNTER figures of one UTC day, computed from that day's stored events —
 * the whole of the counting rules in one pure, incremental structure.
 *
 * Why incremental and order-free: events arrive late, out of order, split
 * into any batches, on any instance. The figures of a day are a function of
 * the *set* of its events (plus the first 30 s of the next day, which decide
 * whether the day's last clicks were double clicks), so this class keeps
 * that set and updates the figures as events are added, in any order, to
 * exactly what a batch computation over the same set gives:
 *
 * - double clicks (CoP-RD §10): clicks with the same double-click key
 *   (identity + item) are chained while each is within 30 s (inclusive) of
 *   the previous one; every click but the last of a chain is removed. So a
 *   click counts iff no click of its key follows within 30 s. Adding a click
 *   can only change its own status and its predecessor's.
 * - uniques: a dataset is counted once per session and access method
 *   (reference counts per (target, session, method) go 0↔1).
 * - investigations include requests: a download adds to both.
 * - only HTTP 200/304 count; robots are tallied, never counted.
 *
 * Targets: the resource itself and, for a file, every dataset it belongs to;
 * each also per user when the event names one.
 *
 * @packageDocumentation
 */
import { AccessAction, ResourceType } from '../domain/resources';
import { type CounterField, type Counters, type CountryCounts, zeroCounters } from '../domain/counters';
import type { LoggedEvent } from '../domain/logged-event';
import { DOUBLE_CLICK_WINDOW_MS } from './identity';
import { DAY_MS } from '../util/utc-day';

/** The fields of a logged event counting needs (kept in memory per day). */
export type TallyEvent = Pick<
  LoggedEvent,
  | '_id'
  | 'resourceType'
  | 'resourceId'
  | 'action'
  | 'datasetIds'
  | 'userId'
  | 'trafficClass'
  | 'httpStatus'
  | 'bytes'
  | 'country'
  | 'ck'
  | 'sk'
> & { t: number; ckp?: string | null };

/** Derived figures of one target (a resource, or a user on a resource) for the day. */
export interface TargetFigures {
  resourceType: ResourceType;
  resourceId: string;
  /** Set for per-user figures. */
  userId: string | null;
  counters: Counters;
  /** Per-country COUNTER metrics; resources only (not per user). */
  countries: Record<string, CountryCounts> | null;
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
  lastApiCallAt: Date | null;
}

interface TargetState {
  figures: TargetFigures;
}

type Method = 'regular' | 'machine';

const TOTAL_FIELD: Record<AccessAction, Record<Method, CounterField>> = {
  [AccessAction.VIEW]: { regular: 'views', machine: 'machineViews' },
  [AccessAction.DOWNLOAD]: { regular: 'downloads', machine: 'machineDownloads' },
  [AccessAction.API_CALL]: { regular: 'apiCalls', machine: 'machineApiCalls' },
};

const LAST_FIELD: Record<AccessAction, 'lastViewedAt' | 'lastDownloadedAt' | 'lastApiCallAt'> = {
  [AccessAction.VIEW]: 'lastViewedAt',
  [AccessAction.DOWNLOAD]: 'lastDownloadedAt',
  [AccessAction.API_CALL]: 'lastApiCallAt',
};

function zeroCountry(): CountryCounts {
  return { ti: 0, ui: 0, tr: 0, ur: 0, mti: 0, mui: 0, mtr: 0, mur: 0 };
}

/**
 * The key of a target in this tally: type and id, and the user id for a
 * user's figures, joined by NUL (`\u0000`), which no id can hold (domain/ids.ts).
 * In memory only; stored `_id`s are built in store/.
 */
export function targetKey(type: ResourceType, id: string, userId: string | null): string {
  return userId === null ? `${type}\u0000${id}` : `${type}\u0000${id}\u0000${userId}`;
}

function successful(status: number | null): boolean {
  return status === null || status === 200 || status === 304;
}

export class DayTally {
  readonly day: string;
  private readonly start: number;
  private readonly end: number;
  private readonly events = new Map<string, TallyEvent>();
  /** Countable clicks (successful, not robots) by double-click key, sorted by (t, _id). */
  private readonly chains = new Map<string, TallyEvent[]>();
  private readonly counted = new Set<string>();
  private readonly targets = new Map<string, TargetState>();
  /** Reference counts of unique keys: target number → (session, method, kind, country) code → count. */
  private readonly refs = new Map<number, Map<number, number>>();
  /**
   * Target keys and session keys as small numbers, for the reference-count
   * keys. Why: a counted click holds up to 16 references (4 targets × unique
   * investigation/request × with/without country); spelled out, each key was
   * ~90 characters and the tally took ~1.4 KB per event (a day of 1,000,000
   * events: 1.4 GB). Numbered, a key is a small integer in a per-target map.
   */
  private readonly targetNumbers = new Map<string, number>();
  private readonly sessionNumbers = new Map<string, number>();
  private readonly countryNumbers = new Map<string, number>();
  private readonly dirty = new Set<string>();

  constructor(day: string) {
    this.day = day;
    this.start = Date.parse(`${day}T00:00:00.000Z`);
    if (Number.isNaN(this.start)) throw new RangeError(`not a day: ${day}`);
    this.end = this.start + DAY_MS;
  }

  private own = 0;

  /** Events of the day itself (not counting the next day's first 30 s). */
  get size(): number {
    return this.own;
  }

  /**
   * Whether an event at `t` belongs to this tally: the day itself, or the
   * next day's first 30 s (those decide the day's last double clicks and are
   * never counted here).
   */
  accepts(t: number): boolean {
    return t >= this.start && t <= this.end + DOUBLE_CLICK_WINDOW_MS;
  }

  /** Adds an event; false when it is already here or outside the day. */
  add(e: TallyEvent): boolean {
    if (!this.accepts(e.t) || this.events.has(e._id)) return false;
    this.events.set(e._id, e);
    const peek = e.t >= this.end;
    if (!peek) this.own++;
    if (!peek && e.trafficClass === 'robot') {
      this.tally(e, 'robotEvents', 1);
      return true;
    }
    if (!successful(e.httpStatus)) {
      if (!peek) this.tally(e, 'failedEvents', 1);
      return true;
    }
    if (e.trafficClass === 'robot') return true;
    this.chainInsert(e, peek);
    return true;
  }

  /** Figures of the targets changed since the last call, and forgets them. */
  takeChanged(): TargetFigures[] {
    const out: TargetFigures[] = [];
    for (const k of this.dirty) {
      const s = this.targets.get(k);
      if (s) out.push(cloneFigures(s.figures));
    }
    this.dirty.clear();
    return out;
  }

  /** Figures of every target of the day. */
  all(): TargetFigures[] {
    return [...this.targets.values()].map((s) => cloneFigures(s.figures));
  }

  private chainInsert(e: TallyEvent, peek: boolean): void {
    // A next-day event is chained by its key under this day's secret
    // (`ckp`, identity.ts eventKeys); events stored before keyed hashing
    // have none and one key for every day. REMOVE the `?? e.ck` with the
    // unkeyed-keys path (docs/legacy-reads.md).
    const key = peek ? (e.ckp ?? e.ck) : e.ck;
    let chain = this.chains.get(key);
    if (!chain) {
      chain = [];
      this.chains.set(key, chain);
    }
    const i = insertionIndex(chain, e);
    const prev = i > 0 ? chain[i - 1] : undefined;
    const next = i < chain.length ? chain[i] : undefined;
    chain.splice(i, 0, e);

    // The predecessor now has `e` within reach: it becomes a double click.
    if (prev && this.counted.has(prev._id) && e.t - prev.t <= DOUBLE_CLICK_WINDOW_MS) {
      this.counted.delete(prev._id);
      this.count(prev, -1);
      this.tally(prev, 'doubleClicks', 1);
    }
    if (peek) return;
    this.noteLast(e);
    if (!next || next.t - e.t > DOUBLE_CLICK_WINDOW_MS) {
      this.counted.add(e._id);
      this.count(e, 1);
    } else {
      this.tally(e, 'doubleClicks', 1);
    }
  }

  /** The resource itself and, for a file, its datasets; each per user too. */
  private targetsOf(e: TallyEvent): { type: ResourceType; id: string; userId: string | null }[] {
    const base: { type: ResourceType; id: string }[] = [{ type: e.resourceType, id: e.resourceId }];
    if (e.resourceType === ResourceType.FILE) {
      for (const d of new Set(e.datasetIds)) base.push({ type: ResourceType.DATASET, id: d });
    }
    const out = base.map((b) => ({ ...b, userId: null as string | null }));
    if (e.userId) for (const b of base) out.push({ ...b, userId: e.userId });
    return out;
  }

  private state(type: ResourceType, id: string, userId: string | null): TargetState {
    const k = targetKey(type, id, userId);
    let s = this.targets.get(k);
    if (!s) {
      s = {
        figures: {
          resourceType: type,
          resourceId: id,
          userId,
          counters: zeroCounters(),
          countries: userId === null ? {} : null,
          lastViewedAt: null,
          lastDownloadedAt: null,
          lastApiCallAt: null,
        },
      };
      this.targets.set(k, s);
    }
    this.dirty.add(k);
    return s;
  }

  private tally(e: TallyEvent, field: CounterField, n: number): void {
    for (const t of this.targetsOf(e)) this.state(t.type, t.id, t.userId).figures.counters[field] += n;
  }

  private noteLast(e: TallyEvent): void {
    if (e.trafficClass !== 'regular') return;
    const field = LAST_FIELD[e.action];
    for (const t of this.targetsOf(e)) {
      const f = this.state(t.type, t.id, t.userId).figures;
      const cur = f[field];
      if (!cur || cur.getTime() < e.t) f[field] = new Date(e.t);
    }
  }

  /** Adds (sign 1) or removes (sign -1) a counted click's contribution. */
  private count(e: TallyEvent, sign: 1 | -1): void {
    const method: Method = e.trafficClass === 'machine' ? 'machine' : 'regular';
    const m = method === 'machine';
    const request = e.action === AccessAction.DOWNLOAD;
    const bytes = request && e.bytes ? e.bytes : 0;
    const session = numbered(this.sessionNumbers, e.sk);
    for (const t of this.targetsOf(e)) {
      const f = this.state(t.type, t.id, t.userId).figures;
      const c = f.counters;
      c[TOTAL_FIELD[e.action][method]] += sign;
      if (bytes) c[m ? 'machineVolume' : 'volume'] += sign * bytes;
      const target = numbered(this.targetNumbers, targetKey(t.type, t.id, t.userId));
      // code = ((session × REF_COUNTRIES + country) × 2 + kind) × 2 + method; country 0 = all.
      const base = session * REF_COUNTRIES * 4 + (m ? 1 : 0);
      c[m ? 'machineUniqueInvestigations' : 'uniqueInvestigations'] += this.ref(target, base, sign);
      if (request) c[m ? 'machineUniqueRequests' : 'uniqueRequests'] += this.ref(target, base + 2, sign);
      if (f.countries) {
        const cc = e.country ?? 'ZZ';
        const k = (f.countries[cc] ??= zeroCountry());
        k[m ? 'mti' : 'ti'] += sign;
        // API calls and bytes too, so a country's views, API calls and volume can be told apart.
        if (e.action === AccessAction.API_CALL) bump(k, m ? 'ma' : 'a', sign);
        if (bytes) bump(k, m ? 'mb' : 'b', sign * bytes);
        const country = this.countryNumber(cc) * 4;
        k[m ? 'mui' : 'ui'] += this.ref(target, base + country, sign);
        if (request) {
          k[m ? 'mtr' : 'tr'] += sign;
          k[m ? 'mur' : 'ur'] += this.ref(target, base + country + 2, sign);
        }
        if (isZeroCountry(k)) delete f.countries[cc];
      }
    }
  }

  /** Reference count step; returns the change of "present" (+1, -1 or 0). */
  private ref(target: number, code: number, sign: 1 | -1): number {
    let counts = this.refs.get(target);
    if (!counts) {
      counts = new Map();
      this.refs.set(target, counts);
    }
    const before = counts.get(code) ?? 0;
    const after = before + sign;
    if (after === 0) counts.delete(code);
    else counts.set(code, after);
    if (before === 0 && after > 0) return 1;
    if (before > 0 && after === 0) return -1;
    return 0;
  }

  /** 1… for a country code (0 is "all countries" in a reference code). */
  private countryNumber(cc: string): number {
    let n = this.countryNumbers.get(cc);
    if (n === undefined) {
      n = this.countryNumbers.size + 1;
      if (n >= REF_COUNTRIES) throw new RangeError(`more than ${REF_COUNTRIES - 1} countries in a day`);
      this.countryNumbers.set(cc, n);
    }
    return n;
  }

}

/**
 * Country slots in a reference code: every two-letter code (26², what
 * validation lets in; ISO 3166-1 uses 249 of them, plus `ZZ`) fits, so two
 * keys never share a code. Codes stay small integers in V8 up to ~500,000
 * sessions a day; beyond, they are still exact (doubles below 2^53).
 */
const REF_COUNTRIES = 1024;

/** The number of `key` in `numbers`, given the next one when new. */
function numbered(numbers: Map<string, number>, key: string): number {
  let n = numbers.get(key);
  if (n === undefined) {
    n = numbers.size;
    numbers.set(key, n);
  }
  return n;
}

/** Moves an optional country count; absent when 0, so the figures do not depend on the order of events. */
function bump(c: CountryCounts, field: 'a' | 'ma' | 'b' | 'mb', n: number): void {
  const v = (c[field] ?? 0) + n;
  if (v === 0) delete c[field];
  else c[field] = v;
}

function isZeroCountry(c: CountryCounts): boolean {
  return c.ti === 0 && c.ui === 0 && c.tr === 0 && c.ur === 0 && c.mti === 0 && c.mui === 0 && c.mtr === 0 && c.mur === 0;
}

function before(a: TallyEvent, b: TallyEvent): boolean {
  return a.t < b.t || (a.t === b.t && a._id < b._id);
}

function insertionIndex(chain: TallyEvent[], e: TallyEvent): number {
  let lo = 0;
  let hi = chain.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(chain[mid], e)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cloneFigures(f: TargetFigures): TargetFigures {
  return {
    ...f,
    counters: { ...f.counters },
    countries: f.countries ? Object.fromEntries(Object.entries(f.countries).map(([k, v]) => [k, { ...v }])) : null,
  };
}

/** The tally-relevant part of a logged event. */
export function tallyEventOf(e: LoggedEvent): TallyEvent {
  return {
    _id: e._id,
    t: e.t.getTime(),
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    action: e.action,
    datasetIds: e.datasetIds,
    userId: e.userId,
    trafficClass: e.trafficClass,
    httpStatus: e.httpStatus,
    bytes: e.bytes,
    country: e.country,
    ck: e.ck,
    sk: e.sk,
    ...(e.ckp ? { ckp: e.ckp } : {}),
  };
}
