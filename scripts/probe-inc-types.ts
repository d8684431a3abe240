import { MongoClient, Long, Double, Int32 } from 'mongodb';
import { startEmbeddedDatabase } from '../src/db/embedded-database';
async function main() {
  const db = await startEmbeddedDatabase({ dataDir: '/tmp/w17/db' + Date.now(), supervise: false });
  const client = await MongoClient.connect(db.uri);
  const c = client.db('t').collection<any>('c');
  const raw = client.db('t').collection<any>('c');
  const show = async (label: string, id: string) => {
    const d = await c.findOne({ _id: id }, { promoteValues: false } as any);
    const d2 = await c.findOne({ _id: id });
    const v = d?.v;
    console.log(label.padEnd(40), v?._bsontype ?? typeof v, String(v), '| promoted:', typeof d2?.v, d2?.v);
  };
  const cases: [string, any, any][] = [
    ['int32 + int32 (overflow)', 1_500_000_000, 1_500_000_000],
    ['Long + int32', Long.fromNumber(1_500_000_000), 1_500_000_000],
    ['int32 + Long', 1_500_000_000, Long.fromNumber(1_500_000_000)],
    ['Double + int32', new Double(1_500_000_000), 1_500_000_000],
    ['int32 + Double', 1_500_000_000, new Double(1_500_000_000)],
    ['Long + Long past 2^32', Long.fromNumber(3_000_000_000), Long.fromNumber(3_000_000_000)],
    ['int64(plain JS > 2^31) + int32', 3_000_000_000, 1_500_000_000],
    ['int32 + negative int32', 5, -3],
    ['Long + negative Long', Long.fromNumber(5), Long.fromNumber(-3)],
  ];
  let i = 0;
  for (const [label, init, inc] of cases) {
    const id = 'k' + i++;
    await c.insertOne({ _id: id, v: init });
    await show('  stored ' + label, id);
    try {
      await c.updateOne({ _id: id }, { $inc: { v: inc } });
      await show('after $inc ' + label, id);
    } catch (e) { console.log(label, 'ERROR', (e as Error).message); }
  }
  // $inc on missing field
  await c.insertOne({ _id: 'm' });
  await c.updateOne({ _id: 'm' }, { $inc: { v: Long.fromNumber(7) } });
  await show('missing + Long', 'm');
  await c.updateOne({ _id: 'up' }, { $inc: { v: Long.fromNumber(7) } }, { upsert: true });
  await show('upsert $inc Long', 'up');
  await client.close(); await db.stop();
}
main().catch((e) => { console.error(e); process.exit(1); });
