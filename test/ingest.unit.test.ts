import { GroupCommitter } from '../src/ingest/group-commit';
import { RecentFlushes } from '../src/aggregate/recent-flushes';
import { Aggregator } from '../src/aggregate/aggregator';
import type { EventLogRepository } from '../src/store/event-log.repository';
import type { UsageWriteRepository } from '../src/store/usage-write.repository';
import type { DbLock } from '../src/store/db-lock';
import pino from 'pino';
import { DeadlineExceededError, withDeadline } from '../src/util/deadline';
import type { LoggedEvent } from '../src/domain/logged-event';
import { validateEvent } from '../src/ingest/validate-event';
import { orderByKey, groupByKey } from '../src/loaders/order-by-key';
import { AccessAction, ResourceType } from '../src/domain/resources';

const T0 = new Date('2026-05-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describe('orderByKey / groupByKey', () => {
  it('answers in key order, null for missing keys, whatever order rows come in', () => {
    const rows = [{ _id: 'c' }, { _id: 'a' }];
    expect(orderByKey(['a', 'b', 'c', 'a'], rows, (r) => r._id)).toEqual([{ _id: 'a' }, null, { _id: 'c' }, { _id: 'a' }]);
  });
  it('gives every key its children, a child with two parents to both', () => {
    const rows = [{ id: 1, p: ['x', 'y'] }, { id: 2, p: ['y'] }];
    expect(groupByKey(['x', 'y', 'z'], rows, (r) => r.p).map((g) => g.map((r) => r.id))).toEqual([[1], [1, 2], []]);
  });
});

describe('validateEvent', () => {
  const limits = { maxFutureSkewMs: 60_000, maxEventAgeDays: 10 };
  const base = { resourceType: ResourceType.DATASET, resourceId: 'd', action: AccessAction.VIEW };
  it('defaults the timestamp to now', () => {
    const v = validateEvent(base, T0, limits);
    expect(v.ok && v.event.timestamp).toEqual(T0);
  });
  it.each([
    [{ timestamp: at(61) }, 'INVALID_TIMESTAMP'],
    [{ timestamp: new Date(T0.getTime() - 11 * 86_400_000) }, 'INVALID_TIMESTAMP'],
    [{ timestamp: new Date(NaN) }, 'INVALID_TIMESTAMP'],
    [{ eventId: '' }, 'INVALID_EVENT_ID'],
    [{ eventId: 'x'.repeat(129) }, 'INVALID_EVENT_ID'],
    [{ resourceId: '' }, 'BAD_USER_INPUT'],
    [{ ipAddress: 'x'.repeat(1025) }, 'BAD_USER_INPUT'],
    // Ids are joined into storage keys: `|` would let two pairs collide.
    [{ resourceId: 'ka|DATASET:kb' }, 'BAD_USER_INPUT'],
    [{ userId: 'kc|DATASET:ka' }, 'BAD_USER_INPUT'],
    [{ userId: '=1+2' }, 'BAD_USER_INPUT'],
    [{ httpStatus: 99 }, 'BAD_USER_INPUT'],
    [{ bytes: -1 }, 'BAD_USER_INPUT'],
    [{ bytes: 1.5 }, 'BAD_USER_INPUT'],
    [{ country: 'FRA' }, 'BAD_USER_INPUT'],
  ])('rejects case %# with %s', (patch: Record<string, unknown>, code: string) => {
    const v = validateEvent({ ...base, ...patch }, T0, limits);
    expect(v.ok ? null : v.code).toBe(code);
  });
  it('cuts a user agent over 1,024 characters instead of refusing the event (never through a surrogate pair)', () => {
    const v = validateEvent({ ...base, userAgent: `Mozilla/5.0 ${'x'.repeat(5000)}` }, T0, limits);
    expect(v.ok && v.event.userAgent).toBe(`Mozilla/5.0 ${'x'.repeat(1024 - 12)}`);
    const emoji = validateEvent({ ...base, userAgent: `${'x'.repeat(1023)}\u{1F600}tail` }, T0, limits);
    expect(emoji.ok && emoji.event.userAgent).toBe('x'.repeat(1023));
  });
  it('accepts the edges of the window', () => {
    expect(validateEvent({ ...base, timestamp: at(60) }, T0, limits).ok).toBe(true);
    expect(validateEvent({ ...base, timestamp: new Date(T0.getTime() - 10 * 86_400_000) }, T0, limits).ok).toBe(true);
  });
});

describe('GroupCommitter', () => {
  it('coalesces submissions made while a flush runs and answers each caller in order', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommitter<number, string>(
      async (items) => {
        flushed.push(items);
        if (flushed.length === 1) await gate;
        return items.map((i) => `ok-${i}`);
      },
      { maxBatch: 100 },
    );
    const first = gc.submit([1]);
    await new Promise((r) => setImmediate(r));
    const second = gc.submit([2, 3]);
    const third = gc.submit([4]);
    release();
    expect(await first).toEqual(['ok-1']);
    expect(await second).toEqual(['ok-2', 'ok-3']);
    expect(await third).toEqual(['ok-4']);
    expect(flushed).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every caller of a failed flush and keeps serving later ones', async () => {
    let fail = true;
    const gc = new GroupCommitter<number, number>(
      async (items) => {
        if (fail) throw new Error('db down');
        return items;
      },
      { maxBatch: 10 },
    );
    await expect(gc.submit([1])).rejects.toThrow('db down');
    fail = false;
    await expect(gc.submit([2])).resolves.toEqual([2]);
  });

  it('respects the batch bound and drains', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommitter<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, { maxBatch: 3 });
    const all = Promise.all([gc.submit([1, 2]), gc.submit([3, 4]), gc.submit([5])]);
    await gc.drain();
    await all;
    expect(sizes.every((s) => s <= 3)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
  });
});

describe('RecentFlushes', () => {
  const ev = (id: string) => ({ _id: id }) as unknown as LoggedEvent;
  const idx = (id: string, keys: string[]) => ({ _id: id, day: '2026-11-30', keys });

  it('keeps what a flush inserted until the flush is forgotten', () => {
    const r = new RecentFlushes(100);
    r.add('~q|f1', [idx('~i|2026-11-30|f1', ['a|1', 'a|2'])], [ev('a|1'), ev('a|2')]);
    expect(r.event('a|1')?._id).toBe('a|1');
    expect(r.index('~i|2026-11-30|f1')?.keys).toEqual(['a|1', 'a|2']);
    r.forget(['~q|f1']);
    expect(r.event('a|1')).toBeUndefined();
    expect(r.index('~i|2026-11-30|f1')).toBeUndefined();
    expect(r.size).toBe(0);
  });

  it('is bounded: the oldest flushes go first, the newest stays', () => {
    const r = new RecentFlushes(3);
    r.add('~q|f1', [], [ev('a|1'), ev('a|2')]);
    r.add('~q|f2', [], [ev('a|3'), ev('a|4')]);
    expect(r.event('a|1')).toBeUndefined();
    expect(r.event('a|3')).toBeDefined();
    expect(r.size).toBe(2);
  });

  it('keeps nothing when turned off', () => {
    const r = new RecentFlushes(0);
    r.add('~q|f1', [idx('~i|2026-11-30|f1', ['a|1'])], [ev('a|1')]);
    expect(r.event('a|1')).toBeUndefined();
    expect(r.index('~i|2026-11-30|f1')).toBeUndefined();
  });
});

describe('withDeadline', () => {
  it('passes a timely result through', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
  });

  it('gives up on a promise that never settles, with a named error', async () => {
    await expect(withDeadline(new Promise(() => undefined), 20, 'the insert')).rejects.toThrow(new DeadlineExceededError('the insert', 20));
  });

  it('passes a timely failure through', async () => {
    await expect(withDeadline(Promise.reject(new Error('boom')), 1000, 'x')).rejects.toThrow('boom');
  });
});

describe('Aggregator.stop', () => {
  it('does not wait past its bound for a pass whose database call never answers', async () => {
    // Fake clocks: the bound is checked on the timer, not on the wall clock.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const never = () => new Promise<never>(() => undefined);
    const agg = new Aggregator(
      { queue: never } as unknown as EventLogRepository,
      {} as unknown as UsageWriteRepository,
      {} as unknown as DbLock,
      { readMark: never, writeMark: never },
      pino({ level: 'silent' }),
      { pollMs: 200 },
      () => 'regular',
    );
    void agg.runOnce();
    let stopped = false;
    const stopping = agg.stop(50).then(() => {
      stopped = true;
    });
    try {
      await jest.advanceTimersByTimeAsync(49);
      expect(stopped).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await stopping;
      expect(stopped).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
