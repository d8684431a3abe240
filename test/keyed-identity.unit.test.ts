/**
 * Keyed identity keys (issue 19 item 1): the double-click and session keys
 * are HMACs with a secret per UTC day, and nothing counted changes — the
 * pure day tally gives the figures the unkeyed keys gave, across midnight
 * too (src/counting/identity.ts, src/counting/day-tally.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DayTally, type TallyEvent, type TargetFigures } from '../src/counting/day-tally';
import {
  eventKeys,
  hashKey,
  secretDaysOf,
  unkeyedEventKeys,
  type DaySecret,
  type EventKeyInput,
  type EventKeys,
  type KeyPart,
} from '../src/counting/identity';
import { utcDay } from '../src/util/utc-day';
import { firstKeptSecretDay } from '../src/ingest/day-secrets';
import { importHint } from '../src/logs/log-cli';
import { identityKeyWindowDays, loadConfig } from '../src/config';
import { AccessAction, ResourceType } from '../src/domain/resources';
import { clickMixArb, clickMixEvent } from './support/click-mix';

const DAY = '2026-05-01';
const NEXT = '2026-05-02';
const secretOf = (day: string): DaySecret => createHash('sha256').update(`secret of ${day}`).digest();

/** The keys as versions before keyed hashing stored them: unkeyed SHA-256, one key for every day, no `ckp`. */
function legacyKeys(e: EventKeyInput, eventKey: string): EventKeys {
  return unkeyedEventKeys(e, eventKey);
}

type Keying = (e: EventKeyInput, id: string) => EventKeys;
const keyed: Keying = (e, id) => eventKeys(e, id, secretOf);

interface Click {
  id: string;
  timestamp: Date;
  who: Partial<EventKeyInput>;
  resourceType?: ResourceType;
  resourceId?: string;
  datasetIds?: string[];
  action?: AccessAction;
  trafficClass?: 'regular' | 'machine' | 'robot';
  httpStatus?: number | null;
  country?: string | null;
}

function ev(c: Click, keys: Keying): TallyEvent {
  const resourceType = c.resourceType ?? ResourceType.DATASET;
  const resourceId = c.resourceId ?? 'ds-1';
  const action = c.action ?? AccessAction.VIEW;
  return {
    _id: c.id,
    t: c.timestamp.getTime(),
    resourceType,
    resourceId,
    action,
    datasetIds: c.datasetIds ?? [],
    userId: c.who.userId ?? null,
    trafficClass: c.trafficClass ?? 'regular',
    httpStatus: c.httpStatus ?? null,
    bytes: 100,
    country: c.country ?? null,
    ...keys({ ...c.who, timestamp: c.timestamp, scope: 'portal-1', resourceType, resourceId, action }, c.id),
  };
}

function figures(day: string, events: TallyEvent[]): TargetFigures[] {
  const t = new DayTally(day);
  for (const e of events) t.add(e);
  return t.all().sort((a, b) => `${a.resourceType}${a.resourceId}${a.userId}`.localeCompare(`${b.resourceType}${b.resourceId}${b.userId}`));
}

const visitor = { ipAddress: '192.0.2.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' };
const at = (iso: string): Date => new Date(iso);

describe('keyed hashing', () => {
  it('a key is an HMAC of the day\'s secret: same secret same key, another secret or none another key, same shape', () => {
    const parts: KeyPart[] = ['portal-1', ['a', '192.0.2.7', 'Firefox', `${DAY}T10`], ['DATASET', 'ds-1', 'VIEW', null]];
    const s = secretOf(DAY);
    expect(hashKey('k', parts, s)).toBe(hashKey('k', parts, Buffer.from(s)));
    expect(hashKey('k', parts, s)).toMatch(/^k:[A-Za-z0-9_-]{22}$/);
    expect(hashKey('k', parts, s)).not.toBe(hashKey('k', parts, secretOf(NEXT)));
    expect(hashKey('k', parts, s)).not.toBe(hashKey('k', parts, null));
    expect(hashKey('k', parts, s)).not.toBe(hashKey('k', parts, randomBytes(32)));
  });

  it('an event is keyed with its own day\'s secret; only events of a day\'s first 30 s also carry ckp, made with the day before\'s', () => {
    const who = { userId: 'u1' };
    const late = keyed({ ...who, scope: 'p', timestamp: at(`${DAY}T23:59:50Z`), resourceType: 'DATASET', resourceId: 'ds-1', action: 'VIEW' }, 'e1');
    const early = keyed({ ...who, scope: 'p', timestamp: at(`${NEXT}T00:00:05Z`), resourceType: 'DATASET', resourceId: 'ds-1', action: 'VIEW' }, 'e2');
    const noon = keyed({ ...who, scope: 'p', timestamp: at(`${NEXT}T12:00:00Z`), resourceType: 'DATASET', resourceId: 'ds-1', action: 'VIEW' }, 'e3');
    expect(late.ckp).toBeUndefined();
    expect(noon.ckp).toBeUndefined();
    expect(early.ck).not.toBe(late.ck); // two days, two secrets
    expect(early.ckp).toBe(late.ck); // the day before's key of the same click identity
    expect(early.ck).toBe(noon.ck); // one day, one key (a user id is not sliced by hour)
    // 30 s inclusive, as DayTally.accepts and the day index.
    expect(secretDaysOf([at(`${NEXT}T00:00:30.000Z`)])).toEqual([NEXT, DAY]);
    expect(secretDaysOf([at(`${NEXT}T00:00:30.001Z`)])).toEqual([NEXT]);
    expect(secretDaysOf([at(`${NEXT}T10:00:00Z`), at(`${NEXT}T00:00:01Z`), at(`${NEXT}T23:00:00Z`)])).toEqual([NEXT, DAY]);
  });

  it('a cross-midnight double click by one user id is still filtered: 23:59:50 + 00:00:05 is one action, counted on the second day', () => {
    const clicks: Click[] = [
      { id: 'a', timestamp: at(`${DAY}T23:59:50Z`), who: { userId: 'u1' } },
      { id: 'b', timestamp: at(`${NEXT}T00:00:05Z`), who: { userId: 'u1' } },
    ];
    const events = clicks.map((c) => ev(c, keyed));
    const day = figures(DAY, events).find((f) => f.userId === null)!.counters;
    expect(day).toMatchObject({ views: 0, doubleClicks: 1, uniqueInvestigations: 0 });
    const next = figures(NEXT, events).find((f) => f.userId === null)!.counters;
    expect(next).toMatchObject({ views: 1, doubleClicks: 0, uniqueInvestigations: 1 });
    // Without ckp the two per-day keys never meet: the day would count the click.
    const stripped = events.map(({ ckp, ...e }) => (void ckp, e));
    expect(figures(DAY, stripped).find((f) => f.userId === null)!.counters.views).toBe(1);
  });

  it('events stored before keyed hashing (no ckp, one key for every day) still chain across midnight', () => {
    const events = [
      ev({ id: 'a', timestamp: at(`${DAY}T23:59:50Z`), who: { userCookie: 'c1' } }, legacyKeys),
      ev({ id: 'b', timestamp: at(`${NEXT}T00:00:05Z`), who: { userCookie: 'c1' } }, legacyKeys),
    ];
    expect(figures(DAY, events)[0].counters).toMatchObject({ views: 0, doubleClicks: 1 });
  });

  /** The click mix of the order property (counting.unit.test.ts), across two midnights. */
  const clickArb = clickMixArb({ people: 6, days: 3 });
  const people: Partial<EventKeyInput>[] = [{ userId: 'u1' }, { sessionId: 's1', ...visitor }, { ...visitor }, { userCookie: 'c9' }, { userId: 'u2', sessionId: 's2' }, {}];

  it('the same events give identical figures, every day, keyed per day as unkeyed (the keys before this change)', () => {
    fc.assert(
      fc.property(fc.array(clickArb, { minLength: 1, maxLength: 40 }), (specs) => {
        const base = Date.parse(`${DAY}T00:00:00Z`);
        const clicks: Click[] = specs.map((c, i) => ({ ...clickMixEvent(c, i, base), who: people[c.who] }));
        const withSecrets = clicks.map((c) => ev(c, keyed));
        const before = clicks.map((c) => ev(c, legacyKeys));
        for (const day of ['2026-04-30', DAY, NEXT, '2026-05-03']) expect(figures(day, withSecrets)).toEqual(figures(day, before));
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });
});

describe('the key window', () => {
  it('keeps the secret of every day an accepted event can need, the day before the oldest instant\'s when it opens its day', () => {
    // Events up to 7 days old: the oldest accepted instant is 2026-05-01T12:00Z.
    expect(firstKeptSecretDay(at('2026-05-08T12:00:00Z'), 7)).toBe('2026-05-01');
    // 2026-05-01T00:00:10Z is accepted and its ckp needs 2026-04-30's secret.
    expect(firstKeptSecretDay(at('2026-05-08T00:00:10Z'), 7)).toBe('2026-04-30');
    expect(firstKeptSecretDay(at('2026-05-08T00:00:40Z'), 7)).toBe('2026-05-01');
    expect(utcDay(at('2026-05-08T00:00:40Z'))).toBe('2026-05-08');
  });
});

describe('import-logs names the setting that refused a line', () => {
  const c = { maxEventAgeDays: 400, maxFutureSkewMs: 300_000, historical: false, portal: null, maxLineBytes: 65_536 };
  const old = 'timestamp 2026-01-01T00:00:00.000Z is older than 7 days';
  it('IDENTITY_KEY_DAYS when it is the shorter window, else MAX_EVENT_AGE_DAYS', () => {
    expect(importHint('INVALID_TIMESTAMP', old, { ...c, identityKeyDays: 7 })).toBe('older than IDENTITY_KEY_DAYS=7 (use --historical to import archived logs)');
    expect(importHint('INVALID_TIMESTAMP', old, { ...c, identityKeyDays: null })).toBe('older than MAX_EVENT_AGE_DAYS=400 (use --historical to import archived logs)');
    expect(importHint('INVALID_TIMESTAMP', old, { ...c, identityKeyDays: 500 })).toBe('older than MAX_EVENT_AGE_DAYS=400 (use --historical to import archived logs)');
  });
});

describe('IDENTITY_KEY_DAYS', () => {
  it('bounds the window when shorter than MAX_EVENT_AGE_DAYS; unset, the window is MAX_EVENT_AGE_DAYS; 0 is refused', () => {
    expect(identityKeyWindowDays(loadConfig({}))).toBe(400);
    expect(identityKeyWindowDays(loadConfig({ IDENTITY_KEY_DAYS: '7' }))).toBe(7);
    expect(identityKeyWindowDays(loadConfig({ IDENTITY_KEY_DAYS: '900' }))).toBe(400);
    expect(identityKeyWindowDays(loadConfig({ IDENTITY_KEY_DAYS: '30', MAX_EVENT_AGE_DAYS: '10' }))).toBe(10);
    expect(() => loadConfig({ IDENTITY_KEY_DAYS: '0' })).toThrow(/IDENTITY_KEY_DAYS must be an integer >= 1/);
  });
});
