import type { LoggedEvent } from '../domain/logged-event';
import { DOUBLE_CLICK_WINDOW_MS, utcDay } from '../counting/identity';
import { type DayIndexDoc, indexId, type QueueDoc, queueId } from '../store/event-log.repository';

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
  const indexes: DayIndexDoc[] = [...byDay].map(([day, keys]) => ({ _id: indexId(day, flushId), day, keys }));
  return { indexes, queue: { _id: queueId(flushId), days: [...byDay.keys()], at: new Date() } };
}
