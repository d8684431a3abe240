/**
 * Measures ways of reducing stored user agents (issue 19, item 2) on a
 * throw-away embedded FerretDB: events shaped as the log stores them, one
 * day, a few dozen distinct agents. Prints events/s for
 *
 * - per-document updates (`updateOne` by `_id`, 20 per bulk command, as
 *   store/bulk.ts sends them);
 * - one `updateMany` per distinct agent per chunk of 1,000 keys
 *   (`{ _id: { $in }, userAgent }`);
 * - one `updateMany` per traffic class per chunk of 1,000 keys;
 * - delete + re-insert of the reduced documents per chunk of 1,000 keys;
 * - the gateway's own `AgentReducer` (src/privacy/agent-reducer.ts) on a
 *   day stored through the event log as ingestion stores it: reads, the
 *   real counting rules, `updateMany` per class, under the aggregation lock.
 *
 *   node_modules/.bin/ts-node --transpile-only scripts/measure-ua-reduce.ts [events=6000] [agents=40]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { startEmbeddedDatabase } from '../src/db/embedded-database';
import type { LoggedEvent } from '../src/domain/logged-event';
import { AccessAction, ResourceType } from '../src/domain/resources';
import { planDayIndexes } from '../src/ingest/day-index';
import { CountingRules } from '../src/counting/rule-set';
import { localRuleSet } from '../src/services';
import { readSetting } from '../src/config';
import { AgentReducer } from '../src/privacy/agent-reducer';
import { AgentReductionRepository } from '../src/store/agent-reduction.repository';
import { DbLock } from '../src/store/db-lock';
import { EventLogRepository } from '../src/store/event-log.repository';
import { RulesRepository } from '../src/store/rules.repository';
import { storeFor } from '../src/store/store';
import { eventKey, prefixRange } from '../src/store/storage-keys';

const N = Number(process.argv[2] ?? 6000);
const AGENTS = Number(process.argv[3] ?? 40);
const CHUNK = 1000;

function events(prefix: string): Document[] {
  const t = new Date('2026-01-15T10:00:00Z');
  return Array.from({ length: N }, (_, i) => ({
    _id: `tracker|${prefix}-${String(i).padStart(7, '0')}`,
    t: new Date(t.getTime() + i * 1000),
    h: 'abcdefghijklmnopqrstuv',
    portalId: 'p1',
    resourceType: 'DATASET',
    resourceId: `ds-${i % 300}`,
    action: 'VIEW',
    trafficClass: 'regular',
    userAgent: `Mozilla/5.0 (X11; Linux x86_64; rv:${100 + (i % AGENTS)}.0) Gecko/20100101 Firefox/${100 + (i % AGENTS)}.0`,
    ck: 'k'.repeat(43),
    sk: 's'.repeat(43),
    receivedAt: t,
  }));
}

async function timed(label: string, work: () => Promise<void>): Promise<void> {
  const start = process.hrtime.bigint();
  await work();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${label.padEnd(44)} ${N} events in ${(ms / 1000).toFixed(1)} s = ${Math.round((N * 1000) / ms)} events/s`);
}

const reduced = { $unset: { userAgent: '' }, $set: { uaRules: 1 } };

async function perDocument(c: Collection<Document>, docs: Document[]): Promise<void> {
  const ops: AnyBulkWriteOperation<Document>[] = docs.map((d) => ({ updateOne: { filter: { _id: d._id }, update: reduced } }));
  for (let i = 0; i < ops.length; i += 20) await c.bulkWrite(ops.slice(i, i + 20), { ordered: true });
}

async function perAgent(c: Collection<Document>, docs: Document[]): Promise<void> {
  for (let i = 0; i < docs.length; i += CHUNK) {
    const chunk = docs.slice(i, i + CHUNK);
    const byAgent = new Map<string, string[]>();
    for (const d of chunk) byAgent.set(d.userAgent as string, [...(byAgent.get(d.userAgent as string) ?? []), d._id as string]);
    for (const [ua, ids] of byAgent) await c.updateMany({ _id: { $in: ids }, userAgent: ua } as Document, reduced);
  }
}

async function perClass(c: Collection<Document>, docs: Document[]): Promise<void> {
  // Every event here is regular: one command per chunk.
  for (let i = 0; i < docs.length; i += CHUNK) {
    await c.updateMany({ _id: { $in: docs.slice(i, i + CHUNK).map((d) => d._id) } } as Document, reduced);
  }
}

async function reinsert(c: Collection<Document>, docs: Document[]): Promise<void> {
  for (let i = 0; i < docs.length; i += CHUNK) {
    const chunk = await c.find({ _id: { $in: docs.slice(i, i + CHUNK).map((d) => d._id) } } as Document).toArray();
    const out = chunk.map((d) => {
      const { userAgent: _ua, ...rest } = d;
      return { ...rest, uaRules: 1 };
    });
    await c.deleteMany({ _id: { $in: out.map((d) => d._id) } } as Document);
    await c.insertMany(out, { ordered: false });
  }
}

async function measureReducer(client: MongoClient): Promise<void> {
  const store = storeFor(client, 'measure_reducer', true);
  const log = new EventLogRepository(store, { appendTimeoutMs: readSetting('ingestWriteTimeoutMs') });
  const day = '2026-01-15';
  const agents = ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', 'curl/8.4.0', 'Googlebot/2.1 (+http://www.google.com/bot.html)'];
  const events: LoggedEvent[] = Array.from({ length: N }, (_, i) => ({
    _id: `tracker|r-${String(i).padStart(7, '0')}`, scope: 'tracker', eventId: `r-${i}`, t: new Date(Date.parse(`${day}T01:00:00Z`) + i * 1000), day, h: 'h',
    portalId: 'p1', resourceType: ResourceType.DATASET, resourceId: `ds-${i % 300}`, action: AccessAction.VIEW, datasetIds: [], userId: null,
    automated: false, trafficClass: 'regular', httpStatus: null, bytes: null, country: null, userAgent: `${agents[i % 3]} #${i % AGENTS}`, url: null,
    ck: `k:${i}`, sk: `s:${i}`, receivedAt: new Date(),
  }));
  // Flushes of 500, as ingestion stores them.
  for (let i = 0; i < N; i += 500) {
    const flush = events.slice(i, i + 500);
    const { indexes, queue } = planDayIndexes(flush, `f${i}`);
    await log.append(flush, indexes, queue);
  }
  const rules = new CountingRules(new RulesRepository(store), localRuleSet({ robotPatterns: undefined, machinePatterns: undefined }));
  const reducer = new AgentReducer(new AgentReductionRepository(store), log, rules, new DbLock(store.locks, 'aggregator', 'measure', readSetting('aggregationLeaseMs')), {
    windowDays: 30,
    keepUserAgent: false,
  });
  let reduced = 0;
  await timed('AgentReducer (reads, rules, lock, per class)', async () => {
    reduced = (await reducer.run(new Date('2026-03-01T00:00:00Z'))).events;
  });
  if (reduced !== N) throw new Error(`AgentReducer reduced ${reduced} of ${N}`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ua-reduce-'));
  const db = await startEmbeddedDatabase({ dataDir, supervise: false });
  const client = await MongoClient.connect(db.uri, { maxPoolSize: 4 });
  try {
    const c = client.db('measure').collection<Document>('event_log');
    // Other days' events beside, so a filter that scans would show.
    await c.insertMany(events('other'), { ordered: false });
    for (const [label, fn, prefix] of [
      ['updateOne per document (bulk of 20)', perDocument, 'a'],
      [`updateMany per agent per ${CHUNK} keys`, perAgent, 'b'],
      [`updateMany per class per ${CHUNK} keys`, perClass, 'd'],
      [`delete + insertMany per ${CHUNK} keys`, reinsert, 'c'],
    ] as const) {
      const docs = events(prefix);
      await c.insertMany(docs, { ordered: false });
      await timed(label, () => fn(c, docs));
      const left = await c.countDocuments({ _id: prefixRange(eventKey('tracker', `${prefix}-`)), userAgent: { $exists: true } } as Document);
      if (left) throw new Error(`${label}: ${left} agents left`);
    }
    await measureReducer(client);
  } finally {
    await client.close();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
