import {
  ANONYMOUS_CLICKER,
  DOUBLE_CLICK_WINDOW_MS,
  clickerKey,
  counterSessionKey,
  filterDoubleClicks,
  latestTimestamp,
} from '../src/counting/session';

const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0';
const IP = '203.0.113.42';
const at = (iso: string): Date => new Date(iso);

describe('counterSessionKey', () => {
  it('same user, same hour → same key', () => {
    const a = counterSessionKey({ userId: 'alice', timestamp: at('2024-05-01T13:00:00Z') });
    const b = counterSessionKey({ userId: 'alice', timestamp: at('2024-05-01T13:59:59.999Z') });
    expect(a).toBe(b);
  });

  it('same user, different hour or day → different key', () => {
    const a = counterSessionKey({ userId: 'alice', timestamp: at('2024-05-01T13:59:59Z') });
    expect(counterSessionKey({ userId: 'alice', timestamp: at('2024-05-01T14:00:00Z') })).not.toBe(a);
    expect(counterSessionKey({ userId: 'alice', timestamp: at('2024-05-02T13:30:00Z') })).not.toBe(a);
  });

  it('the hour is the UTC hour, whatever the offset of the input', () => {
    const a = counterSessionKey({ userId: 'alice', timestamp: at('2024-05-01T15:10:00+02:00') });
    const b = counterSessionKey({ userId: 'alice', timestamp: at('2024-05-01T13:50:00Z') });
    expect(a).toBe(b);
    expect(a.endsWith('|2024-05-01T13')).toBe(true);
  });

  it('different users → different keys', () => {
    const t = at('2024-05-01T13:00:00Z');
    expect(counterSessionKey({ userId: 'alice', timestamp: t })).not.toBe(counterSessionKey({ userId: 'bob', timestamp: t }));
  });

  it('the portal session id wins over the user id, which wins over IP + UA', () => {
    const t = at('2024-05-01T13:00:00Z');
    const bySession = counterSessionKey({ sessionId: 'S1', userId: 'alice', ipAddress: IP, userAgent: UA, timestamp: t });
    expect(bySession).toBe(counterSessionKey({ sessionId: 'S1', userId: 'bob', ipAddress: '198.51.100.1', timestamp: t }));
    const byUser = counterSessionKey({ userId: 'alice', ipAddress: IP, userAgent: UA, timestamp: t });
    expect(byUser).toBe(counterSessionKey({ userId: 'alice', ipAddress: '198.51.100.1', timestamp: t }));
    expect(bySession).not.toBe(byUser);
    const byAgent = counterSessionKey({ ipAddress: IP, userAgent: UA, timestamp: t });
    expect(byAgent).toBe(counterSessionKey({ sessionId: '  ', userId: '', ipAddress: IP, userAgent: UA, timestamp: t }));
    expect(byAgent).not.toBe(byUser);
  });

  it('a user id equal to a session id does not collide with it', () => {
    const t = at('2024-05-01T13:00:00Z');
    expect(counterSessionKey({ sessionId: 'x', timestamp: t })).not.toBe(counterSessionKey({ userId: 'x', timestamp: t }));
  });

  it('IP + UA: a different IP or a different UA is a different session', () => {
    const t = at('2024-05-01T13:00:00Z');
    const k = counterSessionKey({ ipAddress: IP, userAgent: UA, timestamp: t });
    expect(counterSessionKey({ ipAddress: '203.0.113.43', userAgent: UA, timestamp: t })).not.toBe(k);
    expect(counterSessionKey({ ipAddress: IP, userAgent: 'curl/8.5.0', timestamp: t })).not.toBe(k);
    expect(counterSessionKey({ ipAddress: IP, timestamp: t })).not.toBe(k);
    expect(counterSessionKey({ userAgent: UA, timestamp: t })).not.toBe(k);
  });

  it('IPv4-mapped IPv6 and letter case do not split a visitor', () => {
    const t = at('2024-05-01T13:00:00Z');
    expect(counterSessionKey({ ipAddress: `::ffff:${IP}`, userAgent: UA, timestamp: t })).toBe(
      counterSessionKey({ ipAddress: IP, userAgent: UA, timestamp: t }),
    );
    expect(counterSessionKey({ ipAddress: '2001:DB8::1', userAgent: UA, timestamp: t })).toBe(
      counterSessionKey({ ipAddress: '2001:db8::1', userAgent: UA, timestamp: t }),
    );
  });

  it('no raw IP, user agent, user id or session id appears in a key', () => {
    const t = at('2024-05-01T13:00:00Z');
    const ipKey = counterSessionKey({ ipAddress: IP, userAgent: UA, timestamp: t });
    expect(ipKey).not.toContain(IP);
    expect(ipKey).not.toContain('203');
    expect(ipKey).not.toContain('Firefox');
    const v6Key = counterSessionKey({ ipAddress: '2001:db8::1', timestamp: t });
    expect(v6Key).not.toContain('2001:db8');
    expect(counterSessionKey({ userId: 'alice@example.org', timestamp: t })).not.toContain('alice');
    expect(counterSessionKey({ sessionId: 'secret-session-token', timestamp: t })).not.toContain('secret');
    expect(ipKey).toMatch(/^a:[A-Za-z0-9_-]{43}\|2024-05-01T13$/);
  });

  it('is stable (pure): same input, same key', () => {
    const e = { ipAddress: IP, userAgent: UA, timestamp: at('2024-05-01T13:00:00Z') };
    expect(counterSessionKey(e)).toBe(counterSessionKey({ ...e }));
  });

  it('events without identity are kept apart by event id, else share the anonymous bucket', () => {
    const t = at('2024-05-01T13:00:00Z');
    expect(counterSessionKey({ eventId: 'e1', timestamp: t })).not.toBe(counterSessionKey({ eventId: 'e2', timestamp: t }));
    // The event id is only a last resort: identity wins.
    expect(counterSessionKey({ eventId: 'e1', userId: 'alice', timestamp: t })).toBe(
      counterSessionKey({ eventId: 'e2', userId: 'alice', timestamp: t }),
    );
    expect(counterSessionKey({ timestamp: t })).toBe(`${ANONYMOUS_CLICKER}|2024-05-01T13`);
  });

  it('throws on an invalid timestamp', () => {
    expect(() => counterSessionKey({ userId: 'alice', timestamp: new Date(Number.NaN) })).toThrow(RangeError);
  });
});

describe('clickerKey', () => {
  it('is the session key without the hour', () => {
    const e = { userId: 'alice', timestamp: at('2024-05-01T13:10:00Z') };
    expect(counterSessionKey(e)).toBe(`${clickerKey(e)}|2024-05-01T13`);
  });

  it('does not change across hours, so a double click can span an hour boundary', () => {
    const a = clickerKey({ ipAddress: IP, userAgent: UA, timestamp: at('2024-05-01T13:59:50Z') });
    const b = clickerKey({ ipAddress: IP, userAgent: UA, timestamp: at('2024-05-01T14:00:05Z') });
    expect(a).toBe(b);
  });
});

describe('filterDoubleClicks', () => {
  const base = at('2024-05-01T12:00:00Z').getTime();
  const s = (...seconds: number[]): Date[] => seconds.map((x) => new Date(base + x * 1000));

  it('the window is 30 s', () => expect(DOUBLE_CLICK_WINDOW_MS).toBe(30_000));

  it('an empty batch gives nothing', () => expect(filterDoubleClicks([], null)).toEqual([]));

  it('the first event ever counts', () => expect(filterDoubleClicks(s(0), null)).toEqual([true]));

  it.each([
    [0, false],
    [29, false],
    [29.999, false],
    [30, false],
    [30.001, true],
    [31, true],
  ])('a second click %s s after the first: counts = %s', (gap, counts) => {
    expect(filterDoubleClicks(s(0, gap), null)).toEqual([true, counts]);
  });

  it('a burst every 10 s for a minute counts once (the window slides from the last click)', () => {
    expect(filterDoubleClicks(s(0, 10, 20, 30, 40, 50, 60), null)).toEqual([true, false, false, false, false, false, false]);
  });

  it('a click more than 30 s after the end of a burst counts again', () => {
    expect(filterDoubleClicks(s(0, 20, 40, 71, 80, 200), null)).toEqual([true, false, false, true, false, true]);
  });

  it('the timeline example of docs/counting.md', () => {
    // 12:00:00, :10, :35, 12:01:06, 12:01:36, 12:02:10
    expect(filterDoubleClicks(s(0, 10, 35, 66, 96, 130), null)).toEqual([true, false, false, true, false, true]);
  });

  it('carries over the previous timestamp from an earlier batch', () => {
    const prev = new Date(base);
    expect(filterDoubleClicks(s(10), prev)).toEqual([false]);
    expect(filterDoubleClicks(s(30), prev)).toEqual([false]);
    expect(filterDoubleClicks(s(31), prev)).toEqual([true]);
    expect(filterDoubleClicks(s(31, 50, 90), prev)).toEqual([true, false, true]);
  });

  it('splitting a stream into batches gives the same result as one batch', () => {
    const all = s(0, 10, 45, 50, 70, 101, 130, 161);
    const whole = filterDoubleClicks(all, null);
    expect(whole).toEqual([true, false, true, false, false, true, false, true]);
    for (let cut = 0; cut <= all.length; cut++) {
      const first = all.slice(0, cut);
      const second = all.slice(cut);
      const prev = latestTimestamp(first, null);
      expect([...filterDoubleClicks(first, null), ...filterDoubleClicks(second, prev)]).toEqual(whole);
    }
  });

  it('a late event up to 30 s before the previous timestamp is a double click too', () => {
    const prev = new Date(base + 40_000);
    expect(filterDoubleClicks(s(20), prev)).toEqual([false]);
    expect(filterDoubleClicks(s(10), prev)).toEqual([false]);
    expect(filterDoubleClicks(s(9), prev)).toEqual([true]);
    // Sorted batch straddling a later previous timestamp.
    expect(filterDoubleClicks(s(0, 50, 100), prev)).toEqual([true, false, true]);
  });

  it('rejects an unsorted batch and invalid dates', () => {
    expect(() => filterDoubleClicks(s(10, 5), null)).toThrow(/not sorted/);
    expect(() => filterDoubleClicks([new Date(Number.NaN)], null)).toThrow(RangeError);
    expect(() => filterDoubleClicks(s(0), new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('latestTimestamp', () => {
  it('is the latest of the previous value and the batch', () => {
    const d = (sec: number): Date => new Date(Date.UTC(2024, 4, 1, 12, 0, sec));
    expect(latestTimestamp([], null)).toBeNull();
    expect(latestTimestamp([], d(5))).toEqual(d(5));
    expect(latestTimestamp([d(1), d(9)], d(5))).toEqual(d(9));
    expect(latestTimestamp([d(1), d(3)], d(5))).toEqual(d(5));
    expect(latestTimestamp([d(1), d(3)], null)).toEqual(d(3));
  });
});
