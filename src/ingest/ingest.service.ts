import { randomUUID } from 'node:crypto';
import { ErrorCode, type ErrorCodeName } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { TrackEventInput } from '../domain/tracking';
import type { ResourceType } from '../domain/resources';
import type { Caller } from '../auth/caller';
import type { TrafficClass, TrafficClassifier } from '../counting/classify';
import { clickerKey, counterSessionKey } from '../counting/session';
import type { IngestRepository } from '../store/ingest.repository';
import type { DbLock } from '../store/db-lock';
import type { BatchEvent, EventDoc } from '../store/documents-ingest';
import { validateEvent, type EventLimits } from './validate-event';
import { type ClassifiedEvent, clickKey, decideCounting, markKey, stateKeysFor } from './counting-decisions';
import { counterDeltas } from './counter-deltas';
import { GroupCommitter } from './group-commit';

export type TrackStatus = 'RECORDED' | 'DUPLICATE' | 'REJECTED';

export interface TrackOutcome {
  index: number;
  eventId: string | null;
  status: TrackStatus;
  trafficClass: TrafficClass | null;
  error: { code: ErrorCodeName; message: string } | null;
}

/** Catalog look-ups ingestion needs (implemented by the catalog repository). */
export interface IngestCatalog {
  existingResourceIds(type: ResourceType, ids: readonly string[]): Promise<Set<string>>;
  /** Known users and whether each is flagged automated. */
  usersAutomated(ids: readonly string[]): Promise<Map<string, boolean>>;
}

export interface IngestOptions extends EventLimits {
  maxBatch: number;
  maxEventsPerRequest: number;
  /**
   * Serialize counter writes of all instances through a database lock.
   * Needed on FerretDB, whose updates are not atomic under concurrency.
   * Default false.
   */
  serializeWrites?: boolean;
  /**
   * How long a batch writer holds its batch without renewing, ms. A batch
   * whose lease expired is replayed by another flush. Default 30000.
   */
  leaseMs?: number;
}

/**
 * Accepts access events: validates, classifies, and hands them to the group
 * committer, which stores them with their counting decisions and applies
 * merged increments idempotently (see docs/design.md, "Ingestion").
 */
export class IngestService {
  private readonly committer: GroupCommitter<ClassifiedEvent, 'RECORDED' | 'DUPLICATE'>;
  private lastRepairCheck = 0;
  /** A flush of ours failed: repair before the next batch touches any counter. */
  private repairDue = false;
  /** Identifies this process as a batch lease holder. */
  private readonly instanceId = randomUUID();
  private readonly leaseMs: number;
  private readonly lock: DbLock | null;

  constructor(
    private readonly repo: IngestRepository,
    private readonly catalog: IngestCatalog,
    private readonly classifier: TrafficClassifier,
    private readonly options: IngestOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.committer = new GroupCommitter((items) => this.exclusive(() => this.flush(items)), { maxBatch: options.maxBatch });
    this.leaseMs = options.leaseMs ?? 30_000;
    this.lock = options.serializeWrites ? repo.lock('ingest', this.instanceId, this.leaseMs) : null;
  }

  /** Records events; one outcome per input, in order. */
  async track(inputs: readonly TrackEventInput[], caller: Caller): Promise<TrackOutcome[]> {
    if (inputs.length > this.options.maxEventsPerRequest) {
      throw new GatewayError(
        ErrorCode.TOO_MANY_EVENTS,
        `at most ${this.options.maxEventsPerRequest} events per request, got ${inputs.length}`,
      );
    }
    const now = this.clock();
    const outcomes: TrackOutcome[] = inputs.map((input, index) => ({
      index,
      eventId: input.eventId ?? null,
      status: 'REJECTED',
      trafficClass: null,
      error: null,
    }));
    const reject = (i: number, code: ErrorCodeName, message: string): void => {
      outcomes[i].error = { code, message };
    };

    const valid: { index: number; event: ReturnType<typeof validateEvent> & { ok: true } }[] = [];
    const seenIds = new Set<string>();
    inputs.forEach((input, index) => {
      const v = validateEvent(input, now, this.options);
      if (!v.ok) return reject(index, v.code, v.message);
      if (caller.kind === 'user' && caller.role === 'USER' && v.event.userId && v.event.userId !== caller.userId) {
        return reject(index, ErrorCode.FORBIDDEN, 'a USER key may only record its own accesses');
      }
      if (v.event.eventId) {
        if (seenIds.has(v.event.eventId)) {
          return reject(index, ErrorCode.DUPLICATE_IN_REQUEST, `eventId ${v.event.eventId} appears twice in this request`);
        }
        seenIds.add(v.event.eventId);
      }
      valid.push({ index, event: v });
    });

    // Resources and users are checked in one query per type.
    const byType = new Map<ResourceType, Set<string>>();
    const userIds = new Set<string>();
    for (const { event } of valid) {
      const e = event.event;
      if (!byType.has(e.resourceType)) byType.set(e.resourceType, new Set());
      byType.get(e.resourceType)!.add(e.resourceId);
      const uid = endUserOf(e.userId, caller);
      if (uid) userIds.add(uid);
    }
    const [existing, users] = await Promise.all([
      Promise.all([...byType].map(async ([t, ids]) => [t, await this.catalog.existingResourceIds(t, [...ids])] as const)),
      this.catalog.usersAutomated([...userIds]),
    ]);
    const existingByType = new Map(existing);

    const accepted: { index: number; event: ClassifiedEvent }[] = [];
    for (const { index, event } of valid) {
      const e = event.event;
      if (!existingByType.get(e.resourceType)?.has(e.resourceId)) {
        reject(index, ErrorCode.UNKNOWN_RESOURCE, `no ${e.resourceType} with id "${e.resourceId}"`);
        continue;
      }
      const userId = endUserOf(e.userId, caller);
      if (userId && !users.has(userId)) {
        reject(index, ErrorCode.UNKNOWN_USER, `no user with id "${userId}"`);
        continue;
      }
      const automated = (caller.kind === 'user' && caller.automated) || (userId ? users.get(userId) === true : false);
      const trafficClass = this.classifier.classify(e.userAgent, { automatedAccount: automated });
      const keyInput = {
        sessionId: e.sessionId,
        userId,
        ipAddress: e.ipAddress,
        userAgent: e.userAgent,
        timestamp: e.timestamp,
      };
      accepted.push({
        index,
        event: {
          eventId: e.eventId ?? `gen-${randomUUID()}`,
          resourceType: e.resourceType,
          resourceId: e.resourceId,
          action: e.action,
          userId,
          timestamp: e.timestamp,
          trafficClass,
          sessionKey: counterSessionKey(keyInput),
          clickerKey: clickerKey(keyInput),
        },
      });
    }

    if (accepted.length) {
      let statuses: ('RECORDED' | 'DUPLICATE')[];
      try {
        statuses = await this.committer.submit(accepted.map((a) => a.event));
      } catch (err) {
        throw new GatewayError(
          ErrorCode.DATABASE_UNAVAILABLE,
          'the events could not be stored; nothing was acknowledged, retry with the same eventIds',
        );
      }
      accepted.forEach((a, i) => {
        const o = outcomes[a.index];
        o.status = statuses[i];
        o.eventId = a.event.eventId;
        o.trafficClass = a.event.trafficClass;
      });
    }
    return outcomes;
  }

  /** Flushes everything queued (graceful shutdown). */
  drain(): Promise<void> {
    return this.committer.drain();
  }

  private leaseUntil(): Date {
    return new Date(this.clock().getTime() + this.leaseMs);
  }

  /** A chunk guard: renews the lease, or aborts when another instance took the batch. */
  private leaseGuard(batchId: string): () => Promise<void> {
    // Renewed once a third of the lease has passed: a quick flush never
    // renews, a slow one keeps its batch.
    let renewedAt = this.clock().getTime();
    return async () => {
      const now = this.clock().getTime();
      if (now - renewedAt < this.leaseMs / 3) return;
      if (!(await this.repo.renewLease(batchId, this.instanceId, this.leaseUntil()))) {
        throw new Error(`lost the lease of batch ${batchId}; another instance completes it`);
      }
      renewedAt = now;
    };
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.lock) return fn();
    await this.lock.acquire(this.leaseMs * 2);
    try {
      return await fn();
    } finally {
      await this.lock.release().catch(() => undefined);
    }
  }

  /** Replays batches whose writer died or stalled past its lease. Idempotent. */
  async repairPending(): Promise<number> {
    // The periodic check usually finds nothing: only then is the
    // cross-instance lock worth taking.
    if (!(await this.repo.expiredBatchIds(this.clock())).length) return 0;
    return this.exclusive(() => this.repairExpired());
  }

  private async repairExpired(): Promise<number> {
    const ids = await this.repo.expiredBatchIds(this.clock());
    let repaired = 0;
    for (const id of ids) if (await this.repairBatch(id)) repaired++;
    return repaired;
  }

  private async repairBatch(batchId: string): Promise<boolean> {
    const now = this.clock();
    const batch = await this.repo.claimExpired(batchId, this.instanceId, now, this.leaseUntil());
    if (!batch) return false;
    // An event counts in this batch only if its dedup record names this
    // batch; a missing record (crash before it was written) is written now.
    const records = new Map((await this.repo.findEvents(batch.events.map((e) => e._id))).map((r) => [r._id, r]));
    const missing = batch.events.filter((e) => !records.has(e._id));
    if (missing.length) {
      await this.repo.insertEvents(missing.map((e) => this.eventRecord(e, batchId, batch.createdAt)));
      for (const r of await this.repo.findEvents(missing.map((e) => e._id))) records.set(r._id, r);
    }
    const mine = batch.events.filter((e) => records.get(e._id)?.batchId === batchId);
    const { clickUpdates, marks } = decisionStateOf(mine);
    await this.repo.writeDecisionState(clickUpdates, marks, now);
    await this.repo.applyMissingCounters(batchId, counterDeltas(mine), this.leaseGuard(batchId));
    await this.repo.closeBatch(batchId);
    return true;
  }

  private eventRecord(e: BatchEvent, batchId: string, receivedAt: Date): EventDoc {
    // The dedup record keeps the decisions, not the hashed session keys.
    const { sessionKey: _s, clickerKey: _c, ...record } = e;
    return { ...record, batchId, receivedAt };
  }

  private async flush(items: ClassifiedEvent[]): Promise<('RECORDED' | 'DUPLICATE')[]> {
    const now = this.clock();
    // After a failure of our own the repair runs first, so the batch marks
    // a replay relies on are still in every counter it touched.
    if (this.repairDue || now.getTime() - this.lastRepairCheck > 1000) {
      this.lastRepairCheck = now.getTime();
      await this.repairExpired();
      this.repairDue = false;
    }
    // Short ids: every counter document keeps the last BATCH_MARKS of them.
    const batchId = `${now.getTime().toString(36)}${randomUUID().slice(0, 8)}`;

    // The same eventId twice in one flush (concurrent retries): the first
    // occurrence is recorded, the others are duplicates.
    const first = new Map<string, number>();
    const unique: ClassifiedEvent[] = [];
    items.forEach((e, i) => {
      if (!first.has(e.eventId)) {
        first.set(e.eventId, i);
        unique.push(e);
      }
    });

    const keys = stateKeysFor(unique);
    const state = await this.repo.loadDecisionState(keys.clickKeys, keys.markKeys);
    const decisions = decideCounting(unique, state);
    const batchEvents: BatchEvent[] = decisions.events.map(({ eventId, ...rest }) => ({ _id: eventId, ...rest }));

    // Write-ahead: the batch, with its decisions, is stored before any of
    // its effects, so a crash at any later point is replayed exactly.
    await this.repo.openBatch({
      _id: batchId,
      owner: this.instanceId,
      leaseUntil: this.leaseUntil(),
      createdAt: now,
      events: batchEvents,
    });
    let dupIds: Set<string>;
    try {
      const dupIdx = await this.repo.insertEvents(batchEvents.map((e) => this.eventRecord(e, batchId, now)));
      const fresh = batchEvents.filter((_, i) => !dupIdx.has(i));
      dupIds = new Set(batchEvents.filter((_, i) => dupIdx.has(i)).map((e) => e._id));
      const implied = decisionStateOf(fresh);
      await this.repo.writeDecisionState(implied.clickUpdates, implied.marks, now, new Set(state.lastClicks.keys()));
      await this.repo.applyCounters(batchId, counterDeltas(fresh), this.leaseGuard(batchId));
      await this.repo.closeBatch(batchId);
    } catch (err) {
      // Let any instance replay the batch now rather than when the lease
      // runs out (best effort: the database may be the thing that failed).
      await this.repo.releaseLease(batchId, this.instanceId).catch(() => undefined);
      this.repairDue = true;
      throw err;
    }

    if (dupIds.size) {
      // A retried event whose first batch never finished (crash, outage) is
      // completed now when its lease has expired, so the retry's
      // acknowledgement is truthful.
      const previous = await this.repo.findEvents([...dupIds]);
      for (const b of new Set(previous.map((p) => p.batchId))) {
        if (b !== batchId && (await this.repo.isBatchOpen(b))) await this.repairBatch(b);
      }
    }

    return items.map((e, i) => (first.get(e.eventId) === i && !dupIds.has(e.eventId) ? 'RECORDED' : 'DUPLICATE'));
  }
}

/** Whose access an event is: the stated user, else a USER key's own user (trackers and admins state it). */
function endUserOf(stated: string | null | undefined, caller: Caller): string | null {
  return stated ?? (caller.kind === 'user' && caller.role === 'USER' ? caller.userId : null);
}

/** The click times and session marks a set of decided events implies. */
function decisionStateOf(events: readonly BatchEvent[]): { clickUpdates: Map<string, Date>; marks: string[] } {
  const clickUpdates = new Map<string, Date>();
  const marks: string[] = [];
  for (const e of events) {
    if (e.trafficClass === 'robot') continue;
    const k = clickKey(e);
    const cur = clickUpdates.get(k);
    if (!cur || cur < e.timestamp) clickUpdates.set(k, e.timestamp);
    if (e.uniqueInvestigation) marks.push(markKey(e, 'I'));
    if (e.uniqueRequest) marks.push(markKey(e, 'R'));
  }
  return { clickUpdates, marks };
}
