/**
 * The COUNTER Code of Practice for Research Data rules, one test per rule,
 * on the pure day tally (src/counting/day-tally.ts) and identity keys
 * (src/counting/identity.ts). docs/counting.md maps each rule to its CoP
 * section and to these tests.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DayTally, type TallyEvent, type TargetFigures } from '../src/counting/day-tally';
import { clickIdentity, clickItem, eventKeys, hashKey, normalizeIp, uniqueSession, type DaySecret, type IdentityInput } from '../src/counting/identity';
import { AccessAction, ResourceType } from '../src/domain/resources';
import { clickMixArb, clickMixEvent, type ClickSpec } from './support/click-mix';

const DAY = '2026-05-01';
const T = (hms: string, day = DAY): Date => new Date(`${day}T${hms}Z`);

interface Click extends IdentityInput {
  id?: string;
  resourceType?: ResourceType;
  resourceId?: string;
  action?: AccessAction;
  datasetIds?: string[];
  url?: string | null;
  trafficClass?: 'regular' | 'machine' | 'robot';
  httpStatus?: number | null;
  bytes?: number | null;
  country?: string | null;
  /** The sender (`LoggedEvent.scope`); default `portal-1`. */
  scope?: string;
  /** Recorded by a USER key about its own access. */
  ownAccess?: boolean;
}

/** A fixed secret per UTC day, as the database would hold (src/store/identity-secret.repository.ts). */
const secretOf = (day: string): DaySecret => createHash('sha256').update(`test secret of ${day}`).digest();

let seq = 0;
/** An event as ingestion builds it (same key functions, a secret per day). */
function ev(c: Click): TallyEvent {
  const id = c.id ?? `e${++seq}`;
  const resourceType = c.resourceType ?? ResourceType.DATASET;
  const resourceId = c.resourceId ?? 'ds-1';
  const action = c.action ?? AccessAction.VIEW;
  return {
    _id: id,
    t: c.timestamp.getTime(),
    resourceType,
    resourceId,
    action,
    datasetIds: c.datasetIds ?? [],
    userId: c.userId ?? null,
    trafficClass: c.trafficClass ?? 'regular',
    httpStatus: c.httpStatus ?? null,
    bytes: c.bytes ?? null,
    country: c.country ?? null,
    ...eventKeys({ ...c, scope: c.scope ?? 'portal-1', resourceType, resourceId, action }, id, secretOf),
  };
}

function tally(events: TallyEvent[], day = DAY): DayTally {
  const t = new DayTally(day);
  for (const e of events) t.add(e);
  return t;
}

function fig(t: DayTally, type: ResourceType, id: string, userId: string | null = null): TargetFigures | undefined {
  return t.all().find((f) => f.resourceType === type && f.resourceId === id && f.userId === userId);
}

const ds = (t: DayTally, id = 'ds-1') => fig(t, ResourceType.DATASET, id)!.counters;

const visitor = { ipAddress: '192.0.2.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' };

describe('double clicks (CoP-RD §10 / COUNTER R5 §7.2): same identity, same item, within 30 s, keep the last', () => {
  it('10:01:00 + 10:01:29 is one action', () => {
    const t = tally([ev({ ...visitor, timestamp: T('10:01:00') }), ev({ ...visitor, timestamp: T('10:01:29') })]);
    expect(ds(t).views).toBe(1);
    expect(ds(t).doubleClicks).toBe(1);
  });

  it('10:01:00 + 10:01:35 are two actions', () => {
    const t = tally([ev({ ...visitor, timestamp: T('10:01:00') }), ev({ ...visitor, timestamp: T('10:01:35') })]);
    expect(ds(t).views).toBe(2);
  });

  it('the window slides and the last click is kept: 0 s, 29 s, 35 s is one action, dated 35 s', () => {
    const t = tally([
      ev({ ...visitor, timestamp: T('10:59:31'), userId: 'u1' }),
      ev({ ...visitor, timestamp: T('10:59:59'), userId: 'u1' }),
      ev({ ...visitor, timestamp: T('11:00:05'), userId: 'u1' }),
    ]);
    expect(ds(t).views).toBe(1);
    // Kept click at 11:00:05: the unique falls in the 11:00 session.
    expect(ds(t).uniqueInvestigations).toBe(1);
    expect(fig(t, ResourceType.DATASET, 'ds-1')!.lastViewedAt).toEqual(T('11:00:05'));
  });

  it('is per item: three different files of one dataset downloaded within 30 s are three requests of the dataset', () => {
    const files = ['f-1', 'f-2', 'f-3'].map((f, i) =>
      ev({ ...visitor, resourceType: ResourceType.FILE, resourceId: f, datasetIds: ['ds-1'], action: AccessAction.DOWNLOAD, timestamp: T(`10:00:0${i}`) }),
    );
    const t = tally(files);
    expect(ds(t).downloads).toBe(3);
    // ...one session, one dataset: one unique request, never the sum of file uniques.
    expect(ds(t).uniqueRequests).toBe(1);
    expect(ds(t).uniqueInvestigations).toBe(1);
    for (const f of ['f-1', 'f-2', 'f-3']) expect(fig(t, ResourceType.FILE, f)!.counters.downloads).toBe(1);
  });

  it('is refined by the URL when the portal sends one', () => {
    const t = tally([
      ev({ ...visitor, url: '/dataset/ds-1?page=1', timestamp: T('10:00:00') }),
      ev({ ...visitor, url: '/dataset/ds-1?page=2', timestamp: T('10:00:10') }),
      ev({ ...visitor, url: '/dataset/ds-1?page=2', timestamp: T('10:00:20') }),
    ]);
    expect(ds(t).views).toBe(2);
  });

  it('a landing page view and a download are different items', () => {
    const t = tally([ev({ ...visitor, timestamp: T('10:00:00') }), ev({ ...visitor, action: AccessAction.DOWNLOAD, timestamp: T('10:00:05') })]);
    expect(ds(t)).toMatchObject({ views: 1, downloads: 1, uniqueInvestigations: 1, uniqueRequests: 1 });
  });

  it('IP + user agent identities are sliced by hour: 13:59:50 and 14:00:05 from one anonymous visitor are two actions', () => {
    const t = tally([ev({ ...visitor, timestamp: T('13:59:50') }), ev({ ...visitor, timestamp: T('14:00:05') })]);
    expect(ds(t).views).toBe(2);
  });

  it('a user id is not sliced: 13:59:50 and 14:00:05 by one user are one action', () => {
    const t = tally([ev({ userId: 'u1', timestamp: T('13:59:50') }), ev({ userId: 'u1', timestamp: T('14:00:05') })]);
    expect(ds(t).views).toBe(1);
  });

  it('the next day\'s first 30 s decide the day\'s last click', () => {
    const day = tally([ev({ userId: 'u1', timestamp: T('23:59:50') }), ev({ userId: 'u1', timestamp: T('00:00:10', '2026-05-02') })]);
    expect(ds(day).views).toBe(0);
    expect(ds(day).doubleClicks).toBe(1);
    const next = tally([ev({ userId: 'u1', timestamp: T('00:00:10', '2026-05-02') })], '2026-05-02');
    expect(ds(next, 'ds-1').views).toBe(1);
  });
});

describe('keys no sender can steer: per sender, resource first, URL only refines', () => {
  const base = { userId: 'reader-1', timestamp: T('10:00:00'), resourceType: 'DATASET', resourceId: 'ds-1', action: 'DOWNLOAD' };
  const keys = (o: Partial<Parameters<typeof eventKeys>[0]> = {}, id = 'e-1') => eventKeys({ ...base, scope: 'portal-1', ...o }, id, secretOf);

  it('the double-click and session keys include the sender: one portal\'s user ids never meet another\'s', () => {
    expect(keys()).toEqual(keys({}, 'e-2'));
    expect(keys({ scope: 'portal-2' }).ck).not.toBe(keys().ck);
    expect(keys({ scope: 'portal-2' }).sk).not.toBe(keys().sk);
    // Every identity kind, anonymous visitors included.
    for (const who of [{ userId: null, userCookie: 'c1' }, { userId: null, sessionId: 's1' }, { userId: null, ...visitor }]) {
      expect(keys({ ...who, scope: 'portal-2' }).ck).not.toBe(keys(who).ck);
      expect(keys({ ...who, scope: 'portal-2' }).sk).not.toBe(keys(who).sk);
    }
  });

  it('the item is the resource and action, refined by the URL, never the URL alone', () => {
    const url = 'https://data.example.org/x.csv';
    expect(keys({ url }).ck).toBe(keys({ url }, 'e-2').ck);
    expect(keys({ url }).ck).not.toBe(keys().ck);
    expect(keys({ url: '/other' }).ck).not.toBe(keys({ url }).ck);
    // The same URL on two resources, or for two actions, is two items.
    expect(keys({ url, resourceId: 'ds-2' }).ck).not.toBe(keys({ url }).ck);
    expect(keys({ url, resourceType: 'FILE' }).ck).not.toBe(keys({ url }).ck);
    expect(keys({ url, action: 'VIEW' }).ck).not.toBe(keys({ url }).ck);
    expect(clickItem({ ...base, url: '  ' })).toEqual(clickItem(base));
    // The URL never touches the session.
    expect(keys({ url }).sk).toBe(keys().sk);
  });

  it('a USER key\'s own accesses ignore the URL: one item per resource and action', () => {
    expect(keys({ ownAccess: true, url: '/a' }).ck).toBe(keys({ ownAccess: true, url: '/b' }).ck);
    expect(keys({ ownAccess: true, url: '/a' }).ck).toBe(keys({ ownAccess: true }).ck);
    expect(keys({ ownAccess: true, action: 'VIEW' }).ck).not.toBe(keys({ ownAccess: true }).ck);
  });

  it('an event without any identity is its own person and session', () => {
    const anon = { userId: null };
    expect(keys(anon, 'e-1').ck).not.toBe(keys(anon, 'e-2').ck);
    expect(keys(anon, 'e-1').sk).not.toBe(keys(anon, 'e-2').sk);
  });

  it('hashes in one function: the keys are the kind prefix and 22 base64url characters, no identity in clear', () => {
    const k = keys({ url: 'https://data.example.org/x.csv' });
    expect(k.ck).toMatch(/^k:[A-Za-z0-9_-]{22}$/);
    expect(k.sk).toMatch(/^s:[A-Za-z0-9_-]{22}$/);
    const secret = secretOf(DAY);
    expect(hashKey('k', ['a', ['b']], secret)).not.toBe(hashKey('k', ['a', 'b'], secret));
    expect(uniqueSession({ userId: 'reader-1', timestamp: T('10:00:00') })).toEqual(['U', 'reader-1', `${DAY}T10`]);
  });

  it('two portals\' trackers sending the same user ids and URL on their own datasets each keep their counts', () => {
    const url = 'https://data.example.org/download/latest.csv';
    const events: TallyEvent[] = [];
    for (let i = 0; i < 20; i++) {
      const s = String(i).padStart(2, '0');
      events.push(ev({ userId: `reader-${i}`, url, scope: 'svc-p1', resourceId: 'ds-1', action: AccessAction.DOWNLOAD, timestamp: T(`10:00:${s}`) }));
      events.push(ev({ userId: `reader-${i}`, url, scope: 'svc-p2', resourceId: 'ds-2', action: AccessAction.DOWNLOAD, timestamp: T(`10:00:${String(i + 5).padStart(2, '0')}`) }));
    }
    const t = tally(events);
    expect(ds(t, 'ds-1')).toMatchObject({ downloads: 20, uniqueRequests: 20, doubleClicks: 0 });
    expect(ds(t, 'ds-2')).toMatchObject({ downloads: 20, uniqueRequests: 20, doubleClicks: 0 });
    // Even on one resource, two senders' "reader-1" are two people.
    const shared = tally([
      ev({ userId: 'reader-1', url, scope: 'svc-p1', timestamp: T('11:00:00') }),
      ev({ userId: 'reader-1', url, scope: 'svc-p2', timestamp: T('11:00:05') }),
    ]);
    expect(ds(shared)).toMatchObject({ views: 2, uniqueInvestigations: 2, doubleClicks: 0 });
  });

  it('a USER sending 10 downloads with distinct URLs in 10 s counts 1 download', () => {
    const t = tally(
      Array.from({ length: 10 }, (_, i) =>
        ev({ userId: 'carol', scope: 'carol', ownAccess: true, url: `/d?x=${i}`, action: AccessAction.DOWNLOAD, timestamp: T(`10:00:0${i}`) }),
      ),
    );
    expect(ds(t)).toMatchObject({ downloads: 1, uniqueRequests: 1, doubleClicks: 9 });
  });
});

describe('identity (CoP-RD §10): user id › user cookie › session cookie › IP + user agent', () => {
  it('ranks the identities in the CoP order', () => {
    const t = T('10:00:00');
    const all = { userId: 'u1', userCookie: 'c1', sessionId: 's1', ...visitor, timestamp: t };
    expect(clickIdentity(all)).toEqual(clickIdentity({ userId: 'u1', timestamp: t }));
    expect(clickIdentity({ ...all, userId: null })).toEqual(clickIdentity({ userCookie: 'c1', timestamp: t }));
    expect(clickIdentity({ ...all, userId: null, userCookie: null })).toEqual(clickIdentity({ sessionId: 's1', timestamp: t }));
    expect(clickIdentity({ ...visitor, timestamp: t })).not.toBeNull();
    expect(clickIdentity({ timestamp: t })).toBeNull();
  });

  it('::ffff:a.b.c.d and a.b.c.d are one visitor (counter-processor sees two)', () => {
    expect(normalizeIp('::ffff:192.0.2.7')).toBe('192.0.2.7');
    const t = tally([
      ev({ ...visitor, timestamp: T('10:00:00') }),
      ev({ ...visitor, ipAddress: '::FFFF:192.0.2.7', timestamp: T('10:00:10') }),
    ]);
    expect(ds(t).views).toBe(1);
  });

  it('login mid-visit: the session cookie keeps one session, so one unique', () => {
    const t = tally([
      ev({ sessionId: 's1', ...visitor, timestamp: T('10:00:00') }),
      ev({ sessionId: 's1', userId: 'u1', ...visitor, timestamp: T('10:00:10') }),
    ]);
    // Different identities for the double-click filter (the user logged in)...
    expect(ds(t).views).toBe(2);
    // ...one session for the unique count.
    expect(ds(t).uniqueInvestigations).toBe(1);
  });
});

describe('sessions for uniques (CoP-RD §10): session cookie + date, else identity + date + hour', () => {
  it('a session cookie spans the day: 09:10 and 15:40 are one unique', () => {
    const t = tally([ev({ sessionId: 's1', timestamp: T('09:10:00') }), ev({ sessionId: 's1', timestamp: T('15:40:00') })]);
    expect(ds(t)).toMatchObject({ views: 2, uniqueInvestigations: 1 });
  });

  it('a user id session is sliced by hour: 09:10 and 10:10 are two uniques', () => {
    const t = tally([ev({ userId: 'u1', timestamp: T('09:10:00') }), ev({ userId: 'u1', timestamp: T('10:10:00') })]);
    expect(ds(t)).toMatchObject({ views: 2, uniqueInvestigations: 2 });
  });

  it('IP + user agent sessions are sliced by hour', () => {
    const t = tally([ev({ ...visitor, timestamp: T('09:10:00') }), ev({ ...visitor, timestamp: T('09:50:00') }), ev({ ...visitor, timestamp: T('10:05:00') })]);
    expect(ds(t).uniqueInvestigations).toBe(2);
  });

  it('uniques are per access method: browsing then scripting in one hour is one regular and one machine unique', () => {
    const t = tally([
      ev({ userId: 'u1', timestamp: T('10:05:00'), action: AccessAction.DOWNLOAD }),
      ev({ userId: 'u1', timestamp: T('10:20:00'), action: AccessAction.DOWNLOAD, trafficClass: 'machine' }),
    ]);
    expect(ds(t)).toMatchObject({
      downloads: 1,
      machineDownloads: 1,
      uniqueRequests: 1,
      machineUniqueRequests: 1,
      uniqueInvestigations: 1,
      machineUniqueInvestigations: 1,
    });
  });

  it('visitors without a country keep their uniques (counter-processor drops them)', () => {
    const t = tally([ev({ ...visitor, timestamp: T('10:00:00'), country: null })]);
    expect(ds(t).uniqueInvestigations).toBe(1);
    expect(fig(t, ResourceType.DATASET, 'ds-1')!.countries).toEqual({ ZZ: { ti: 1, ui: 1, tr: 0, ur: 0, mti: 0, mui: 0, mtr: 0, mur: 0 } });
  });
});

describe('what counts', () => {
  it('investigations include requests; volume sums the bytes of counted requests', () => {
    const t = tally([
      ev({ ...visitor, action: AccessAction.DOWNLOAD, bytes: 1000, timestamp: T('10:00:00') }),
      ev({ ...visitor, action: AccessAction.DOWNLOAD, bytes: 1000, timestamp: T('10:00:10') }),
      ev({ ...visitor, action: AccessAction.DOWNLOAD, bytes: 4000, timestamp: T('11:00:00'), country: 'FR' }),
    ]);
    expect(ds(t)).toMatchObject({ downloads: 2, volume: 5000, uniqueRequests: 2, uniqueInvestigations: 2 });
    expect(fig(t, ResourceType.DATASET, 'ds-1')!.countries!.FR).toMatchObject({ ti: 1, tr: 1, ui: 1, ur: 1 });
  });

  it('only HTTP 200 and 304 count; others are tallied apart and break no chain', () => {
    const t = tally([
      ev({ ...visitor, timestamp: T('10:00:00'), httpStatus: 304 }),
      ev({ ...visitor, timestamp: T('10:00:10'), httpStatus: 404 }),
      ev({ ...visitor, timestamp: T('10:05:00'), httpStatus: 500 }),
    ]);
    expect(ds(t)).toMatchObject({ views: 1, failedEvents: 2, doubleClicks: 0 });
  });

  it('robots are tallied, never counted, and break no chain', () => {
    const t = tally([
      ev({ ...visitor, timestamp: T('10:00:00') }),
      ev({ ...visitor, timestamp: T('10:00:10'), trafficClass: 'robot' }),
    ]);
    expect(ds(t)).toMatchObject({ views: 1, robotEvents: 1, uniqueInvestigations: 1 });
  });

  it('per-user figures follow the same rules', () => {
    const t = tally([ev({ userId: 'u1', timestamp: T('10:00:00') }), ev({ userId: 'u1', timestamp: T('10:00:20') })]);
    expect(fig(t, ResourceType.DATASET, 'ds-1', 'u1')!.counters).toMatchObject({ views: 1, uniqueInvestigations: 1, doubleClicks: 1 });
  });
});

describe('any delivery order, any batching', () => {
  const clickArb = clickMixArb({ people: 5, days: 2 });

  function build(clicks: ClickSpec[]): TallyEvent[] {
    const base = Date.parse(`${DAY}T00:00:00Z`);
    return clicks.map((c, i) => {
      const who = [{ userId: 'u1' }, { sessionId: 's1', ...visitor }, { ...visitor }, { userCookie: 'c9' }, { userId: 'u2', sessionId: 's2' }][c.who];
      return ev({ ...clickMixEvent(c, i, base), ...who, bytes: 100 });
    });
  }

  const sorted = (fs: TargetFigures[]) =>
    [...fs].sort((a, b) => `${a.resourceType}${a.resourceId}${a.userId}`.localeCompare(`${b.resourceType}${b.resourceId}${b.userId}`));

  it('gives identical figures (totals, uniques, countries, per user) for every order and batch split', () => {
    fc.assert(
      fc.property(
        fc.array(clickArb, { minLength: 1, maxLength: 40 }),
        fc.infiniteStream(fc.nat()),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        (clicks, randomness, splits) => {
          const events = build(clicks);
          const reference = sorted(tally([...events].sort((a, b) => a.t - b.t)).all());
          // A random permutation, delivered in random batches with a read in between.
          const shuffled = [...events];
          const it = randomness[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = it.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
          }
          const t = new DayTally(DAY);
          let pos = 0;
          let s = 0;
          while (pos < shuffled.length) {
            const n = splits[s++ % splits.length];
            for (const e of shuffled.slice(pos, pos + n)) t.add(e);
            t.takeChanged();
            pos += n;
          }
          // Retries: every event again, in reverse.
          for (const e of [...shuffled].reverse()) t.add(e);
          expect(sorted(t.all())).toEqual(reference);
        },
      ),
      { seed: 20261130, numRuns: 300 },
    );
  });
});
