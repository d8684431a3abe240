/**
 * The memory-then-log read of the aggregator at sizes a busy day reaches:
 * 3a14d53 spread the log's answer into an array (`push(...read)`) and V8
 * overflowed its stack past ~125,000 keys, which stopped every aggregation
 * pass after a restart (test/large-day.test.ts runs the whole path).
 */
import { RecentFlushes } from '../src/aggregate/recent-flushes';
import type { LoggedEvent } from '../src/domain/logged-event';

const event = (k: string) => ({ _id: k }) as unknown as LoggedEvent;

describe('RecentFlushes', () => {
  it('reads 400,000 keys through the log without overflowing the stack', async () => {
    const keys = Array.from({ length: 400_000 }, (_, i) => `s|e${i}`);
    const out = await new RecentFlushes(0).eventsOr(keys, async (missing) => missing.map(event));
    expect(out.length).toBe(keys.length);
  });

  it('takes kept events from memory and only the others from the log', async () => {
    const recent = new RecentFlushes(10);
    recent.add('~q|f1', [], [event('s|a'), event('s|b')]);
    const asked: string[][] = [];
    const out = await recent.eventsOr(['s|a', 's|b', 's|c'], async (missing) => {
      asked.push(missing);
      return missing.map(event);
    });
    expect(out.map((e) => e._id).sort()).toEqual(['s|a', 's|b', 's|c']);
    expect(asked).toEqual([['s|c']]);
  });
});
