import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';

/**
 * Whether the database can still write (docs/security.md, "Disk full").
 *
 * Measured on the embedded FerretDB 1.24 with its data directory on a full
 * 20 MB tmpfs: every growing write (insert, upsert, bulkWrite) fails with
 * `MongoServerError` code 1 `InternalError`, message
 * `"… database or disk is full (13)"` (SQLite's SQLITE_FULL), while `ping`
 * and same-size updates still succeed, so neither a ping nor a small write
 * probe notices. MongoDB itself reports `OutOfDiskSpace` (14031).
 */

/** SQLite's result codes as FerretDB prints them, and the OS's, that mean "cannot write". */
const STORAGE_MESSAGES = /database or disk is full|attempt to write a readonly database|SQLITE_FULL|SQLITE_READONLY|ENOSPC|no space left on device|EROFS/i;
const STORAGE_CODES = new Set<number | string>([14031, 'OutOfDiskSpace']);

/** What a client is told while writes fail that way (503 DATABASE_UNAVAILABLE). */
export const STORAGE_FULL_MESSAGE = 'the database cannot store data (storage full or read-only); retry later';

/** True when `err` (or what it wraps) says the database's storage is full or read-only. */
export function isStorageFailure(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const { code, codeName, message } = e as { code?: unknown; codeName?: unknown; message?: unknown };
    if ((typeof code === 'number' && STORAGE_CODES.has(code)) || (typeof codeName === 'string' && STORAGE_CODES.has(codeName))) return true;
    if (typeof message === 'string' && /^Mongo/.test(String((e as { name?: unknown }).name)) && STORAGE_MESSAGES.test(message)) return true;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** How long a storage failure keeps `/ready` at 503, ms: writes that fail again renew it. */
export const STORAGE_FAILURE_HOLD_MS = 30_000;

export interface StorageHealthOptions {
  logger: Logger;
  /** Directory whose filesystem holds the embedded database; null with `MONGODB_URI`. */
  dataDir: string | null;
  /** Free space below which `/ready` is 503, bytes; 0 = not checked. */
  minFreeBytes: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * Remembers recent storage failures (any request's write that failed with
 * {@link isStorageFailure}) and checks the free space of the data directory,
 * so that `/ready` takes the instance out of rotation while it cannot write.
 */
export class StorageHealth {
  private lastFailure = -Infinity;
  private lastLog = -Infinity;
  private readonly now: () => number;

  constructor(private readonly opts: StorageHealthOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Records a failed write; logs at error level once per 10 s (an operator must act, a flood must not fill the log). */
  noteFailure(err: unknown): void {
    const t = this.now();
    this.lastFailure = t;
    if (t - this.lastLog >= 10_000) {
      this.lastLog = t;
      const message = err instanceof Error ? err.message : String(err);
      this.opts.logger.error({ reason: message.slice(-200) }, 'the database cannot write (storage full or read-only)');
    }
  }

  /** Null when writes should work; else why not. */
  async problem(): Promise<string | null> {
    if (this.now() - this.lastFailure < STORAGE_FAILURE_HOLD_MS) return 'database storage full or read-only (recent writes failed)';
    if (this.opts.dataDir && this.opts.minFreeBytes > 0) {
      try {
        const s = await statfs(this.opts.dataDir);
        const free = s.bavail * s.bsize;
        if (free < this.opts.minFreeBytes) return `disk almost full: ${Math.floor(free / 1048576)} MiB free in the data directory`;
      } catch {
        // No statfs on this platform or directory: rely on recorded failures.
      }
    }
    return null;
  }
}
