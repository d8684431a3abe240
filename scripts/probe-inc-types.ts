/**
 * Prints the BSON type `$inc` leaves for each combination of stored and
 * added number types, on a throw-away embedded FerretDB (issue 17: FerretDB
 * 1.24 adds int32 + int32 in int32 and wraps past 2^31; docs/design.md
 * "Counters are 64-bit on every database").
 *
 *   node_modules/.bin/ts-node --transpile-only scripts/probe-inc-types.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Double, Long, MongoClient, type Document } from 'mongodb';
import { startEmbeddedDatabase } from '../src/db/embedded-database';

const GB15 = 1_500_000_000;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'inc-probe-'));
  const db = await startEmbeddedDatabase({ dataDir, supervise: false });
  const client = await MongoClient.connect(db.uri);
  try {
    const c = client.db('probe').collection<Document>('c');
    const show = async (label: string, id: string): Promise<void> => {
      const raw = await c.findOne({ _id: id } as Document, { promoteLongs: false, promoteValues: false });
      const read = await c.findOne({ _id: id } as Document);
      const v = raw?.v as { _bsontype?: string } | undefined;
      console.log(`${label.padEnd(44)} ${String(v?._bsontype ?? typeof v).padEnd(7)} ${String(v).padStart(12)}  read as ${typeof read?.v} ${read?.v}`);
    };
    const cases: [string, number | Long | Double, number | Long | Double][] = [
      ['int32 + int32 (past 2^31)', GB15, GB15],
      ['int64 + int32', Long.fromNumber(GB15), GB15],
      ['int32 + int64', GB15, Long.fromNumber(GB15)],
      ['double + int32', new Double(GB15), GB15],
      ['int32 + double', GB15, new Double(GB15)],
      ['double + int64', new Double(GB15), Long.fromNumber(GB15)],
      ['int64 + int64 (past 2^32)', Long.fromNumber(2 * GB15), Long.fromNumber(2 * GB15)],
      ['JS number >= 2^31 (driver: double) + int32', 2 * GB15, GB15],
      ['int64 + negative int64', Long.fromNumber(5), Long.fromNumber(-3)],
    ];
    let i = 0;
    for (const [label, stored, added] of cases) {
      const id = `k${i++}`;
      await c.insertOne({ _id: id, v: stored } as Document);
      await show(`stored: ${label}`, id);
      await c.updateOne({ _id: id } as Document, { $inc: { v: added } });
      await show(`$inc:   ${label}`, id);
    }
    await c.updateOne({ _id: 'upsert' } as Document, { $inc: { v: Long.fromNumber(7) } }, { upsert: true });
    await show('$inc:   missing field + int64 (upsert)', 'upsert');
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
