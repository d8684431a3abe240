import type { Collection } from 'mongodb';
import { DUPLICATE_KEY } from './bulk';

/** A held lock's renewal: `check()` throws once the lock was lost; `stop()` when the work is done. */
export interface LockHeartbeat {
  check(): void;
  stop(): void;
}

export interface LockDoc {
  _id: string;
  owner: string;
  until: Date;
}

/**
 * A lease-based mutex in a tiny collection. Acquiring is an insert (the
 * unique `_id` makes it atomic on any server); a holder that dies is
 * replaced once its lease has passed.
 *
 * Why it exists: the derived figures have one writer at a time (the
 * aggregator that holds this lock), on FerretDB — whose updates are a
 * read-modify-write in two statements — and on MongoDB alike. A holder
 * renews its lease while it works and stops writing when a renewal fails.
 */
export class DbLock {
  constructor(
    private readonly col: Collection<LockDoc>,
    private readonly name: string,
    private readonly owner: string,
    /** How long a holder keeps the lock without renewing, ms. */
    readonly leaseMs: number,
  ) {}

  /** One attempt: true when this owner now holds the lock (a fresh lease). */
  async tryAcquire(): Promise<boolean> {
    const now = new Date();
    // Taking over from ourselves (a lease we still hold) is a renewal.
    if (await this.renew()) return true;
    try {
      await this.col.insertOne({ _id: this.name, owner: this.owner, until: new Date(now.getTime() + this.leaseMs) });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
    }
    // The holder died or stalled past its lease: drop it, race once more.
    const dropped = await this.col.deleteOne({ _id: this.name, until: { $lt: now } });
    if (!dropped.deletedCount) return false;
    try {
      await this.col.insertOne({ _id: this.name, owner: this.owner, until: new Date(now.getTime() + this.leaseMs) });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
      return false;
    }
  }

  /**
   * Extends the lease of a lock we hold. False when we no longer hold it
   * (it expired and another owner took it): the caller must stop writing.
   */
  async renew(): Promise<boolean> {
    const r = await this.col.updateOne(
      { _id: this.name, owner: this.owner },
      { $set: { until: new Date(Date.now() + this.leaseMs) } },
    );
    return r.matchedCount === 1;
  }

  /**
   * Renews the lease every third of it while work runs (a day of a big
   * portal can take longer to read than a lease), so the lock is lost only
   * when this process stalls or the database is gone. `check()` throws once
   * a renewal failed: the work must stop writing.
   */
  heartbeat(): LockHeartbeat {
    let lost = false;
    const timer = setInterval(() => {
      this.renew().then(
        (ok) => {
          if (!ok) lost = true;
        },
        () => {
          lost = true;
        },
      );
    }, Math.max(100, Math.floor(this.leaseMs / 3)));
    timer.unref();
    const name = this.name;
    return {
      check() {
        if (lost) throw new Error(`lost the ${name} lock`);
      },
      stop() {
        clearInterval(timer);
      },
    };
  }

  async release(): Promise<void> {
    await this.col.deleteOne({ _id: this.name, owner: this.owner });
  }
}
