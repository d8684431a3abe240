/**
 * Ids of imported log lines carry no IP, session id or user cookie
 * (issue 19, src/logs/log-events.ts); the ids of earlier versions are
 * rebuilt byte for byte to recognise what they stored
 * (src/logs/legacy-log-ids.ts).
 */
import type { AccessLogLine } from '../src/logs/combined-log';
import { OccurrenceCounter, logEventId, requestHash } from '../src/logs/log-events';
import { legacyRequestHash } from '../src/logs/legacy-log-ids';

const line: AccessLogLine = {
  time: new Date('2026-11-02T10:00:00Z'),
  ip: '192.0.2.7',
  user: null,
  method: 'GET',
  url: '/datasets/ds-a',
  status: 200,
  bytes: 10,
  referer: null,
  userAgent: 'Mozilla/5.0',
  sessionId: 's1',
  userCookie: null,
};

/** The ids of lines read in order from one file. */
function idsOf(lines: readonly AccessLogLine[]): string[] {
  const c = new OccurrenceCounter();
  return lines.map((l) => {
    const h = requestHash(l);
    return logEventId(h, c.next(h, l.time.getTime()));
  });
}

describe('imported log ids', () => {
  it('do not depend on the IP, session id or user cookie', () => {
    const others = [{ ip: '198.51.100.200' }, { ip: null }, { ip: '2001:db8::1' }, { sessionId: 'other' }, { sessionId: null }, { userCookie: 'c-9' }];
    for (const o of others) expect(requestHash({ ...line, ...o })).toBe(requestHash(line));
  });

  it('depend on what is stored or kept: time, user id, user agent, method, URL', () => {
    const changes = [{ time: new Date('2026-11-02T10:00:01Z') }, { user: 'ursula' }, { userAgent: 'curl/8.0' }, { method: 'HEAD' }, { url: '/datasets/ds-b' }];
    for (const c of changes) expect(requestHash({ ...line, ...c })).not.toBe(requestHash(line));
  });

  it('two visitors differing only by IP get ids that differ only by occurrence; alone, a line keeps its id whatever its IP', () => {
    const other = { ...line, ip: '203.0.113.5', sessionId: null };
    const h = requestHash(line);
    expect(idsOf([line, other])).toEqual([logEventId(h, 0), logEventId(h, 1)]);
    expect(idsOf([other, line])).toEqual(idsOf([line, other]));
    expect(new Set(idsOf([line, other, line])).size).toBe(3);
    expect(idsOf([other])).toEqual(idsOf([line]));
  });

  it('legacy ids are those stored by versions whose request hash took in the IP, session and cookie', () => {
    // Computed with src/logs/log-events.ts at f3e7215 (requestHash then hashed IP, session and cookie in).
    const h = legacyRequestHash(line);
    expect(h).toBe('b30f5ba630a5b3f386622242bc9bdbb9a656e73a6c126435617d90166cf1c544');
    expect(logEventId(h, 0)).toBe('log-87fb9c5cdc1e362e107cb67974d0559a50118425');
    expect(logEventId(h, 1)).toBe('log-c0099b33e3c97a8a104478a3952bc5ecdf640467');
    expect(legacyRequestHash({ ...line, ip: '192.0.2.8' })).not.toBe(h);
  });
});
