import type { Document } from 'mongodb';
import type { Store } from './store';
import { READ_CHUNK } from './event-log.repository';
import { eventIdOfKey, eventKey } from './storage-keys';

/**
 * Which eventIds of one sender are stored in the event log: one `_id $in`
 * read per {@link READ_CHUNK} ids, returning `_id`s only. Used by
 * `import-logs` to recognise lines an earlier version imported under ids of
 * the old scheme (src/logs/legacy-log-ids.ts).
 */
export class EventIdsRepository {
  constructor(private readonly store: Store) {}

  /** The subset of `eventIds` stored for sender `scope` (the `_id` is `eventKey(scope, eventId)`). */
  async stored(scope: string, eventIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < eventIds.length; i += READ_CHUNK) {
      const keys = eventIds.slice(i, i + READ_CHUNK).map((id) => eventKey(scope, id));
      const docs = await this.store.eventLog.find({ _id: { $in: keys } } as Document, { projection: { _id: 1 } }).batchSize(READ_CHUNK).toArray();
      for (const d of docs) out.add(eventIdOfKey(String(d._id)));
    }
    return out;
  }
}
