/**
 * The pure parts of "content cannot stop the aggregator": the stored-event
 * check, the bounded line reader of the importers, the quarantine recorder.
 */
import { Readable } from 'node:stream';
import pino from 'pino';
import { checkImportedEvent, checkStoredEvent } from '../src/aggregate/stored-event-check';
import { readTextLines, TextEncodingError, type TextLine } from '../src/util/text-lines';
import { Quarantine, type QuarantineStore } from '../src/aggregate/quarantine';
import type { QuarantineRecord } from '../src/store/quarantine.repository';
import type { LoggedEvent } from '../src/domain/logged-event';
import { AccessAction, ResourceType } from '../src/domain/resources';

const NOW = new Date('2026-05-10T12:00:00Z');

function event(patch: Record<string, unknown> = {}): LoggedEvent {
  const e = {
    _id: 'svc|e1',
    scope: 'svc',
    eventId: 'e1',
    t: new Date('2026-05-09T10:00:00Z'),
    day: '2026-05-09',
    h: 'hash',
    portalId: 'p1',
    resourceType: ResourceType.DATASET,
    resourceId: 'ds-a',
    action: AccessAction.VIEW,
    datasetIds: [],
    userId: null,
    automated: false,
    trafficClass: 'regular',
    httpStatus: 200,
    bytes: 10,
    country: 'FR',
    userAgent: 'Mozilla/5.0',
    url: '/datasets/ds-a',
    ck: 'k:abc',
    sk: 's:abc',
    receivedAt: NOW,
    ...patch,
  };
  if ('scope' in patch || 'eventId' in patch) e._id = `${String(e.scope)}|${String(e.eventId)}`;
  return e as LoggedEvent;
}

describe('checkStoredEvent', () => {
  it('accepts an event as ingestion stores it, a FILE event with its datasets, nulls', () => {
    expect(checkStoredEvent(event())).toBeNull();
    expect(checkStoredEvent(event({ resourceType: ResourceType.FILE, resourceId: 'f-1', datasetIds: ['ds-a', 'ds-b'] }))).toBeNull();
    expect(checkStoredEvent(event({ portalId: null, userId: null, httpStatus: null, bytes: null, country: null, userAgent: null, url: null }))).toBeNull();
    expect(checkStoredEvent(event({ eventId: 'a|b' }))).toBeNull();
  });

  // Every hostile value the probe got into the log (issue 16).
  it.each([
    ['action HACK', { action: 'HACK' }, 'BAD_USER_INPUT'],
    ['resource type NOPE', { resourceType: 'NOPE' }, 'BAD_USER_INPUT'],
    ['resource type __proto__', { resourceType: '__proto__' }, 'BAD_USER_INPUT'],
    ['| in the sender', { scope: 'svc|x' }, 'INVALID_ID'],
    ['| in the user id', { userId: 'u|DATASET:ds-b' }, 'INVALID_ID'],
    ['| in the resource id', { resourceId: 'ds-a|u1' }, 'INVALID_ID'],
    ['| in a dataset id', { resourceType: ResourceType.FILE, datasetIds: ['ds|a'] }, 'INVALID_ID'],
    ['a timestamp in 1970', { t: new Date(0) }, 'INVALID_TIMESTAMP'],
    ['a timestamp in year 275760', { t: new Date(8.64e15) }, 'INVALID_TIMESTAMP'],
    ['no date at all', { t: '2026-05-09' }, 'INVALID_TIMESTAMP'],
    ['an invalid date', { t: new Date(NaN) }, 'INVALID_TIMESTAMP'],
    ['bytes -5', { bytes: -5 }, 'VALUE_OUT_OF_RANGE'],
    ['bytes 1e300', { bytes: 1e300 }, 'VALUE_OUT_OF_RANGE'],
    ['bytes as text', { bytes: '5' }, 'VALUE_OUT_OF_RANGE'],
    ['HTTP status 99999', { httpStatus: 99999 }, 'VALUE_OUT_OF_RANGE'],
    ['a country of three letters', { country: 'FRA' }, 'VALUE_OUT_OF_RANGE'],
    ['an unknown traffic class', { trafficClass: 'human' }, 'BAD_USER_INPUT'],
    ['automated as text', { automated: 'yes' }, 'BAD_USER_INPUT'],
    ['no click key', { ck: '' }, 'BAD_USER_INPUT'],
    ['an event id with a space', { eventId: 'a b' }, 'INVALID_EVENT_ID'],
    ['an _id that is not scope|eventId', { _id: 'other|e1' }, 'INVALID_ID'],
  ])('refuses %s', (_what, patch, code) => {
    expect(checkStoredEvent(event(patch))?.code).toBe(code);
  });

  it('never throws, whatever the document holds', () => {
    for (const d of [null, 42, 'x', [], {}, { _id: 5 }, Object.create(null), { scope: { toString: () => { throw new Error('no'); } } }]) {
      expect(() => checkStoredEvent(d as never)).not.toThrow();
      expect(checkStoredEvent(d as never)).not.toBeNull();
    }
  });

  it('an import also keeps to the ingestion window', () => {
    const limits = { maxFutureSkewMs: 60_000, maxEventAgeDays: 10 };
    expect(checkImportedEvent(event(), NOW, limits)).toBeNull();
    expect(checkImportedEvent(event({ t: new Date(NOW.getTime() + 120_000) }), NOW, limits)?.code).toBe('INVALID_TIMESTAMP');
    expect(checkImportedEvent(event({ t: new Date(NOW.getTime() - 11 * 86_400_000) }), NOW, limits)?.code).toBe('INVALID_TIMESTAMP');
    expect(checkImportedEvent(event({ resourceType: ResourceType.COLLECTION, resourceId: 'c1', action: AccessAction.DOWNLOAD }), NOW, limits)?.code).toBe('BAD_USER_INPUT');
    expect(checkStoredEvent(event({ resourceType: ResourceType.COLLECTION, resourceId: 'c1', action: AccessAction.DOWNLOAD }))).toBeNull();
  });
});

async function lines(chunks: (Buffer | string)[], maxLineBytes?: number): Promise<TextLine[]> {
  const out: TextLine[] = [];
  for await (const batch of readTextLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), { maxLineBytes })) out.push(...batch);
  return out;
}

describe('readTextLines', () => {
  it('splits lines across chunks, numbers them, drops CR and a UTF-8 byte-order mark', async () => {
    const got = await lines(['\ufeffone\r\ntw', 'o\n\nthr', 'ee'], 100);
    expect(got).toEqual([
      { lineNo: 1, text: 'one' },
      { lineNo: 2, text: 'two' },
      { lineNo: 3, text: '' },
      { lineNo: 4, text: 'three' },
    ]);
  });

  it('keeps a multi-byte character split between chunks', async () => {
    const b = Buffer.from('é\n');
    expect(await lines([b.subarray(0, 1), b.subarray(1)])).toEqual([{ lineNo: 1, text: 'é' }]);
  });

  it('reports an over-long line by number and size and reads on, without holding it', async () => {
    const long = 'x'.repeat(50);
    const got = await lines(['ok 1\n', long.slice(0, 20), long.slice(20), '\nok 3\n', 'y'.repeat(40)], 16);
    expect(got).toEqual([
      { lineNo: 1, text: 'ok 1' },
      { lineNo: 2, tooLong: true, bytes: 50 },
      { lineNo: 3, text: 'ok 3' },
      { lineNo: 4, tooLong: true, bytes: 40 },
    ]);
    // A line of exactly the limit is read.
    expect(await lines(['x'.repeat(16), '\n'], 16)).toEqual([{ lineNo: 1, text: 'x'.repeat(16) }]);
  });

  it('a 100 MB line costs no more memory than a chunk or two', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('before\n');
      for (let i = 0; i < 100; i++) yield chunk;
      yield Buffer.from('\nafter\n');
    }
    const rss = process.memoryUsage().rss;
    const out: TextLine[] = [];
    for await (const batch of readTextLines(source())) out.push(...batch);
    expect(out).toEqual([{ lineNo: 1, text: 'before' }, { lineNo: 2, tooLong: true, bytes: 100 * 1024 * 1024 }, { lineNo: 3, text: 'after' }]);
    // readline held the whole line as a string (more than its size again in memory).
    expect(process.memoryUsage().rss - rss).toBeLessThan(60 * 1024 * 1024);
  });

  it('decodes UTF-16 with a byte-order mark (little and big endian, split anywhere)', async () => {
    const text = 'première ligne\r\nzweite Zeile 😀\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    for (const buf of [le, be]) {
      const parts = [buf.subarray(0, 3), buf.subarray(3, 20), buf.subarray(20, 21), buf.subarray(21)];
      expect(await lines(parts)).toEqual([
        { lineNo: 1, text: 'première ligne' },
        { lineNo: 2, text: 'zweite Zeile 😀' },
      ]);
    }
  });

  it('refuses UTF-16 without a byte-order mark, but not a stray NUL in a line', async () => {
    await expect(lines([Buffer.from('1.2.3.4 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 1\n', 'utf16le')])).rejects.toBeInstanceOf(TextEncodingError);
    expect(await lines(['garbage \u0000 line\nok\n'])).toEqual([
      { lineNo: 1, text: 'garbage \u0000 line' },
      { lineNo: 2, text: 'ok' },
    ]);
  });
});

describe('Quarantine', () => {
  function store(fail = { n: 0 }): QuarantineStore & { records: Map<string, QuarantineRecord>; writes: number } {
    const records = new Map<string, QuarantineRecord>();
    return {
      records,
      writes: 0,
      async add(rs) {
        this.writes++;
        if (fail.n > 0) {
          fail.n--;
          throw new Error('database down');
        }
        for (const r of rs) if (!records.has(r._id)) records.set(r._id, r);
      },
      async list() {
        return [...records.values()];
      },
      async count() {
        return records.size;
      },
    };
  }

  it('records an event once, with its reason, in one write per burst', async () => {
    const s = store();
    const q = new Quarantine(s, pino({ level: 'silent' }));
    const bad = event({ action: 'HACK' });
    for (let i = 0; i < 5; i++) q.record(bad, { code: 'BAD_USER_INPUT', message: 'action "HACK"' });
    q.record(event({ eventId: 'e2', bytes: -5 }), { code: 'VALUE_OUT_OF_RANGE', message: 'bytes -5' });
    await q.flush();
    expect([...s.records.values()].map((r) => [r._id, r.eventKey, r.code])).toEqual([
      ['~x|svc|e1', 'svc|e1', 'BAD_USER_INPUT'],
      ['~x|svc|e2', 'svc|e2', 'VALUE_OUT_OF_RANGE'],
    ]);
    expect(JSON.parse(s.records.get('~x|svc|e1')!.raw)).toMatchObject({ action: 'HACK' });
    expect(s.writes).toBe(1);
    q.record(bad, { code: 'BAD_USER_INPUT', message: 'again' });
    await q.flush();
    expect(s.writes).toBe(1);
  });

  it('keeps what it could not store and stores it later', async () => {
    const fail = { n: 1 };
    const s = store(fail);
    const q = new Quarantine(s, pino({ level: 'silent' }));
    q.record(event(), { code: 'BAD_USER_INPUT', message: 'x' });
    await expect(q.flush()).rejects.toThrow(/could not be stored/);
    expect(s.records.size).toBe(0);
    await q.flush();
    expect(s.records.size).toBe(1);
  });
});
