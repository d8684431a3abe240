import { ResourceType } from '../src/domain/resources';
import {
  QUARANTINE_PREFIX,
  dailyBefore,
  dailyId,
  dailyRange,
  dayIndexId,
  dayIndexRange,
  dayIndexesAfter,
  dayIndexesBefore,
  dayOfDailyId,
  dayOfIndexId,
  dayRange,
  daySecretsBefore,
  eventIdOfKey,
  eventKey,
  eventLogRanges,
  eventRange,
  flushIdOfQueueId,
  hubSubmissionId,
  hubSubmissionRange,
  journalStepId,
  keyOfQuarantineId,
  prefixEnd,
  prefixRange,
  prefixRangeAfter,
  quarantineId,
  quarantineRange,
  quarantineRangeAfter,
  scopeOfKey,
  queueId,
  queueRange,
  totalsId,
  totalsRange,
  userDailyId,
  userTotalsId,
  userTotalsRange,
  type IdRange,
} from '../src/store/storage-keys';

/** String order of MongoDB and FerretDB (simple collation): by UTF-8 bytes, not by UTF-16 units as JS `<` does. */
function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function inRange(r: IdRange | { $gte: string }, id: string): boolean {
  const lo = r as { $gte?: string; $gt?: string; $lt?: string };
  if (lo.$gte !== undefined && cmp(id, lo.$gte) < 0) return false;
  if (lo.$gt !== undefined && cmp(id, lo.$gt) <= 0) return false;
  if (lo.$lt !== undefined && cmp(id, lo.$lt) >= 0) return false;
  return true;
}

/** Characters that sit next to the separators in code point order, and ones past U+FFFF. */
const EDGE_TAILS = ['', 'a', '|', '}', '~', ':', ';', '{', '\u007f', '\u00e9', '\uffff', '😀', '😀|x', '\u{10fffd}', 'z|~}:;'];

describe('storage keys: layouts', () => {
  it('builds each documented `_id` layout', () => {
    expect(totalsId(ResourceType.DATASET, 'ds-1')).toBe('DATASET:ds-1');
    expect(userTotalsId(ResourceType.DATASET, 'ds-1', 'u-1')).toBe('u-1|DATASET:ds-1');
    expect(dailyId(ResourceType.DATASET, '2026-01-31', 'ds-1')).toBe('DATASET|2026-01-31|ds-1');
    expect(userDailyId(ResourceType.FILE, '2026-01-31', 'u-1', 'f-1')).toBe('FILE|2026-01-31|u-1|f-1');
    expect(eventKey('svc-rennes', 'e|42')).toBe('svc-rennes|e|42');
    expect(dayIndexId('2026-01-31', 'f1a2')).toBe('~i|2026-01-31|f1a2');
    expect(queueId('f1a2')).toBe('~q|f1a2');
    expect(quarantineId('svc-rennes|e-42')).toBe('~x|svc-rennes|e-42');
    expect(hubSubmissionId('https://api.datacite.org/reports', '2026-01')).toBe('https://api.datacite.org/reports|2026-01');
    expect(journalStepId('2026-01-31.9f8e', 3)).toBe('2026-01-31.9f8e.3');
  });

  it('reads the parts back out of an id', () => {
    expect(dayOfIndexId(dayIndexId('2026-01-31', 'f|1'))).toBe('2026-01-31');
    expect(flushIdOfQueueId(queueId('f|1'))).toBe('f|1');
    expect(eventIdOfKey(eventKey('svc-1', 'e|1|😀'))).toBe('e|1|😀');
    expect(scopeOfKey(eventKey('svc-1', 'e|1|😀'))).toBe('svc-1');
    expect(keyOfQuarantineId(quarantineId('s|e|1'))).toBe('s|e|1');
    expect(dayOfDailyId(dailyId(ResourceType.COLLECTION, '2026-01-31', 'c-1'))).toBe('2026-01-31');
    expect(dayOfDailyId(userDailyId(ResourceType.FILE, '2026-01-31', 'u-1', 'f-1'))).toBe('2026-01-31');
  });
});

describe('storage keys: ranges', () => {
  it('ends a prefix at the successor of its last character', () => {
    expect(prefixEnd('DATASET|')).toBe('DATASET}');
    expect(prefixEnd('DATASET:')).toBe('DATASET;');
    expect(prefixEnd('a😀')).toBe('a😁');
    expect(prefixEnd('a\ud7ff')).toBe('a\ue000');
    expect(() => prefixEnd('')).toThrow();
  });

  it.each(['DATASET|', 'DATASET:', 'u-1|', '~i|', 'https://hub.example/r|', 'a😀', 'x\uffff', '~'])(
    'a prefix range of %j holds exactly the ids with that prefix',
    (prefix) => {
      const r = prefixRange(prefix);
      for (const tail of EDGE_TAILS) expect(inRange(r, prefix + tail)).toBe(true);
      const stem = prefix.slice(0, -1);
      for (const other of [stem, `${stem}{`, `${stem};`, prefixEnd(prefix), `${prefixEnd(prefix)}a`, `${stem}\u0000`, '', 'zzz']) {
        if (other.startsWith(prefix)) continue;
        expect(inRange(r, other)).toBe(false);
      }
    },
  );

  it('a prefix range past a key excludes that key and what comes before it', () => {
    const r = prefixRangeAfter('~x|', 's|e-1');
    expect(inRange(r, '~x|s|e-1')).toBe(false);
    expect(inRange(r, '~x|s|e-0')).toBe(false);
    expect(inRange(r, '~x|s|e-1|')).toBe(true);
    expect(inRange(r, '~x|s|e-2😀')).toBe(true);
    expect(inRange(r, '~x}')).toBe(false);
  });

  it('all totals of a type: that type only, whatever the resource id holds', () => {
    const r = totalsRange(ResourceType.DATASET);
    for (const tail of EDGE_TAILS) expect(inRange(r, totalsId(ResourceType.DATASET, tail))).toBe(true);
    expect(inRange(r, totalsId(ResourceType.FILE, 'x'))).toBe(false);
    expect(inRange(r, dailyId(ResourceType.DATASET, '2026-01-31', 'x'))).toBe(false);
    expect(inRange(r, 'DATASETS:x')).toBe(false);
  });

  it("one user's totals: of a type or of every type, never another user's", () => {
    expect(inRange(userTotalsRange('u-1'), userTotalsId(ResourceType.FILE, 'f:😀', 'u-1'))).toBe(true);
    expect(inRange(userTotalsRange('u-1', ResourceType.FILE), userTotalsId(ResourceType.FILE, 'f|}~', 'u-1'))).toBe(true);
    expect(inRange(userTotalsRange('u-1', ResourceType.FILE), userTotalsId(ResourceType.DATASET, 'f', 'u-1'))).toBe(false);
    for (const other of ['u-10', 'u-1:x', 'u-', 'u-2']) {
      expect(inRange(userTotalsRange('u-1'), userTotalsId(ResourceType.FILE, 'f', other))).toBe(false);
    }
  });

  it('a day window includes both end days and no day outside, for resource and per-user documents', () => {
    const r = dailyRange(ResourceType.DATASET, '2026-01-02', '2026-01-04');
    for (const day of ['2026-01-02', '2026-01-03', '2026-01-04']) {
      for (const tail of EDGE_TAILS) {
        expect(inRange(r, dailyId(ResourceType.DATASET, day, tail))).toBe(true);
        expect(inRange(r, userDailyId(ResourceType.DATASET, day, 'u-1', tail))).toBe(true);
      }
    }
    for (const day of ['2026-01-01', '2026-01-05', '2025-12-31']) {
      for (const tail of EDGE_TAILS) expect(inRange(r, dailyId(ResourceType.DATASET, day, tail))).toBe(false);
    }
    expect(inRange(r, dailyId(ResourceType.FILE, '2026-01-03', 'x'))).toBe(false);
    expect(inRange(r, totalsId(ResourceType.DATASET, 'x'))).toBe(false);
  });

  it('a day window holds the end day\'s ids past U+FFFF, which a `|\\uffff` upper bound missed', () => {
    const id = dailyId(ResourceType.DATASET, '2026-01-04', '😀');
    expect(inRange({ $gte: 'DATASET|2026-01-02', $lt: 'DATASET|2026-01-04|\uffff' }, id)).toBe(false);
    expect(inRange(dailyRange(ResourceType.DATASET, '2026-01-02', '2026-01-04'), id)).toBe(true);
  });

  it('open day windows, one day and the days before one', () => {
    const day = (d: string, t = 'x'): string => dailyId(ResourceType.FILE, d, t);
    expect(inRange(dailyRange(ResourceType.FILE, null, '2026-01-04'), day('1970-01-01'))).toBe(true);
    expect(inRange(dailyRange(ResourceType.FILE, null, '2026-01-04'), day('2026-01-04', '😀'))).toBe(true);
    expect(inRange(dailyRange(ResourceType.FILE, null, '2026-01-04'), day('2026-01-05'))).toBe(false);
    expect(inRange(dailyRange(ResourceType.FILE, '2026-01-04', null), day('2099-12-31', '😀'))).toBe(true);
    expect(inRange(dailyRange(ResourceType.FILE, '2026-01-04', null), day('2026-01-03', '😀'))).toBe(false);
    expect(inRange(dailyRange(ResourceType.FILE, null, null), day('2026-01-03', '}'))).toBe(true);
    expect(inRange(dailyRange(ResourceType.FILE, null, null), totalsId(ResourceType.FILE, 'x'))).toBe(false);
    expect(inRange(dayRange(ResourceType.FILE, '2026-01-04'), day('2026-01-04', '😀|}'))).toBe(true);
    expect(inRange(dayRange(ResourceType.FILE, '2026-01-04'), day('2026-01-05', ''))).toBe(false);
    expect(inRange(dailyBefore(ResourceType.FILE, '2026-01-04'), day('2026-01-03', '😀'))).toBe(true);
    expect(inRange(dailyBefore(ResourceType.FILE, '2026-01-04'), day('2026-01-04', ''))).toBe(false);
  });

  it("a sender's events, and all events apart from the log's bookkeeping", () => {
    expect(inRange(eventRange('svc-1'), eventKey('svc-1', 'e|😀'))).toBe(true);
    expect(inRange(eventRange('svc-1'), eventKey('svc-10', 'e'))).toBe(false);
    expect(inRange(eventRange('svc-1'), eventKey('svc-', 'e'))).toBe(false);
    expect(inRange(eventRange(null), eventKey('9z', 'e~😀'))).toBe(true);
    for (const id of [dayIndexId('2026-01-01', 'f'), queueId('f'), quarantineId('s|e')]) expect(inRange(eventRange(null), id)).toBe(false);
  });

  it('day indexes: a window, the days after one and the days before one', () => {
    const idx = (d: string, f = 'f'): string => dayIndexId(d, f);
    const w = dayIndexRange('2026-01-02', '2026-01-03');
    expect([idx('2026-01-02', '😀'), idx('2026-01-03', '}')].every((id) => inRange(w, id))).toBe(true);
    expect([idx('2026-01-01', '😀'), idx('2026-01-04', ''), queueId('x'), quarantineId('x')].some((id) => inRange(w, id))).toBe(false);
    expect(inRange(dayIndexRange(null, null), idx('2026-01-01'))).toBe(true);
    expect(inRange(dayIndexRange(null, null), queueId('x'))).toBe(false);
    expect(inRange(dayIndexesAfter('2026-01-02'), idx('2026-01-02', '😀'))).toBe(false);
    expect(inRange(dayIndexesAfter('2026-01-02'), idx('2026-01-03', ''))).toBe(true);
    expect(inRange(dayIndexesAfter(null), idx('0000-01-01'))).toBe(true);
    expect(inRange(dayIndexesAfter(null), queueId('x'))).toBe(false);
    expect(inRange(dayIndexesBefore('2026-01-02'), idx('2026-01-01', '😀'))).toBe(true);
    expect(inRange(dayIndexesBefore('2026-01-02'), idx('2026-01-02', ''))).toBe(false);
  });

  it('queue, quarantine, hub submissions and day secrets', () => {
    expect(inRange(queueRange(), queueId('😀'))).toBe(true);
    expect(inRange(queueRange(), dayIndexId('2026-01-01', 'f'))).toBe(false);
    expect(inRange(quarantineRange(), quarantineId('s|e😀'))).toBe(true);
    expect(inRange(quarantineRange(), queueId('x'))).toBe(false);
    expect(inRange(quarantineRangeAfter(''), `${QUARANTINE_PREFIX}a`)).toBe(true);
    expect(inRange(quarantineRangeAfter('s|e'), quarantineId('s|e'))).toBe(false);
    expect(inRange(quarantineRangeAfter('s|e'), quarantineId('s|f'))).toBe(true);
    const hub = 'https://hub.example/reports';
    expect(inRange(hubSubmissionRange(hub), hubSubmissionId(hub, '2026-01'))).toBe(true);
    expect(inRange(hubSubmissionRange(hub), hubSubmissionId(hub, '😀'))).toBe(true);
    expect(inRange(hubSubmissionRange(hub), hubSubmissionId(`${hub}s`, '2026-01'))).toBe(false);
    expect(inRange(hubSubmissionRange(hub), hub)).toBe(false);
    expect(inRange(daySecretsBefore('2026-01-02'), '2026-01-01')).toBe(true);
    expect(inRange(daySecretsBefore('2026-01-02'), '2026-01-02')).toBe(false);
  });

  it("the event log's ranges reach every id, and its kinds' ranges do not overlap", () => {
    const ids = [eventKey('a', '😀'), eventKey('z9', '~'), dayIndexId('2026-01-01', 'f'), queueId('f'), quarantineId('a|b'), '~j', '~zz', '~~'];
    for (const id of ids) {
      const hits = eventLogRanges().map((r) => inRange(r, id));
      expect(hits.some(Boolean)).toBe(true);
      expect(hits.slice(0, 4).filter(Boolean).length).toBeLessThanOrEqual(1);
    }
  });
});
