import type { Collection } from 'mongodb';
import { DUPLICATE_KEY } from './bulk';

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
 * Why it exists: FerretDB 1.24 applies an update as read-modify-write in two
 * statements, so two instances incrementing the same counter at once lose
 * one increment. On FerretDB, counter writes of all instances take this lock
 * (on MongoDB, `$inc` is atomic and no lock is used).
 */
export class DbLock {
  constructor(
    private readonly col: Collection<LockDoc>,
    private readonly name: string,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** Waits for the lock; throws after `timeoutMs`. */
  async acquire(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const now = new Date();
      try {
        await this.col.insertOne({ _id: this.name, owner: this.owner, until: new Date(now.getTime() + this.leaseMs) });
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
      }
      // The holder died: drop its expired lease, then race for the insert.
      await this.col.deleteOne({ _id: this.name, until: { $lt: now } });
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${this.name}`);
      await new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt) + Math.random() * 3));
    }
  }

  async release(): Promise<void> {
    await this.col.deleteOne({ _id: this.name, owner: this.owner });
  }
}
