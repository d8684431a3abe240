import type { LoggedEvent } from '../domain/logged-event';
import { READ_CHUNK, type EventLogRepository } from '../store/event-log.repository';
import type { DayIndexDoc } from '../store/event-log.documents';
import type { RecentFlushes } from './recent-flushes';

/**
 * How the aggregator reads stored events: those of this process's recent
 * flushes from memory (recent-flushes.ts), the others from the log, always
 * {@link READ_CHUNK} keys at a time.
 *
 * Why chunks and callbacks rather than arrays: a busy day holds millions
 * of events; reading them into one array (and spreading it) overflowed the
 * stack past ~125,000 and stopped every pass, recount and rebuild for good.
 * Only the tally a caller feeds grows with the day.
 */
export class StoredEventReader {
  constructor(
    private readonly log: EventLogRepository,
    private readonly recent: RecentFlushes | null,
  ) {}

  /**
   * Feeds `fn` every stored event a day's indexes name (its own and the
   * next day's first 30 s). A key listed by two indexes (a retry) may be
   * read twice; a tally ignores an event it already has.
   */
  async forEachOfDay(day: string, fn: (e: LoggedEvent) => void): Promise<void> {
    let keys: string[] = [];
    for await (const index of this.log.dayIndexes(day)) {
      for (const k of index.keys) {
        keys.push(k);
        if (keys.length >= READ_CHUNK) {
          await this.forEach(keys, fn);
          keys = [];
        }
      }
    }
    if (keys.length) await this.forEach(keys, fn);
  }

  /** Feeds `fn` the stored events of `keys` (missing keys are skipped). */
  async forEach(keys: readonly string[], fn: (e: LoggedEvent) => void): Promise<void> {
    const read = (missing: readonly string[]) => this.log.events(missing);
    for (let i = 0; i < keys.length; i += READ_CHUNK) {
      const chunk = keys.slice(i, i + READ_CHUNK);
      for (const e of await (this.recent ? this.recent.eventsOr(chunk, read) : read(chunk))) fn(e);
    }
  }

  /** Day index documents by id. */
  indexes(ids: readonly string[]): Promise<DayIndexDoc[]> {
    const read = (missing: readonly string[]) => this.log.indexes(missing);
    return this.recent ? this.recent.indexesOr(ids, read) : read(ids);
  }
}
