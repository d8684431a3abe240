/**
 * Issue 16, item 5: what anyone can send must not write error logs or
 * grow memory, and a database that cannot write must say so.
 */
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Writable } from 'node:stream';
import { MongoServerError } from 'mongodb';
import { parse } from 'graphql';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/gateway';
import { isStorageFailure, StorageHealth } from '../../src/http/storage-health';
import { documentSize } from '../../src/http/query-caches';

/** The error the embedded FerretDB 1.24 answered an upsert with when its disk was full (measured on a full tmpfs). */
const DISK_FULL = {
  ok: 0,
  errmsg:
    '[msg_update.go:133 handler.(*Handler).updateDocument] [update.go:114 common.UpdateDocument] [collection.go:183 sqlite.(*collection).UpdateAll] [db.go:167 fsql.(*DB).InTransaction] database or disk is full (13)',
  code: 1,
  codeName: 'InternalError',
};

describe('client errors write no error log, caches stay bounded, a full disk is a 503', () => {
  let gw: RunningGateway;
  let url: string;
  let base: string;
  const logs: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    const uri = process.env.TEST_MONGODB_URI;
    if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through jest (globalSetup)');
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line) as { level: number; msg: string });
        cb();
      },
    });
    const config = loadConfig({
      MONGODB_URI: uri,
      MONGODB_DB: `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      DEMO_DATA: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMIT_ANONYMOUS: '0',
      // Three 100 KB queries fit, a fourth evicts the first.
      APQ_CACHE_BYTES: '350000',
    });
    gw = await startGateway(config, { logger: pino({ level: 'info' }, sink) });
    base = `http://127.0.0.1:${gw.port}`;
    url = `${base}/graphql`;
  });
  afterAll(async () => {
    await gw.store.db.dropDatabase().catch(() => undefined);
    await gw.stop();
  });

  const post = async (body: unknown, key?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] } };
  };
  const errorLogs = () => logs.filter((l) => l.level >= 50);

  it.each([
    ['subscription { __typename }', { query: 'subscription { __typename }' }, 'GRAPHQL_VALIDATION_FAILED'],
    ['APQ version 2', { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } }, 'BAD_REQUEST'],
    ['APQ version "1"', { query: '{ __typename }', extensions: { persistedQuery: { version: '1', sha256Hash: 'abc' } } }, 'BAD_REQUEST'],
    ['APQ version null', { query: '{ __typename }', extensions: { persistedQuery: { version: null } } }, 'BAD_REQUEST'],
  ])('%s is a 400 with a stable code, not an error log', async (_name, body, code) => {
    const before = errorLogs().length;
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions.code).toBe(code);
    expect(errorLogs().length).toBe(before);
    expect(logs.some((l) => l.level === 30 && l.msg === 'request')).toBe(true);
  });

  it('keeps the APQ cache within APQ_CACHE_BYTES: the least recently used query is forgotten', async () => {
    const queries = Array.from({ length: 4 }, (_, i) => `# ${i} ${'x'.repeat(100_000)}\n{ __typename }`);
    const hash = (q: string) => createHash('sha256').update(q).digest('hex');
    for (const q of queries) {
      expect((await post({ query: q, extensions: { persistedQuery: { version: 1, sha256Hash: hash(q) } } })).status).toBe(200);
    }
    const byHash = (q: string) => post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash(q) } } });
    expect((await byHash(queries[0])).body.errors?.[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const last = await byHash(queries[3]);
    expect(last.body.errors).toBeUndefined();
  });

  it('sizes a cached parsed document by its source text too', () => {
    const doc = parse(`# ${'x'.repeat(100_000)}\n{ __typename }`);
    expect(documentSize(doc)).toBeGreaterThan(100_000);
  });

  it('answers a catalog upsert that hits a full disk with 503 DATABASE_UNAVAILABLE, and /ready turns 503', async () => {
    await gw.services.catalogWriter.users([{ _id: 'adm', name: 'Adm', email: null, role: 'ADMIN', automated: false }]);
    const { key } = await gw.services.auth.issueKey('adm', {});
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    // The driver error FerretDB answered on a full disk, from the real write path.
    const spy = jest.spyOn(gw.store.themes, 'bulkWrite').mockRejectedValue(new MongoServerError(DISK_FULL));
    try {
      const r = await post({ query: 'mutation { upsertThemes(themes: [{ id: "t1", name: "T" }]) { created } }' }, key);
      expect(r.status).toBe(503);
      expect(r.body.errors?.[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      expect(r.body.errors?.[0].message).toMatch(/storage full/);
    } finally {
      spy.mockRestore();
    }
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toMatch(/storage full/);
    // One clear line for the operator, without the client's stack trace.
    expect(errorLogs().map((l) => l.msg)).toContain('the database cannot write (storage full or read-only)');
    expect(errorLogs().map((l) => l.msg)).not.toContain('internal error in GraphQL request');
  });
});

describe('storage health (unit)', () => {
  it('recognises disk-full and read-only errors, not others', () => {
    expect(isStorageFailure(new MongoServerError(DISK_FULL))).toBe(true);
    expect(isStorageFailure(new MongoServerError({ ok: 0, errmsg: 'Out of disk space', code: 14031, codeName: 'OutOfDiskSpace' }))).toBe(true);
    expect(isStorageFailure(new MongoServerError({ ok: 0, errmsg: 'attempt to write a readonly database (8)', code: 1 }))).toBe(true);
    expect(isStorageFailure({ originalError: new MongoServerError(DISK_FULL) })).toBe(true);
    expect(isStorageFailure(new MongoServerError({ ok: 0, errmsg: 'E11000 duplicate key', code: 11000 }))).toBe(false);
    expect(isStorageFailure(new Error('database or disk is full (13)'))).toBe(false); // not from the driver
  });

  it('reports a data directory with less free space than MIN_FREE_DISK_MB', async () => {
    const logger = pino({ level: 'silent' });
    const full = new StorageHealth({ logger, dataDir: os.tmpdir(), minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect(await full.problem()).toMatch(/disk almost full/);
    expect(await new StorageHealth({ logger, dataDir: os.tmpdir(), minFreeBytes: 1 }).problem()).toBeNull();
  });

  it('forgets a storage failure after a while', async () => {
    let now = 1_000_000;
    const h = new StorageHealth({ logger: pino({ level: 'silent' }), dataDir: null, minFreeBytes: 0, now: () => now });
    h.noteFailure(new MongoServerError(DISK_FULL));
    expect(await h.problem()).toMatch(/storage full/);
    now += 31_000;
    expect(await h.problem()).toBeNull();
  });
});
