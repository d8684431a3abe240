/**
 * Reduces stored user agents once their day has left the identity-key
 * window (issue 19, item 2): each event of such a day loses its
 * `userAgent`; its traffic class, as the counting rules in force classify
 * it then, is stored with the rules version (`uaRules`), and recounts keep
 * that class (src/privacy/stored-form.ts `countedClass`). Skipped entirely
 * with `KEEP_USER_AGENT=true`.
 *
 * Cost (scripts/measure-ua-reduce.ts, embedded FerretDB, docs/counting.md
 * "Reduced user agents"): an update is a read-modify-write of each
 * document whatever the command, so one `updateMany` per class per 1,000
 * keys is as fast as per-document updates or faster, in far fewer
 * commands; end to end ~200–250 events/s on a loaded 2-core machine, so a
 * day of 100,000 events takes minutes. A run stops after its time budget
 * and the next resumes from the bookmark.
 *
 * Safe with several instances and beside recounts: each chunk is reduced
 * holding the aggregation lock, with the counting rules read under it, so
 * the class stored is the one every writer counts the event with, and no
 * `refresh-rules` recount can run between deciding a class and storing it.
 *
 * @packageDocumentation
 */
import type { TrafficClass } from '../domain/logged-event';
import type { DbLock } from '../store/db-lock';
import type { EventLogRepository } from '../store/event-log.repository';
import type { AgentReductionRepository } from '../store/agent-reduction.repository';
import { firstKeptSecretDay } from '../ingest/day-secrets';
import { reductionPlan } from './stored-form';

/** The counting rules as the reducer needs them (a `CountingRules` of its own: syncing the aggregator's would hide a rules change from it). */
export interface ReducerRules {
  sync(): Promise<boolean>;
  readonly version: number | null;
  classify(userAgent: string | null | undefined, opts?: { automatedAccount?: boolean }): TrafficClass;
}

export interface AgentReducerOptions {
  /** The identity-key window, days (`identityKeyWindowDays(config)`): days before it accept no event any more. */
  windowDays: number;
  /** `KEEP_USER_AGENT`: never reduce. */
  keepUserAgent: boolean;
  /** Events read per hold of the aggregation lock. Default 2000 (~3 s of updates). */
  chunkEvents?: number;
  /** Longest one run works, ms; the next run resumes. Default 600000 (10 min). */
  budgetMs?: number;
  /** Longest a chunk waits for the aggregation lock, ms. Default 120000. */
  lockWaitMs?: number;
}

export interface ReductionRun {
  /** Days finished by this run. */
  days: number;
  /** Events whose agent this run removed. */
  events: number;
  /** The bookmark after the run: every day up to it is reduced (null: none yet). */
  lastDay: string | null;
  /** False when the budget ran out with reducible days left. */
  complete: boolean;
}

export class AgentReducer {
  private readonly chunkEvents: number;
  private readonly budgetMs: number;
  private readonly lockWaitMs: number;

  constructor(
    private readonly repo: AgentReductionRepository,
    private readonly log: EventLogRepository,
    private readonly rules: ReducerRules,
    /** The aggregation lock (its name, a process-unique owner). */
    private readonly lock: DbLock,
    private readonly opts: AgentReducerOptions,
  ) {
    this.chunkEvents = opts.chunkEvents ?? 2000;
    this.budgetMs = opts.budgetMs ?? 600_000;
    this.lockWaitMs = opts.lockWaitMs ?? 120_000;
  }

  /** Reduces every reducible day after the bookmark, oldest first, within the budget. */
  async run(now: Date = new Date(), onEvents: (n: number) => void = () => undefined): Promise<ReductionRun> {
    let lastDay = await this.repo.lastReducedDay();
    const out: ReductionRun = { days: 0, events: 0, lastDay, complete: true };
    if (this.opts.keepUserAgent) return out;
    const before = firstKeptSecretDay(now, this.opts.windowDays);
    const deadline = Date.now() + this.budgetMs;
    for (;;) {
      const day = await this.repo.nextDayWithEvents(lastDay);
      if (day === null || day >= before) break;
      const finished = await this.reduceDay(day, deadline, (n) => {
        out.events += n;
        onEvents(n);
      });
      if (!finished) {
        out.complete = false;
        break;
      }
      // Days are done in order, so the bookmark only moves forward; a
      // crash before this write redoes the day, finding nothing left.
      await this.repo.setLastReducedDay(day, now);
      lastDay = day;
      out.lastDay = day;
      out.days++;
    }
    return out;
  }

  /**
   * Reduces the given days that are past the window now, whatever the
   * bookmark: an import (`import-events`, `import-logs --historical`) can
   * store events in days the reducer has already passed. Returns the
   * events reduced.
   */
  async reduceDays(days: Iterable<string>, now: Date = new Date()): Promise<number> {
    if (this.opts.keepUserAgent) return 0;
    const before = firstKeptSecretDay(now, this.opts.windowDays);
    let events = 0;
    for (const day of [...new Set(days)].filter((d) => d < before).sort()) {
      await this.reduceDay(day, Infinity, (n) => {
        events += n;
      });
    }
    return events;
  }

  /** True when the whole day was reduced before the deadline. */
  private async reduceDay(day: string, deadline: number, onEvents: (n: number) => void): Promise<boolean> {
    let keys: string[] = [];
    for await (const idx of this.log.dayIndexes(day)) {
      for (const k of idx.keys) keys.push(k);
      if (keys.length >= this.chunkEvents) {
        onEvents(await this.reduceChunk(day, keys));
        keys = [];
        if (Date.now() > deadline) return false;
      }
    }
    if (keys.length) onEvents(await this.reduceChunk(day, keys));
    return true;
  }

  private async reduceChunk(day: string, keys: readonly string[]): Promise<number> {
    const waitUntil = Date.now() + this.lockWaitMs;
    while (!(await this.lock.tryAcquire())) {
      if (Date.now() > waitUntil) throw new Error('the aggregation lock stayed busy; user agents are reduced at the next run');
      await new Promise((r) => setTimeout(r, 200));
    }
    const held = this.lock.heartbeat();
    try {
      await this.rules.sync();
      const version = this.rules.version ?? 0;
      const plan = reductionPlan(day, await this.log.events(keys), (ua, automated) => this.rules.classify(ua, { automatedAccount: automated }));
      let n = 0;
      for (const [cls, ids] of plan) {
        held.check();
        n += await this.repo.reduce(ids, cls, version);
      }
      return n;
    } finally {
      held.stop();
      await this.lock.release().catch(() => undefined);
    }
  }
}
