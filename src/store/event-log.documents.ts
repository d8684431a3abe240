import type { LoggedEvent } from '../domain/logged-event';

/**
 * Documents of `event_log`, the event log: every accepted event, append-only, in one collection
 * (`event_log`) holding kinds of document told apart by `_id`
 * (layouts: storage-keys.ts): the event ({@link LoggedEvent}; the unique
 * `_id` makes a retry a duplicate), day indexes (the keys of the events
 * one flush stored for a day), queue entries (the days of a flush whose
 * indexes are not yet aggregated), and quarantine records
 * (quarantine.repository.ts).
 *
 * Why one collection: a flush is then **one** `insertMany` — the cheapest
 * write FerretDB has (an insert costs it a hundredth of an update) — and
 * acknowledging an event costs one inserted document, plus one per day of
 * the flush and one queue entry.
 * Why `_id`-keyed everything: FerretDB (as patched here) answers `_id`
 * equality, `$in` and ranges from an index; every other filter scans. A
 * day's events are found through its index documents (an `_id` range), not
 * by a time field.
 */
export interface DayIndexDoc {
  _id: string;
  day: string;
  keys: string[];
}

/**
 * A queue entry: one per flush, naming the days whose index documents
 * (`dayIndexId(day, flushId)`) are to be aggregated. Entries written before
 * 2026-11-30 named one day each (`{ day, index }`, `_id` ending in `|day`);
 * {@link EventLogRepository.queue} reads both. REMOVE `LegacyQueueDoc` as
 * docs/legacy-reads.md says.
 */
export interface QueueDoc {
  _id: string;
  days: string[];
  /** When the flush was stored. */
  at: Date;
}

export interface LegacyQueueDoc {
  _id: string;
  day: string;
  index: string;
  at?: Date;
}
