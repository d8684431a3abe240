import type { Collection, Document } from 'mongodb';
import type { TrafficClass } from '../domain/logged-event';
import type { Store } from './store';
import { READ_CHUNK } from './event-log.repository';
import { dayIndexesAfter } from './storage-keys';

/** The reducer's bookmark in `meta`: every day up to `day` has its agents reduced (as of `updatedAt`). */
interface ReductionBookmark {
  _id: typeof BOOKMARK_ID;
  day: string;
  updatedAt: Date;
}

const BOOKMARK_ID = 'user-agent-reduction';

/**
 * The store side of user-agent reduction and retention figures
 * (src/privacy/agent-reducer.ts): the bookmark of the last reduced day,
 * the reducing update, and the oldest day the event log holds. Everything
 * is read by `_id` (equality or range), the only filters the embedded
 * FerretDB answers from an index.
 */
export class AgentReductionRepository {
  private readonly log: Collection<Document>;
  private readonly meta: Collection<ReductionBookmark>;

  constructor(store: Store) {
    this.log = store.eventLog as unknown as Collection<Document>;
    this.meta = store.db.collection<ReductionBookmark>('meta');
  }

  /** The last day whose agents are all reduced, or null before the first. */
  async lastReducedDay(): Promise<string | null> {
    return (await this.meta.findOne({ _id: BOOKMARK_ID }))?.day ?? null;
  }

  async setLastReducedDay(day: string, at: Date): Promise<void> {
    await this.meta.updateOne({ _id: BOOKMARK_ID }, { $set: { day, updatedAt: at } }, { upsert: true });
  }

  /** The first day after `afterDay` (or the first of all) that has day indexes, i.e. events. One `_id` range read. */
  async nextDayWithEvents(afterDay: string | null): Promise<string | null> {
    const d = await this.log.findOne({ _id: dayIndexesAfter(afterDay) } as Document, { sort: { _id: 1 }, projection: { day: 1 } });
    return (d?.day as string | undefined) ?? null;
  }

  /** The oldest day the event log holds events of, or null when it holds none. */
  oldestDay(): Promise<string | null> {
    return this.nextDayWithEvents(null);
  }

  /**
   * Removes the user agent of the events `ids`, stores the class they are
   * counted with and the rules version that decided it. One `updateMany`
   * per 1,000 keys: FerretDB still rewrites each document (1.4–3 ms each,
   * scripts/measure-ua-reduce.ts), but in one command, not one per event.
   */
  async reduce(ids: readonly string[], trafficClass: TrafficClass, rulesVersion: number): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      const r = await this.log.updateMany(
        { _id: { $in: ids.slice(i, i + READ_CHUNK) } } as Document,
        { $unset: { userAgent: '' }, $set: { trafficClass, uaRules: rulesVersion } },
      );
      n += r.modifiedCount;
    }
    return n;
  }
}
