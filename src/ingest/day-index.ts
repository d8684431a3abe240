import type { LoggedEvent } from '../domain/logged-event';
import { DOUBLE_CLICK_WINDOW_MS, inDayOpening } from '../counting/identity';
import { previousDay, utcDay } from '../util/utc-day';
import type { DayIndexDoc, QueueDoc } from '../store/event-log.documents';
import { dayIndexId, queueId } from '../store/storage-keys';

/**
 * The day indexes and the queue entry of one flush of events (see
 * event-log.repository.ts): each event is listed under its UTC day, and an
 * event of a day's first 30 s also under the day before, whose last double
 * clicks it decides.
 */
export function planDayIndexes(events: readonly Pick<LoggedEvent, '_id' | 'day' | 't'>[], flushId: string): { indexes: DayIndexDoc[]; queue: QueueDoc } {
  const byDay = new Map<string, string[]>();
  const list = (day: string, key: string): void => {
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day)!.push(key);
  };
  for (const e of events) {
    list(e.day, e._id);
    const dayStart = Date.parse(`${e.day}T00:00:00.000Z`);
    if (e.t.getTime() - dayStart <= DOUBLE_CLICK_WINDOW_MS) list(utcDay(new Date(dayStart - 1)), e._id);
  }
  const indexes: DayIndexDoc[] = [...byDay].map(([day, keys]) => ({ _id: dayIndexId(day, flushId), day, keys }));
  return { indexes, queue: { _id: queueId(flushId), days: [...byDay.keys()], at: new Date() } };
}

/**
 * The days whose index documents list an event at `t`: its own, and the day
 * before for an event in its day's first 30 s (as {@link planDayIndexes}
 * lists it). Erasure finds an event's index entries by it.
 */
export function indexDaysOf(t: Date): string[] {
  const day = utcDay(t);
  return inDayOpening(t) ? [day, previousDay(day)] : [day];
}
