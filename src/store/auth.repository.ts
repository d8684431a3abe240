import { MongoServerError } from 'mongodb';
import type { Store } from './store';
import type { UserDoc } from './catalog.documents';
import type { ApiKeyDoc } from './api-key.documents';
import { DUPLICATE_KEY } from './bulk';
import type { Caller } from '../domain/caller';
import { generateApiKey, hashApiKey } from '../domain/api-keys';
import { TtlCache } from '../util/ttl-cache';

/** Users, their API keys, and the callers those keys stand for. */
export class AuthRepository {
  /** Callers by key hash (null: unknown or revoked), so a request costs no look-up. */
  private readonly callers: TtlCache<string, Caller | null>;

  /**
   * @param cacheTtlMs - how long a resolved key is trusted, ms; a key revoked
   *   on another instance stops working within this time. 0 disables the
   *   cache (`CACHE_TTL_MS`).
   */
  constructor(
    private readonly store: Store,
    cacheTtlMs: number,
  ) {
    this.callers = new TtlCache(cacheTtlMs, 10_000);
  }

  /** Forgets cached callers (a key, user or space changed on this instance). */
  invalidate(): void {
    this.callers.clear();
  }

  /** The caller for a presented key, or null when the key is unknown or revoked. */
  async callerForKey(key: string): Promise<Caller | null> {
    const hash = hashApiKey(key);
    const cached = this.callers.get(hash);
    if (cached !== undefined) return cached;
    const caller = await this.loadCaller(hash);
    this.callers.set(hash, caller);
    return caller;
  }

  private async loadCaller(hash: string): Promise<Caller | null> {
    const doc = await this.store.apiKeys.findOne({ _id: hash });
    if (!doc || doc.revokedAt) return null;
    const user = await this.store.users.findOne({ _id: doc.userId });
    if (!user) return null;
    const spaces = await this.store.spaces.find({ memberIds: user._id }, { projection: { _id: 1 } }).toArray();
    return {
      kind: 'user',
      userId: user._id,
      role: user.role,
      automated: user.automated || doc.automated,
      spaceIds: spaces.map((s) => s._id),
      portalIds: user.role === 'TRACKER' && user.portalIds?.length ? user.portalIds : null,
    };
  }

  /** Issues a key for a user; the clear key is returned once and never stored. */
  async issueKey(userId: string, opts: { label?: string | null; automated?: boolean } = {}): Promise<{ key: string; doc: ApiKeyDoc }> {
    const key = generateApiKey();
    const doc: ApiKeyDoc = {
      _id: hashApiKey(key),
      userId,
      prefix: key.slice(0, 10),
      label: opts.label ?? null,
      automated: opts.automated ?? false,
      createdAt: new Date(),
      revokedAt: null,
    };
    await this.store.apiKeys.insertOne(doc);
    return { key, doc };
  }

  async revokeKey(prefixOrHash: string): Promise<number> {
    const res = await this.store.apiKeys.updateMany(
      { $or: [{ _id: prefixOrHash }, { prefix: prefixOrHash }], revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
    this.invalidate();
    return res.modifiedCount;
  }

  keysOf(userId: string): Promise<ApiKeyDoc[]> {
    return this.store.apiKeys.find({ userId }).sort({ createdAt: 1 }).toArray();
  }

  user(id: string): Promise<UserDoc | null> {
    return this.store.users.findOne({ _id: id });
  }

  /** Some ADMIN user, if there is one. */
  anyAdmin(): Promise<UserDoc | null> {
    return this.store.users.findOne({ role: 'ADMIN' });
  }

  /** Inserts a new user; false when the id is taken. */
  async insertUser(doc: UserDoc): Promise<boolean> {
    try {
      await this.store.users.insertOne(doc);
      return true;
    } catch (err) {
      if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) return false;
      throw err;
    }
  }

  /** Makes a user a human (not automated) ADMIN. */
  async makeHumanAdmin(id: string): Promise<void> {
    await this.store.users.updateOne({ _id: id }, { $set: { role: 'ADMIN', automated: false } });
  }
}
