import type { DbLock, LockHeartbeat } from '../store/db-lock';

/** How long a recount or a rebuild waits for the aggregation lock, ms. */
const LOCK_WAIT_MS = 120_000;

/**
 * The order in which one aggregator's passes, recounts and rebuilds run.
 * They hold the aggregation lock under one owner id, so the lock alone
 * cannot keep them apart: taking it again is a renewal, and the first to
 * finish would release it under the other, which then stops with "lost the
 * lock" (a `forget` recounting inside a serving gateway did). So within a
 * process they take turns, and the lock keeps other processes out.
 */
export class AggregationTurns {
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly lock: DbLock) {}

  /** Runs `fn` once every earlier turn has ended (failed turns included). */
  inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** In turn, runs `fn` holding the lock (waiting up to 2 minutes for it), with the heartbeat that renews it. */
  holding<T>(fn: (held: LockHeartbeat) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      const deadline = Date.now() + LOCK_WAIT_MS;
      while (!(await this.lock.tryAcquire())) {
        if (Date.now() > deadline) throw new Error('the aggregation lock stayed busy for 2 minutes');
        await new Promise((r) => setTimeout(r, 200));
      }
      const held = this.lock.heartbeat();
      try {
        return await fn(held);
      } finally {
        held.stop();
        await this.lock.release().catch(() => undefined);
      }
    });
  }
}
