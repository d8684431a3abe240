/**
 * Group commit: requests that arrive while a flush is running wait and are
 * written together in the next flush, so the database sees few large writes
 * instead of many small ones. Items are passed to `flush` as submitted, in
 * order, nothing merged (ingestion's flush is one `insertMany` of events).
 * Each caller's promise settles only after the flush holding its items has
 * been written (acknowledged means stored).
 */
export interface GroupCommitOptions {
  /** Most items in one flush. A single larger submission is flushed alone. */
  maxBatch: number;
}

interface Pending<T, R> {
  items: T[];
  resolve: (r: R[]) => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Resolves with one result per item, in order, once they are stored. */
  submit(items: T[]): Promise<R[]> {
    if (!items.length) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return;
    // Starting on the next macrotask lets requests handled in the same tick
    // share the first flush.
    this.running = new Promise<void>((r) => setImmediate(r))
      .then(() => this.loop())
      .finally(() => {
        this.running = null;
        if (this.queue.length) this.schedule();
      });
  }

  /** Waits until everything submitted so far is flushed (for shutdown). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.queue.length) {
      const batch: Pending<T, R>[] = [];
      let size = 0;
      while (this.queue.length && (batch.length === 0 || size + this.queue[0].items.length <= this.options.maxBatch)) {
        const p = this.queue.shift()!;
        batch.push(p);
        size += p.items.length;
      }
      const items = batch.flatMap((p) => p.items);
      try {
        const results = await this.flush(items);
        let offset = 0;
        for (const p of batch) {
          p.resolve(results.slice(offset, offset + p.items.length));
          offset += p.items.length;
        }
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  }
}
