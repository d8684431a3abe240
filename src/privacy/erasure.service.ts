/**
 * Erasure and access requests of one end user (GDPR art. 17 and 15): the
 * `forget` and `export` operator commands (privacy-cli.ts) and the ADMIN
 * mutations (src/graphql/privacy.resolver.ts) share this service.
 *
 * An end user is a user id or a user cookie **of one sender**: ids and
 * cookies are opaque values of the portal that sends them, so one portal's
 * "reader-1" is not another's. A request names the sender, or says
 * explicitly that it covers every sender.
 *
 * `forget` removes the events from the event log with every trace the log
 * keeps, recounts the days they were in, resets the all-time totals they
 * counted in to what a rebuild would give, and says what changed. Every
 * request leaves an audit record (privacy-audit.repository.ts) and a log
 * line, neither naming the person.
 */
import type { Logger } from 'pino';
import { COUNTER_FIELDS } from '../domain/counters';
import type { LoggedEvent } from '../domain/logged-event';
import { isValidId, ID_RULE } from '../domain/ids';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { INCOMPLETE_ENTRY_MS, type Aggregator } from '../aggregate/aggregator';
import type { EventLogRepository } from '../store/event-log.repository';
import { indexDaysOf } from '../ingest/day-index';
import type { ErasureRepository, EventTrace } from '../store/erasure.repository';
import { newReceipt, type PrivacyAuditDoc, type PrivacyAuditRepository } from '../store/privacy-audit.repository';
import { changedCounters, eventsPerDay, eventsPerSender, madeFromCookie, targetsOf, type CounterChange } from './end-user-match';

/** How long `forget` waits for the person's queued events to be aggregated, ms (a flush cut short is dropped from the queue after INCOMPLETE_ENTRY_MS). */
const AGGREGATION_WAIT_MS = INCOMPLETE_ENTRY_MS + 30_000;

/** Longest user cookie accepted, characters (the tracking API's own limit is far below). */
export const MAX_COOKIE_LENGTH = 4096;

/** Whose events a request is about. */
export interface EndUserSelector {
  /** The portal's user id (`LoggedEvent.userId`). */
  userId?: string | null;
  /** The user cookie the portal sent (`userCookie`); matched through the keys. */
  cookie?: string | null;
  /** The sender (the user behind the API key that sent the events). */
  sender?: string | null;
  /** Every sender instead of one; exclusive with `sender`. Default false. */
  allSenders?: boolean;
}

/** Who asks: an admin's user id through GraphQL, or an operator at the command line. */
export interface PrivacyActor {
  by: string;
  via: 'graphql' | 'cli';
}

export interface ForgetSummary {
  /** The audit record's id, to give to the person or file with the request. */
  receipt: string;
  /** Nothing was removed: what would be. */
  dryRun: boolean;
  /** The sender; null: every sender. */
  sender: string | null;
  events: number;
  perDay: { day: string; events: number }[];
  perSender: { sender: string; events: number }[];
  /** Days recounted (their own, and the day before for events of a day's first 30 s). */
  daysRecounted: string[];
  /** All-time figures of the resources the events counted for, before → after (changed counters only; a dry run: none). */
  resources: { resourceType: string; resourceId: string; changes: CounterChange[] }[];
  /** Per-user all-time figures left with nothing, hence deleted. */
  userFiguresRemoved: number;
  /** For a cookie: the first day whose events can still be linked to it (null: no day secret exists). */
  cookieLinkableFrom: string | null;
}

export interface EndUserExport {
  receipt: string;
  /** Every stored field of each event, oldest first. */
  events: LoggedEvent[];
  cookieLinkableFrom: string | null;
}

interface Resolved {
  userId: string | null;
  cookie: string | null;
  sender: string | null;
}

export class ErasureService {
  constructor(
    private readonly repo: ErasureRepository,
    private readonly audit: PrivacyAuditRepository,
    private readonly eventLog: EventLogRepository,
    private readonly aggregator: Aggregator,
    private readonly logger: Logger,
  ) {}

  /** Removes one end user's events and recounts (`dryRun`: only says what it would remove). */
  async forget(sel: EndUserSelector, actor: PrivacyActor, opts: { dryRun?: boolean; onDay?: (day: string, events: number) => void } = {}): Promise<ForgetSummary> {
    const who = await this.resolve(sel);
    return this.audited(opts.dryRun ? 'forget-dry-run' : 'forget', actor, who, async (receipt) => {
      const summary = await this.forgetNow(who, receipt, opts);
      return { result: summary, events: summary.events, days: summary.daysRecounted.length };
    });
  }

  private async forgetNow(who: Resolved, receipt: string, opts: { dryRun?: boolean; onDay?: (day: string, events: number) => void }): Promise<ForgetSummary> {
    const found = await this.find(who);
    if (!opts.dryRun && found.events.length) await this.aggregated(new Set(found.events.map((e) => e._id)));
    const { events } = found;
    const targets = targetsOf(events);
    const before = await this.repo.totals(targets);
    let daysRecounted: string[] = [];
    let after = before;
    if (!opts.dryRun && events.length) {
      const removed = await this.repo.removeEvents(events.map((e) => ({ _id: e._id, indexDays: indexDaysOf(e.t) })));
      daysRecounted = removed.days;
      await this.aggregator.recount({ days: removed.days, onDay: opts.onDay, finish: () => this.repo.resetTotals(targets) });
      after = await this.repo.totals(targets);
    }
    return {
      receipt,
      dryRun: opts.dryRun ?? false,
      sender: who.sender,
      events: events.length,
      perDay: eventsPerDay(events),
      perSender: eventsPerSender(events),
      daysRecounted,
      resources: before
        .map((b, i) => ({ b, a: after[i] }))
        .filter(({ b }) => b.userId === null)
        .map(({ b, a }) => ({ resourceType: b.resourceType, resourceId: b.resourceId, changes: changedCounters(b.counters, a.counters, COUNTER_FIELDS) })),
      userFiguresRemoved: opts.dryRun ? 0 : after.filter((a, i) => a.userId !== null && COUNTER_FIELDS.every((f) => a.counters[f] === 0) && COUNTER_FIELDS.some((f) => before[i].counters[f] !== 0)).length,
      cookieLinkableFrom: found.cookieLinkableFrom,
    };
  }

  /**
   * Waits until no queued day index names one of `keys`. Why: an event
   * still queued may sit in the memory of the instance that stored it
   * (src/aggregate/recent-flushes.ts) and be counted from there after it is
   * deleted. Aggregated, it is read from the log only. Only the person's
   * own events are waited for: a busy gateway's queue is never empty.
   */
  private async aggregated(keys: ReadonlySet<string>): Promise<void> {
    const deadline = Date.now() + AGGREGATION_WAIT_MS;
    while (await this.repo.queuedAmong(keys)) {
      if (Date.now() > deadline) {
        throw new GatewayError(ErrorCode.DATABASE_UNAVAILABLE, 'some of these events are still waiting to be aggregated; nothing was removed, try again in a few minutes');
      }
      // Aggregates here when this process gets the lock; else another instance is at it.
      await this.aggregator.runOnce();
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Every stored field of one end user's events. */
  async export(sel: EndUserSelector, actor: PrivacyActor): Promise<EndUserExport> {
    const who = await this.resolve(sel);
    return this.audited('export', actor, who, async (receipt) => {
      const found = await this.find(who);
      const events = (await this.eventLog.events(found.events.map((e) => e._id))).sort((a, b) => a.t.getTime() - b.t.getTime() || a._id.localeCompare(b._id));
      return { result: { receipt, events, cookieLinkableFrom: found.cookieLinkableFrom }, events: events.length, days: 0 };
    });
  }

  /** The latest audit records, newest first (ADMIN). */
  auditTrail(limit: number): Promise<PrivacyAuditDoc[]> {
    return this.audit.latest(limit);
  }

  /** The request checked: ids well formed, the sender known, one identifier at least. */
  private async resolve(sel: EndUserSelector): Promise<Resolved> {
    const userId = sel.userId ?? null;
    const cookie = sel.cookie ?? null;
    if (userId === null && cookie === null) throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'name the end user: a user id, a user cookie, or both');
    if (userId !== null && !isValidId(userId)) throw new GatewayError(ErrorCode.INVALID_ID, `user id ${JSON.stringify(userId)} cannot be stored: ${ID_RULE}`);
    if (cookie !== null && cookie.trim() === '') throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'the user cookie is empty');
    if (cookie !== null && cookie.length > MAX_COOKIE_LENGTH) throw new GatewayError(ErrorCode.VALUE_OUT_OF_RANGE, `the user cookie is longer than ${MAX_COOKIE_LENGTH} characters`);
    const sender = sel.sender ?? null;
    if (sender === null && !sel.allSenders) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        'name the sender whose end user this is (user ids and cookies are per sender: one portal\'s "reader-1" is not another\'s), or ask for every sender explicitly',
      );
    }
    if (sender !== null && sel.allSenders) throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'name one sender or every sender, not both');
    if (sender !== null) {
      if (!isValidId(sender)) throw new GatewayError(ErrorCode.INVALID_ID, `sender ${JSON.stringify(sender)} is no user id: ${ID_RULE}`);
      if (!(await this.repo.userExists(sender)) && !(await this.repo.hasEventsOf(sender))) {
        throw new GatewayError(ErrorCode.UNKNOWN_USER, `unknown sender "${sender}": no such user, and no events sent by one`);
      }
    }
    return { userId, cookie: cookie === null ? null : cookie.trim(), sender };
  }

  /** The end user's events: by user id, by cookie, or both (each event once). */
  private async find(who: Resolved): Promise<{ events: EventTrace[]; cookieLinkableFrom: string | null }> {
    const byKey = new Map<string, EventTrace>();
    if (who.userId !== null) for (const e of await this.repo.eventsOfUser(who.userId, who.sender)) byKey.set(e._id, e);
    let cookieLinkableFrom: string | null = null;
    if (who.cookie !== null) {
      const secrets = await this.repo.daySecrets();
      cookieLinkableFrom = [...secrets.keys()].sort()[0] ?? null;
      const secretOf = (day: string) => secrets.get(day) ?? null;
      for await (const e of this.repo.eventsWithoutUser(who.sender)) {
        if (madeFromCookie(e, who.cookie, secretOf)) byKey.set(e._id, e);
      }
    }
    return { events: [...byKey.values()].sort((a, b) => a.t.getTime() - b.t.getTime() || a._id.localeCompare(b._id)), cookieLinkableFrom };
  }

  /**
   * Runs a request between two audit writes: a record marked `running`
   * before anything is read (so a request that fails, or outlasts its HTTP
   * time budget, is on record too), then its outcome.
   */
  private async audited<T>(action: PrivacyAuditDoc['action'], actor: PrivacyActor, who: Resolved, fn: (receipt: string) => Promise<{ result: T; events: number; days: number }>): Promise<T> {
    const doc: PrivacyAuditDoc = {
      _id: newReceipt(),
      at: new Date(),
      action,
      by: actor.by,
      via: actor.via,
      sender: who.sender,
      identifiers: [...(who.userId !== null ? ['userId' as const] : []), ...(who.cookie !== null ? ['cookie' as const] : [])],
      status: 'running',
      finishedAt: null,
      events: 0,
      daysRecounted: 0,
    };
    await this.audit.record(doc);
    this.logger.info({ privacyAudit: doc }, 'privacy request %s: %s started by %s (%s)', doc._id, action, actor.by, actor.via);
    try {
      const r = await fn(doc._id);
      const outcome = { status: 'done' as const, finishedAt: new Date(), events: r.events, daysRecounted: r.days };
      await this.audit.finish(doc._id, outcome);
      this.logger.info({ privacyAudit: { ...doc, ...outcome } }, 'privacy request %s: %s of %d events done', doc._id, action, r.events);
      return r.result;
    } catch (err) {
      // The message is logged, not stored: a database error may quote a filter.
      await this.audit.finish(doc._id, { status: 'failed', finishedAt: new Date() }).catch(() => undefined);
      this.logger.error({ err, privacyAudit: { _id: doc._id, action } }, 'privacy request %s: %s failed', doc._id, action);
      throw err;
    }
  }
}
