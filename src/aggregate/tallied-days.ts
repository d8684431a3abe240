import { randomBytes } from 'node:crypto';
import { ResourceType } from '../domain/resources';
import type { LoggedEvent, TrafficClass } from '../domain/logged-event';
import { DayTally, targetKey, tallyEventOf, type TargetFigures } from '../counting/day-tally';
import type { QueueItem } from '../store/event-log.repository';
import type { DayFigures } from '../store/day-figures';
import type { UsageWriteRepository } from '../store/usage-write.repository';
import { countedClass } from '../privacy/stored-form';
import type { StoredEventReader } from './stored-events';
import { evictDays, zeroed } from './day-memory';
import type { Quarantine } from './quarantine';
import { checkStoredEvent } from './stored-event-check';

const ALL_TYPES = [ResourceType.DATASET, ResourceType.FILE, ResourceType.COLLECTION];

/** The figures a day's documents hold, by target key. */
type Written = Map<string, DayFigures>;

/** A day an aggregator keeps in memory: its tally and what its documents hold. */
export interface CachedDay {
  tally: DayTally;
  written: Written;
}

/** One day's part of a write: the targets whose figures changed. */
export interface DayWork {
  day: string;
  cached: CachedDay;
  changed: readonly TargetFigures[];
}

export interface TalliedDaysOptions {
  /** Events kept in memory between passes (whole days; see AggregatorOptions.cachedEvents). */
  cachedEvents: number;
  /** Where stored events that cannot be counted are recorded (they are skipped either way); null: nowhere. */
  quarantine: Quarantine | null;
  /** Classifies traffic with the current robot and machine lists (see the Aggregator constructor). */
  classify: (userAgent: string | null, automated: boolean) => TrafficClass;
}

/**
 * The days one aggregator tallies, and the writes of what changed in them:
 * the last few days it aggregated stay in memory (day-memory.ts), any other
 * is built from the log and compared with what its documents hold. Why
 * apart from the Aggregator: that one decides when a pass, recount or
 * rebuild runs and which days it covers; this one turns a day's events into
 * the figures to write, whichever of them asked.
 */
export class TalliedDays {
  private readonly days = new Map<string, CachedDay>();

  constructor(
    private readonly reader: StoredEventReader,
    private readonly usage: UsageWriteRepository,
    private readonly options: TalliedDaysOptions,
  ) {}

  /** Drops every day from memory (another writer wrote, the rules changed, a pass failed). */
  clear(): void {
    this.days.clear();
  }

  /** Drops one day from memory. */
  forget(day: string): void {
    this.days.delete(day);
  }

  /**
   * Adds a day's queued events to its tally (built from the log when not in
   * memory); returns what changed, and the day indexes that name events not
   * visible yet (the caller decides whether to keep their queue entries).
   */
  async collect(day: string, entries: readonly QueueItem[]): Promise<{ work: DayWork; incomplete: Set<string> }> {
    const indexes = await this.reader.indexes(entries.map((e) => e.index));
    const keys = new Set<string>();
    for (const i of indexes) for (const k of i.keys) keys.add(k);
    const cached = this.days.get(day);
    let built: { cached: CachedDay; changed: TargetFigures[]; found: Set<string> };
    if (!cached) {
      built = await this.buildDay(day, keys);
    } else {
      // LRU: most recently used last.
      this.days.delete(day);
      this.days.set(day, cached);
      const found = new Set<string>();
      await this.reader.forEach([...keys], (e) => {
        this.addTo(cached.tally, e);
        found.add(e._id);
      });
      evictDays(this.days, this.options.cachedEvents);
      built = { cached, changed: cached.tally.takeChanged(), found };
    }
    const incomplete = new Set(indexes.filter((i) => i.keys.some((k) => !built.found.has(k))).map((i) => i._id));
    return { work: { day, cached: built.cached, changed: built.changed }, incomplete };
  }

  /** Builds a day from all its events and writes what differs from storage; returns the day's events. */
  async rebuildDay(day: string): Promise<number> {
    const built = await this.buildDay(day);
    await this.writeChanged([{ day, ...built }]);
    return built.cached.tally.size;
  }

  /** A fresh tally of a day's stored events, outside the memory of days (a full rebuild). */
  async tallyOf(day: string): Promise<DayTally> {
    const tally = new DayTally(day);
    await this.reader.forEachOfDay(day, (e) => this.addTo(tally, e));
    return tally;
  }

  /** Writes the changed targets of every day given, in one journaled write (totals move once per target). */
  async writeChanged(work: readonly DayWork[]): Promise<void> {
    const after: DayFigures[] = [];
    const before: (DayFigures | null)[] = [];
    for (const w of work) {
      for (const f of w.changed) {
        const a = { ...f, day: w.day };
        after.push(a);
        before.push(w.cached.written.get(targetKey(f.resourceType, f.resourceId, f.userId)) ?? null);
      }
    }
    if (!after.length) return;
    await this.usage.write(`${work[0].day}.${randomBytes(6).toString('hex')}`, before, after);
    for (const w of work) {
      for (const f of w.changed) {
        const k = targetKey(f.resourceType, f.resourceId, f.userId);
        if (Object.values(f.counters).every((v) => v === 0)) w.cached.written.delete(k);
        else w.cached.written.set(k, { ...f, day: w.day });
      }
    }
  }

  /**
   * A day's tally from all its events, the figures stored for it, and the
   * targets whose figures differ (stored targets the events no longer
   * support — reclassified, dropped — come back zeroed).
   */
  private async buildDay(day: string, wanted: ReadonlySet<string> = new Set()): Promise<{ cached: CachedDay; changed: TargetFigures[]; found: Set<string> }> {
    const tally = new DayTally(day);
    // Only the keys of the queued indexes are checked for visibility: the
    // day's other events are not collected (the day may hold millions).
    const found = new Set<string>();
    await this.reader.forEachOfDay(day, (e) => {
      if (wanted.has(e._id)) found.add(e._id);
      this.addTo(tally, e);
    });
    const stored = await this.usage.dayFigures(day, ALL_TYPES);
    const written: Written = new Map(stored.map((f) => [targetKey(f.resourceType, f.resourceId, f.userId), f]));
    const cached: CachedDay = { tally, written };
    const changed = tally.takeChanged();
    const present = new Set(changed.map((f) => targetKey(f.resourceType, f.resourceId, f.userId)));
    for (const [k, f] of written) {
      if (!present.has(k)) changed.push({ ...f, counters: zeroed(f.counters), countries: null, lastViewedAt: null, lastDownloadedAt: null, lastApiCallAt: null });
    }
    this.days.set(day, cached);
    evictDays(this.days, this.options.cachedEvents);
    return { cached, changed, found };
  }

  /** Adds a stored event to a day's tally if it belongs there (its day, or the next day's first 30 s). */
  private addTo(tally: DayTally, e: LoggedEvent): void {
    // The one door into a tally: an event that cannot be counted (written
    // by an older version, an edited import, by hand) is quarantined and
    // skipped, never allowed to stop the pass or reach the writer.
    const problem = checkStoredEvent(e);
    if (problem) return this.options.quarantine?.record(e, problem);
    try {
      // An index may name a key whose stored event is of another day (a
      // conflicting retry listed it): the event's own time decides.
      if (!tally.accepts(e.t.getTime())) return;
      tally.add({ ...tallyEventOf(e), trafficClass: countedClass(e, this.options.classify) });
    } catch (err) {
      this.options.quarantine?.record(e, { code: 'INTERNAL_SERVER_ERROR', message: `counting failed: ${(err as Error).message}` });
    }
  }
}
