import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { TrafficClass } from '../domain/logged-event';
import type { EventLogRepository, QueueItem } from '../store/event-log.repository';
import type { UsageWriteRepository } from '../store/usage-write.repository';
import type { DbLock } from '../store/db-lock';
import { ensureUsageIndexes } from '../store/store';
import { withDeadline } from '../util/deadline';
import { AggregationTurns } from './aggregation-turns';
import { StoredEventReader } from './stored-events';
import type { RecentFlushes } from './recent-flushes';
import type { Quarantine } from './quarantine';
import { TalliedDays, type DayWork } from './tallied-days';

/** How often an instance that does not hold the lock checks the rule set's version, ms. */
const RULES_SYNC_MS = 5_000;

/** How long a queue entry whose events are not all visible is kept, ms. */
export const INCOMPLETE_ENTRY_MS = 120_000;

export interface AggregatorOptions {
  /** How often an idle aggregator looks for new events, ms (`AGGREGATE_POLL_MS`). */
  pollMs: number;
  /** Queue entries taken per pass. Default 2000. */
  queueBatch?: number;
  /**
   * Events kept in memory between passes (whole recent days, least recently
   * aggregated dropped first), ~1-2 KB each. Default 100000. Late events
   * for a day not in memory cost a rebuild of that day from the log.
   */
  cachedEvents?: number;
  /** Flushes this process stored, taken from memory instead of read back (see recent-flushes.ts). */
  recentFlushes?: RecentFlushes;
  /**
   * Brings the classifier to the rule set in force (src/counting/rule-set.ts),
   * resolving true when it changed. Called holding the lock before every
   * pass, recount and rebuild: a day is never counted under two rule sets.
   * Default: the rules never change.
   */
  syncRules?: () => Promise<boolean>;
  /** Where stored events that cannot be counted are recorded (they are skipped either way). */
  quarantine?: Quarantine;
}

/**
 * Derives the figures (day documents, totals, per-user figures) from the
 * event log, invenio-stats style: the log is the source of truth, the
 * queue entries a flush writes are the bookmark, and any day can be
 * recomputed from its events at will (`recount`).
 *
 * One aggregator writes at a time, across instances (the `aggregator` lock,
 * renewed while it works). A pass takes the queued day indexes, adds their
 * events to the day's `DayTally` (kept in memory for the last few days
 * an instance aggregated, else rebuilt from the log) and writes the targets
 * whose figures changed. A day in memory is trusted only while no other
 * writer has written since (the writer mark in `agg_state`).
 */
export class Aggregator {
  /** The days this instance tallied, and the writes of what changed in them (tallied-days.ts). */
  private readonly days: TalliedDays;
  private readonly pollMs: number;
  private readonly queueBatch: number;
  private readonly recent: RecentFlushes | null;
  private readonly syncRules: () => Promise<boolean>;
  private rulesSyncedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** Passes, recounts and rebuilds of this instance run one after another (aggregation-turns.ts). */
  private readonly turns: AggregationTurns;
  private stopped = true;
  /** The writer mark we left last; another value means someone else wrote. */
  private lastMark: string | null = null;
  private lastPassAt = 0;
  /** Queue entries the last pass kept because some of their events were not visible. */
  private kept = new Set<string>();

  constructor(
    private readonly log: EventLogRepository,
    private readonly usage: UsageWriteRepository,
    private readonly lock: DbLock,
    private readonly state: { readMark(): Promise<string | null>; writeMark(mark: string): Promise<void> },
    private readonly logger: Logger,
    options: AggregatorOptions,
    /**
     * Classifies traffic with the current robot and machine lists. Figures
     * always follow the current lists, so a recount after a list refresh
     * equals a fresh ingestion, and a later pass never reverts it.
     */
    classify: (userAgent: string | null, automated: boolean) => TrafficClass,
  ) {
    this.pollMs = options.pollMs;
    this.queueBatch = options.queueBatch ?? 2000;
    this.recent = options.recentFlushes ?? null;
    this.days = new TalliedDays(new StoredEventReader(log, this.recent), usage, {
      cachedEvents: options.cachedEvents ?? 100_000,
      quarantine: options.quarantine ?? null,
      classify,
    });
    this.syncRules = options.syncRules ?? (async () => false);
    this.turns = new AggregationTurns(lock);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * Stops passes and waits for the running one, at most `waitMs` (then it
   * is left behind: a database call that never answers must not hold a
   * shutdown up; what it wrote is finished by the journal at the next start).
   */
  async stop(waitMs = Infinity): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const running = this.running?.catch(() => undefined);
    if (!running) return;
    if (!Number.isFinite(waitMs)) return void (await running);
    await withDeadline(running, waitMs, 'the running aggregation pass').catch((err) => this.logger.warn({ err }, 'shutdown did not wait for the aggregation pass'));
  }

  /**
   * New events were stored: aggregate soon — but no sooner than `pollMs`
   * after the last pass started, so a stream of small flushes is merged
   * into passes (a pass costs ~10 commands whatever its size).
   */
  notify(): void {
    if (this.stopped || this.running || this.timer === null) return;
    const wait = Math.max(0, this.lastPassAt + this.pollMs - Date.now());
    if (wait === 0) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce()
        .catch((err) => this.logger.warn({ err }, 'aggregation pass failed; will retry'))
        .finally(() => {
          if (!this.stopped) this.schedule(this.pollMs);
        });
    }, ms);
    this.timer.unref();
  }

  /**
   * One pass: aggregates what is queued if this instance can take the lock.
   * Returns the queue entries processed. Never runs twice at once.
   */
  runOnce(): Promise<number> {
    if (!this.running) this.lastPassAt = Date.now();
    this.running ??= this.turns.inTurn(() => this.pass()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Waits until every event stored before the call is aggregated (tests,
   * CLI, shutdown). Throws after `timeoutMs`.
   */
  async settle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.runOnce();
      // Entries kept for events that never became visible (a flush cut by a
      // crash and not retried) do not hold a caller up.
      const left = await this.log.queue(this.queueBatch);
      if (left.every((q) => this.kept.has(q.queueId))) return;
      if (Date.now() > deadline) throw new Error('aggregation did not settle in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async pass(): Promise<number> {
    const queue = await this.log.queue(this.queueBatch);
    if (!queue.length) return 0;
    if (!(await this.lock.tryAcquire())) {
      // Another instance aggregates; this one still classifies what it
      // acknowledges (the trafficClass of a trackAccess answer): follow the
      // rule set every few seconds.
      if (Date.now() - this.rulesSyncedAt > RULES_SYNC_MS) {
        this.rulesSyncedAt = Date.now();
        if (await this.syncRules()) this.days.clear();
      }
      return 0;
    }
    const held = this.lock.heartbeat();
    try {
      await this.checkWriter();
      // Days in memory were tallied under the rules they were read with.
      this.rulesSyncedAt = Date.now();
      if (await this.syncRules()) this.days.clear();
      await this.usage.replayJournal();
      const byDay = new Map<string, QueueItem[]>();
      for (const q of await this.log.queue(this.queueBatch)) {
        if (!byDay.has(q.day)) byDay.set(q.day, []);
        byDay.get(q.day)!.push(q);
      }
      // Every day of the pass is tallied first and written in one go, so
      // totals move once per target per pass (not once per day).
      const work: DayWork[] = [];
      const keep = new Set<string>();
      for (const [day, entries] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
        held.check();
        const c = await this.days.collect(day, entries);
        for (const k of entriesToKeep(entries, c.incomplete)) keep.add(k.queueId);
        work.push(c.work);
      }
      held.check();
      await this.days.writeChanged(work);
      // A flush's entry goes once every day it names is aggregated; a kept
      // entry's other days are read again next time, which changes nothing
      // (a tally ignores the events it has; a rebuilt day writes only differences).
      const done = [...new Set([...byDay.values()].flat().map((e) => e.queueId))].filter((id) => !keep.has(id));
      this.kept = keep;
      await this.log.removeQueue(done);
      this.recent?.forget(done);
      await this.leaveMark();
      return done.length;
    } catch (err) {
      // Half-written state is finished by the journal; what is in memory
      // may not match what is stored: start over from the database.
      this.days.clear();
      this.lastMark = null;
      throw err;
    } finally {
      held.stop();
      await this.lock.release().catch(() => undefined);
    }
  }

  /**
   * Recomputes every day that has events (from `sinceDay`), or the `days`
   * given, from the log. `finish` runs after them, still holding the lock
   * (erasure resets totals there: src/privacy/erasure.service.ts).
   */
  async recount(
    opts: { sinceDay?: string; days?: readonly string[]; onDay?: (day: string, events: number) => void; finish?: () => Promise<void> } = {},
  ): Promise<{ days: number; events: number }> {
    return this.exclusively(async (held) => {
      let events = 0;
      const days = opts.days ? [...opts.days] : await this.log.days(opts.sinceDay);
      await this.usage.replayJournal();
      for (const day of days) {
        held.check();
        const n = await this.days.rebuildDay(day);
        this.days.forget(day);
        events += n;
        opts.onDay?.(day, n);
      }
      held.check();
      await opts.finish?.();
      await this.leaveMark();
      return { days: days.length, events };
    });
  }

  /**
   * Rebuilds every derived figure from the whole log into fresh collections
   * and swaps them in: inserts only, so a first load (demo) or a full
   * recount runs at insert speed. Queue entries present at the start are
   * covered by it; later ones are aggregated by the next pass (a day is then
   * rebuilt from the log and compared, so nothing is counted twice).
   */
  async rebuildAll(opts: { onDay?: (day: string, events: number) => void } = {}): Promise<{ days: number; events: number }> {
    return this.exclusively(async (held) => {
      let events = 0;
      const covered = await this.log.queue(1_000_000);
      const days = await this.log.days();
      const rebuild = await this.usage.rebuild();
      await rebuild.carryOver(days[0] ?? null);
      for (const day of days) {
        held.check();
        const tally = await this.days.tallyOf(day);
        await rebuild.addDay(tally.all().map((f) => ({ ...f, day })));
        events += tally.size;
        opts.onDay?.(day, tally.size);
      }
      held.check();
      await rebuild.finish((col, kind) => ensureUsageIndexes(col, kind));
      const coveredIds = [...new Set(covered.map((q) => q.queueId))];
      await this.log.removeQueue(coveredIds);
      this.recent?.forget(coveredIds);
      await this.leaveMark();
      return { days: days.length, events };
    });
  }

  /**
   * Runs `fn` in turn, holding the lock; the memory of days is dropped
   * around it (recounts and rebuilds change what is stored under it).
   */
  private exclusively<T>(fn: (held: { check(): void }) => Promise<T>): Promise<T> {
    return this.turns.holding(async (held) => {
      this.days.clear();
      try {
        await this.syncRules();
        return await fn(held);
      } finally {
        this.days.clear();
      }
    });
  }

  private async checkWriter(): Promise<void> {
    const mark = await this.state.readMark();
    if (mark !== this.lastMark) {
      this.days.clear();
      this.lastMark = null;
    }
  }

  private async leaveMark(): Promise<void> {
    const mark = randomBytes(8).toString('hex');
    await this.state.writeMark(mark);
    this.lastMark = mark;
  }
}

/**
 * The queue entries of a day to keep for the next pass: those whose index
 * names events not visible yet (`incomplete`, by index id).
 *
 * Why: a flush's `insertMany` is committed in several transactions (on
 * FerretDB, in batches; on MongoDB, per document), and its index and
 * queue entry are written first, so a pass may see an entry before all
 * its events. Such an entry is kept and read again (a tally ignores the
 * events it has) until its events appear, or for at most
 * {@link INCOMPLETE_ENTRY_MS} (a flush cut by a crash that was never
 * retried: its events were not acknowledged).
 */
function entriesToKeep(entries: readonly QueueItem[], incomplete: ReadonlySet<string>): QueueItem[] {
  const now = Date.now();
  return entries.filter((e) => incomplete.has(e.index) && (e.at ? now - e.at.getTime() : Infinity) < INCOMPLETE_ENTRY_MS);
}
