/**
 * Issue 19, item 3: the pure parts of erasure — which events a user cookie
 * made (through their keyed keys), what their removal touches, and the
 * report printed by `usage-gateway forget`.
 */
import { randomBytes } from 'node:crypto';
import { eventKeys, unkeyedEventKeys, type EventKeyInput } from '../src/counting/identity';
import { ResourceType, AccessAction } from '../src/domain/resources';
import { changedCounters, eventsPerDay, eventsPerSender, madeFromCookie, scopeOf, targetsOf, type CookieCandidate } from '../src/privacy/end-user-match';
import { forgetReport } from '../src/privacy/privacy-cli';

const SECRET = randomBytes(32);
const OTHER_SECRET = randomBytes(32);

function stored(input: Partial<EventKeyInput> & { t: string; key: string }, secret: Buffer | null): CookieCandidate {
  const e: EventKeyInput = {
    scope: scopeOf(input.key),
    resourceType: ResourceType.DATASET,
    resourceId: 'd1',
    action: AccessAction.VIEW,
    url: null,
    ...input,
    timestamp: new Date(input.t),
  };
  const keys = secret === null ? unkeyedEventKeys(e, input.key) : eventKeys(e, input.key, () => secret);
  return { _id: input.key, t: e.timestamp, resourceType: e.resourceType as ResourceType, resourceId: e.resourceId, action: e.action as AccessAction, url: e.url ?? null, ck: keys.ck, sk: keys.sk };
}

describe('madeFromCookie', () => {
  const secretOf = (day: string) => (day === '2026-11-30' ? SECRET : null);

  it('matches the events whose keys a cookie made while their day\'s secret exists', () => {
    const e = stored({ key: 'portal-a|e1', t: '2026-11-30T10:00:00Z', userCookie: 'cookie-1' }, SECRET);
    expect(madeFromCookie(e, 'cookie-1', secretOf)).toBe(true);
    // Surrounding blanks are not part of a cookie (identity.ts trims them).
    expect(madeFromCookie(e, ' cookie-1 ', secretOf)).toBe(true);
    expect(madeFromCookie(e, 'cookie-2', secretOf)).toBe(false);
  });

  it('is per sender: the same cookie sent by another sender is another visitor', () => {
    const e = stored({ key: 'portal-a|e1', t: '2026-11-30T10:00:00Z', userCookie: 'cookie-1' }, SECRET);
    expect(madeFromCookie({ ...e, _id: 'portal-b|e1' }, 'cookie-1', secretOf)).toBe(false);
  });

  it('no longer matches once the day\'s secret is destroyed (or with another secret)', () => {
    const e = stored({ key: 'portal-a|e1', t: '2026-11-30T10:00:00Z', userCookie: 'cookie-1' }, SECRET);
    expect(madeFromCookie(e, 'cookie-1', () => null)).toBe(false);
    expect(madeFromCookie(e, 'cookie-1', () => OTHER_SECRET)).toBe(false);
  });

  it('matches through the double-click key when a session id made the session key', () => {
    const e = stored({ key: 'portal-a|e2', t: '2026-11-30T10:00:00Z', userCookie: 'cookie-1', sessionId: 'sess-9', url: 'https://p.example/d1?x=1' }, SECRET);
    expect(madeFromCookie(e, 'cookie-1', secretOf)).toBe(true);
    expect(madeFromCookie(e, 'sess-9', secretOf)).toBe(false);
  });

  it('matches keys stored before keyed hashing (unkeyed) on any day', () => {
    const e = stored({ key: 'portal-a|e3', t: '2025-01-02T10:00:00Z', userCookie: 'cookie-1' }, null);
    expect(madeFromCookie(e, 'cookie-1', () => null)).toBe(true);
    expect(madeFromCookie(e, 'cookie-2', () => null)).toBe(false);
  });

  it('never matches an event of a user id or of an IP + agent', () => {
    const byUser = stored({ key: 'portal-a|e4', t: '2026-11-30T10:00:00Z', userId: 'reader-1', userCookie: 'cookie-1' }, SECRET);
    expect(madeFromCookie(byUser, 'cookie-1', secretOf)).toBe(false);
    const byIp = stored({ key: 'portal-a|e5', t: '2026-11-30T10:00:00Z', ipAddress: '192.0.2.1', userAgent: 'Firefox' }, SECRET);
    expect(madeFromCookie(byIp, 'cookie-1', secretOf)).toBe(false);
  });
});

describe('what a removal touches', () => {
  it('a file event counts for its datasets, and per user when it has one', () => {
    expect(
      targetsOf([
        { resourceType: ResourceType.FILE, resourceId: 'f1', datasetIds: ['d1', 'd2'], userId: 'u1' },
        { resourceType: ResourceType.DATASET, resourceId: 'd1', datasetIds: [], userId: null },
      ]),
    ).toEqual([
      { resourceType: 'DATASET', resourceId: 'd1', userId: null },
      { resourceType: 'DATASET', resourceId: 'd2', userId: null },
      { resourceType: 'FILE', resourceId: 'f1', userId: null },
      { resourceType: 'DATASET', resourceId: 'd1', userId: 'u1' },
      { resourceType: 'DATASET', resourceId: 'd2', userId: 'u1' },
      { resourceType: 'FILE', resourceId: 'f1', userId: 'u1' },
    ]);
  });

  it('counts events per day and per sender, and lists only the counters that moved', () => {
    const ev = [
      { _id: 'a|1', t: new Date('2026-11-30T23:59:59Z') },
      { _id: 'b|2', t: new Date('2026-12-01T00:00:10Z') },
      { _id: 'a|3', t: new Date('2026-12-01T08:00:00Z') },
    ];
    expect(eventsPerDay(ev)).toEqual([
      { day: '2026-11-30', events: 1 },
      { day: '2026-12-01', events: 2 },
    ]);
    expect(eventsPerSender(ev)).toEqual([
      { sender: 'a', events: 2 },
      { sender: 'b', events: 1 },
    ]);
    expect(changedCounters({ views: 3, downloads: 1 }, { views: 2, downloads: 1 }, ['views', 'downloads', 'apiCalls'])).toEqual([{ counter: 'views', before: 3, after: 2 }]);
  });
});

describe('forgetReport', () => {
  const summary = {
    receipt: 'pr_x',
    dryRun: false,
    sender: 'portal-a',
    events: 3,
    perDay: [{ day: '2026-11-30', events: 3 }],
    perSender: [{ sender: 'portal-a', events: 3 }],
    daysRecounted: ['2026-11-29', '2026-11-30'],
    resources: [{ resourceType: 'DATASET', resourceId: 'd1', changes: [{ counter: 'views', before: 5, after: 2 }] }],
    userFiguresRemoved: 1,
    cookieLinkableFrom: '2026-11-28',
  };

  it('says what was removed, what was recounted and how the figures moved', () => {
    const text = forgetReport(summary, false);
    expect(text).toContain('removed 3 events of this end user of sender "portal-a" (receipt pr_x)');
    expect(text).toContain('recounted 2 days: 2026-11-29 2026-11-30');
    expect(text).toContain('DATASET d1: views 5 → 2');
    expect(text).toContain('per-user figures removed: 1');
    expect(text).not.toContain('cookie');
    const year = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    expect(forgetReport({ ...summary, daysRecounted: year }, false)).toContain('recounted 300 days, 2026-01-01 to 2026-10-27\n');
  });

  it('for a cookie, says which days could be searched and that older events can no longer be linked', () => {
    const text = forgetReport(summary, true);
    expect(text).toMatch(/Events from 2026-11-28 on .* were searched/);
    expect(text).toMatch(/earlier days can no longer be linked to this cookie/);
    expect(forgetReport({ ...summary, cookieLinkableFrom: null }, true)).toMatch(/No day secret exists any more/);
  });
});
