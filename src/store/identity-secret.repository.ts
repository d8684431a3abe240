import { randomBytes } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Store } from './store';
import { DUPLICATE_KEY } from './bulk';
import { daySecretsBefore } from './storage-keys';

/** One UTC day's identity-key secret (src/counting/identity.ts `hashKey`). */
export interface IdentitySecretDoc {
  /** The day, `YYYY-MM-DD`: read and deleted by `_id` (FerretDB answers from its index). */
  _id: string;
  /** 32 random bytes, base64url. */
  secret: string;
  createdAt: Date;
}

/** Bytes of a day secret: as wide as SHA-256's output, the least RFC 2104 recommends for an HMAC key. */
export const SECRET_BYTES = 32;

/**
 * The secrets the double-click and session keys of each UTC day are made
 * with, in the `identity_secrets` collection, one document per day.
 *
 * Why in the database, never in the environment: every instance must key a
 * day's events with the same secret (a double click split across two
 * instances is still one), and a secret must be destroyable on schedule;
 * a value in every instance's environment is neither shared by
 * construction nor ever destroyed.
 */
export class IdentitySecretRepository {
  private readonly col: Collection<IdentitySecretDoc>;

  constructor(store: Store) {
    this.col = store.db.collection<IdentitySecretDoc>('identity_secrets');
  }

  /**
   * The day's secret, created if it has none. Two instances creating it at
   * once: the unique `_id` lets one insert win, and the other reads the
   * winner's — so every instance uses one secret per day.
   */
  async getOrCreate(day: string): Promise<Buffer> {
    const found = await this.col.findOne({ _id: day });
    if (found) return Buffer.from(found.secret, 'base64url');
    const doc: IdentitySecretDoc = { _id: day, secret: randomBytes(SECRET_BYTES).toString('base64url'), createdAt: new Date() };
    try {
      await this.col.insertOne(doc);
      return Buffer.from(doc.secret, 'base64url');
    } catch (err) {
      if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
      const winner = await this.col.findOne({ _id: day });
      if (!winner) throw new Error(`the identity secret of ${day} was created and deleted at once; retry`);
      return Buffer.from(winner.secret, 'base64url');
    }
  }

  /** Destroys the secrets of every day before `day` (`YYYY-MM-DD`); returns how many. */
  async deleteBefore(day: string): Promise<number> {
    const r = await this.col.deleteMany({ _id: daySecretsBefore(day) });
    return r.deletedCount;
  }

  /** The days that have a secret, oldest first (tests, operators). */
  async days(): Promise<string[]> {
    const docs = await this.col.find({}, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray();
    return docs.map((d) => d._id);
  }
}
