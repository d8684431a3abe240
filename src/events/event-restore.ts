/**
 * Restores exported events into the event log as they were stored (for
 * `import-events`): same sender scope, event id, traffic class and COUNTER
 * identity keys, so the aggregator derives the same figures. Events whose
 * `${scope}|${eventId}` is already stored are duplicates (importing twice
 * changes nothing). An event the aggregator could not count
 * (stored-event-check.ts) is refused here too, whoever calls: nothing
 * enters the log unchecked.
 *
 * The day indexes follow the ingestion flush's rule (src/ingest/day-index.ts).
 */
import { randomBytes } from 'node:crypto';
import type { LoggedEvent } from '../domain/logged-event';
import type { EventLogRepository } from '../store/event-log.repository';
import { planDayIndexes } from '../ingest/day-index';
import { checkStoredEvent } from '../aggregate/stored-event-check';
import type { EventRestorer, RestoreStatus } from './event-import';

export class EventLogRestorer implements EventRestorer {
  constructor(
    private readonly log: EventLogRepository,
    /** Wakes the aggregator once a batch is stored. */
    private readonly onStored: () => void = () => undefined,
  ) {}

  async restore(events: LoggedEvent[]): Promise<RestoreStatus[]> {
    const first = new Map<string, number>();
    const unique: LoggedEvent[] = [];
    const rejected = new Set<number>();
    events.forEach((e, i) => {
      if (checkStoredEvent(e)) rejected.add(i);
      else if (!first.has(e._id)) {
        first.set(e._id, i);
        unique.push(e);
      }
    });
    if (!unique.length) return events.map(() => 'REJECTED');
    const flushId = `r${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const { indexes, queue } = planDayIndexes(unique, flushId);
    const dup = await this.log.append(unique, indexes, queue);
    this.onStored();
    const status = new Map(unique.map((e, i) => [e._id, dup.has(i) ? ('DUPLICATE' as const) : ('RECORDED' as const)]));
    return events.map((e, i) => (rejected.has(i) ? 'REJECTED' : first.get(e._id) === i ? status.get(e._id)! : 'DUPLICATE'));
  }
}
