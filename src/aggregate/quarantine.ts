import type { Logger } from 'pino';
import { MAX_RAW, type QuarantineRecord } from '../store/quarantine.repository';
import { quarantineId } from '../store/storage-keys';
import type { EventProblem } from './stored-event-check';

export interface QuarantineStore {
  add(records: readonly QuarantineRecord[]): Promise<void>;
  list(limit: number, afterKey?: string): Promise<QuarantineRecord[]>;
  count(): Promise<number>;
}

/**
 * Records the stored events the aggregator skips (see
 * stored-event-check.ts), so an operator learns of them (`/metrics`,
 * `usage-gateway quarantine list`) instead of a pass failing for good.
 *
 * Why the record is written in the background: the aggregator meets a bad
 * event in the middle of tallying (synchronous code) and must go on with the
 * others; the write is an insert keyed by the event, so writing it again
 * (another pass, another instance) changes nothing. An event is recorded
 * once per process; a failed write is retried at the next record or
 * {@link flush}.
 */
export class Quarantine {
  /** Event keys recorded (stored) by this process. */
  private readonly stored = new Set<string>();
  private pending = new Map<string, QuarantineRecord>();
  private writing: Promise<void> | null = null;

  constructor(
    private readonly repo: QuarantineStore,
    private readonly logger: Logger,
    /** Most event keys remembered as recorded; beyond, a key may be written again (a no-op). Default 100000. */
    private readonly maxRemembered = 100_000,
  ) {}

  /** Quarantines a stored event (any document; never throws). */
  record(event: unknown, problem: EventProblem): void {
    const key = keyOf(event);
    if (this.stored.has(key)) return;
    if (!this.pending.has(key)) {
      this.pending.set(key, { _id: quarantineId(key), eventKey: key, code: problem.code, reason: problem.message, at: new Date(), raw: rawOf(event) });
      this.logger.warn({ event: key, code: problem.code, reason: problem.message }, 'stored event quarantined: it is not counted');
    }
    this.writing ??= this.write();
  }

  /** Waits until every event recorded so far is stored; throws when a write fails. */
  async flush(): Promise<void> {
    while (this.writing || this.pending.size) {
      this.writing ??= this.write();
      const w = this.writing;
      await w;
      if (this.pending.size && !this.writing) throw new Error('quarantine records could not be stored');
    }
  }

  list(limit: number, afterKey?: string): Promise<QuarantineRecord[]> {
    return this.repo.list(limit, afterKey);
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  private async write(): Promise<void> {
    // Let the pass that found the event go on first; records found in the
    // same pass then share one insert.
    await new Promise((r) => setImmediate(r));
    const batch = this.pending;
    this.pending = new Map();
    let ok = false;
    try {
      await this.repo.add([...batch.values()]);
      ok = true;
      if (this.stored.size + batch.size > this.maxRemembered) this.stored.clear();
      for (const k of batch.keys()) this.stored.add(k);
    } catch (err) {
      for (const [k, r] of batch) if (!this.pending.has(k)) this.pending.set(k, r);
      this.logger.warn({ err }, 'quarantine records not stored; will retry');
    } finally {
      // Records that came while this write ran go next; after a failure,
      // at the next record or flush (not in a loop against a database that is down).
      this.writing = ok && this.pending.size ? this.write() : null;
    }
  }
}

function keyOf(event: unknown): string {
  const id = (event as { _id?: unknown } | null)?._id;
  return typeof id === 'string' ? id : String(id);
}

function rawOf(event: unknown): string {
  try {
    const json = JSON.stringify(event) ?? String(event);
    return json.length > MAX_RAW ? `${json.slice(0, MAX_RAW - 1)}…` : json;
  } catch {
    return String(event).slice(0, MAX_RAW);
  }
}
