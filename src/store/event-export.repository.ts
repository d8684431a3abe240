/**
 * Reads stored events for the raw export, a window of days at a time,
 * through the event log's day indexes (event-log.repository.ts): one
 * `_id`-range cursor over the index documents of the days, then one `$in`
 * read per index document. Memory holds one flush's events and the keys
 * of one day, whatever the window: the export streams. Order: by day, then by arrival (flush).
 */
import type { Document } from 'mongodb';
import type { LoggedEvent } from '../domain/logged-event';
import type { Store } from './store';
import { EventLogRepository } from './event-log.repository';
import type { DayIndexDoc } from './event-log.documents';
import { dayIndexRange } from './storage-keys';

export class EventExportRepository {
  constructor(
    private readonly store: Store,
    private readonly log: EventLogRepository,
  ) {}

  /** Events whose UTC day is in [fromDay, toDay] (null = open), each once. */
  async *events(fromDay: string | null, toDay: string | null, signal?: AbortSignal): AsyncGenerator<LoggedEvent> {
    const cursor = this.store.eventLog
      .find({ _id: dayIndexRange(fromDay || null, toDay || null) } as Document)
      .sort({ _id: 1 })
      .batchSize(20);
    // A key can be listed by several index documents of a day (a retried
    // event is indexed again by the flush that found it a duplicate): the
    // day's keys already exported are remembered until the day changes.
    let day = '';
    let seen = new Set<string>();
    try {
      for await (const doc of cursor) {
        signal?.throwIfAborted();
        const idx = doc as unknown as DayIndexDoc;
        if (idx.day !== day) {
          day = idx.day;
          seen = new Set();
        }
        const fresh = idx.keys.filter((k) => !seen.has(k));
        const events = await this.log.events(fresh);
        // An index may also list the next day's first seconds (double-click
        // context): an event is exported with its own day only.
        for (const e of events) {
          if (e.day !== idx.day) continue;
          seen.add(e._id);
          yield e;
        }
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }
}
