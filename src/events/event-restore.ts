/**
 * Restores exported events into the event log as they were stored (for
 * `import-events`): same sender scope, event id, traffic class and COUNTER
 * identity keys, so the aggregator derives the same figures. Events whose
 * `${scope}|${eventId}` is already stored are duplicates (importing twice
 * changes nothing).
 *
 * The day indexes follow the ingestion flush's rule (src/ingest/
 * ingest.service.ts): an event is listed under its day and, when it falls
 * in the day's first 30 s, also under the day before (it decides that
 * day's last double clicks).
 */
import { randomBytes } from 'node:crypto';
import type { LoggedEvent } from '../domain/logged-event';
import { DOUBLE_CLICK_WINDOW_MS, utcDay } from '../counting/identity';
import { indexId, queueId, type DayIndexDoc, type EventLogRepository, type QueueDoc } from '../store/event-log.repository';
import type { EventRestorer } from './event-import';

export class EventLogRestorer implements EventRestorer {
  constructor(
    private readonly log: EventLogRepository,
    /** Wakes the aggregator once a batch is stored. */
    private readonly onStored: () => void = () => undefined,
  ) {}

  async restore(events: LoggedEvent[]): Promise<('RECORDED' | 'DUPLICATE' | 'CONFLICT')[]> {
    const first = new Map<string, number>();
    const unique: LoggedEvent[] = [];
    events.forEach((e, i) => {
      if (!first.has(e._id)) {
        first.set(e._id, i);
        unique.push(e);
      }
    });
    const flushId = `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const byDay = new Map<string, string[]>();
    const list = (day: string, key: string): void => {
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day)!.push(key);
    };
    for (const e of unique) {
      list(e.day, e._id);
      const dayStart = Date.parse(`${e.day}T00:00:00.000Z`);
      if (e.t.getTime() - dayStart <= DOUBLE_CLICK_WINDOW_MS) list(utcDay(new Date(dayStart - 1)), e._id);
    }
    const indexes: DayIndexDoc[] = [];
    const queue: QueueDoc[] = [];
    for (const [day, keys] of byDay) {
      const idx = indexId(day, flushId);
      indexes.push({ _id: idx, day, keys });
      queue.push({ _id: queueId(flushId, day), day, index: idx });
    }
    const dup = await this.log.append(unique, indexes, queue);
    this.onStored();
    const status = new Map(unique.map((e, i) => [e._id, dup.has(i) ? ('DUPLICATE' as const) : ('RECORDED' as const)]));
    return events.map((e, i) => (first.get(e._id) === i ? status.get(e._id)! : 'DUPLICATE'));
  }
}
