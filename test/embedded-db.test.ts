/**
 * What the hot paths cost on the database: look-ups that hit an index
 * (the FerretDB patches in tools/ferretdb-launcher/*.patch)
 * and one command per tracked event once the caches are warm.
 */
import type { CommandStartedEvent, Document } from 'mongodb';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

describe('look-ups by _id use an index', () => {
  let t: TestGateway;
  let ferret: boolean;
  beforeAll(async () => {
    t = await startTestGateway();
    const col = t.gw.store.db.collection<{ _id: string; n: number }>('plan_probe');
    const docs = Array.from({ length: 2000 }, (_, i) => ({ _id: `DATASET|2026-01-${String((i % 28) + 1).padStart(2, '0')}|ds-${i}`, n: i }));
    await col.insertMany(docs);
    ferret = typeof (await t.gw.store.db.admin().command({ buildInfo: 1 })).ferretdbVersion === 'string';
  });
  afterAll(() => t.stop());

  async function plan(filter: Document): Promise<string> {
    const e = await t.gw.store.db.command({ explain: { find: 'plan_probe', filter } });
    return JSON.stringify(ferret ? e.queryPlanner?.Plan : e.queryPlanner?.winningPlan);
  }

  it.each([
    ['equality', { _id: 'DATASET|2026-01-05|ds-4' }],
    ['$in (a DataLoader batch)', { _id: { $in: ['DATASET|2026-01-05|ds-4', 'DATASET|2026-01-06|ds-5'] } }],
    ['$in of one id', { _id: { $in: ['DATASET|2026-01-05|ds-4'] } }],
    ['a day range', { _id: { $gte: 'DATASET|2026-01-05|', $lt: 'DATASET|2026-01-05}' } }],
    ['_id next to another condition', { _id: 'DATASET|2026-01-05|ds-4', n: 4 }],
  ])('%s', async (_name, filter) => {
    const p = await plan(filter);
    if (ferret) {
      expect(p).toMatch(/USING INDEX/);
      expect(p).not.toMatch(/SCAN/);
    } else {
      expect(p).not.toMatch(/COLLSCAN/);
    }
  });

  it('returns exactly what MongoDB semantics say (the pushdown is a superset, refiltered)', async () => {
    const col = t.gw.store.db.collection<{ _id: string; n: number }>('plan_probe');
    expect(await col.countDocuments({ _id: { $gte: 'DATASET|2026-01-05|', $lt: 'DATASET|2026-01-05}' } })).toBe(72);
    expect(await col.countDocuments({ _id: { $in: ['DATASET|2026-01-05|ds-4', 'nope'] } })).toBe(1);
    expect(await col.countDocuments({ _id: 'DATASET|2026-01-05|ds-4', n: 5 })).toBe(0);
    expect(await col.countDocuments({ _id: { $gt: 'DATASET|2026-01-28|ds-999' } })).toBe(
      (await col.find({}).toArray()).filter((d) => d._id > 'DATASET|2026-01-28|ds-999').length,
    );
  });

  it('a long $in of string ids is matched as a set, with MongoDB semantics (ferretdb-in-filter.patch)', async () => {
    const col = t.gw.store.db.collection<{ _id: string | number; n: number }>('in_probe');
    await col.insertMany([
      ...Array.from({ length: 40 }, (_, i) => ({ _id: `id-${i}`, n: i })),
      { _id: 7, n: -1 },
    ]);
    const wanted: (string | number)[] = [...Array.from({ length: 20 }, (_, i) => `id-${i * 2}`), 'id-0', 'missing-1', 'missing-2', '7'];
    const got = await col.find({ _id: { $in: wanted } }).toArray();
    // Each stored id once, duplicates and unknown ids ignored, the number 7 not equal to "7".
    expect(got.map((d) => d._id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `id-${i * 2}`).sort());
    // A list that is not all strings keeps FerretDB's own matching.
    const mixed = await col.find({ _id: { $in: [...wanted, 7] } }).toArray();
    expect(mixed.map((d) => d._id)).toContain(7);
    expect(mixed).toHaveLength(21);
    // Next to another condition the set is not used and the condition still applies.
    expect(await col.countDocuments({ _id: { $in: wanted }, n: { $lt: 10 } })).toBe(5);
  });
});

describe('a tracked event costs one database command once the caches are warm', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ monitorCommands: true });
    await loadSmallCatalog(t);
  });
  afterAll(() => t.stop());

  it('trackAccess → one insert', async () => {
    const key = await t.keyFor('svc-portal', 'TRACKER');
    // A minute apart: two actions, not a double click.
    const times: Record<string, string> = { 'warm-1': new Date(Date.now() - 120_000).toISOString(), 'hot-1': new Date(Date.now() - 60_000).toISOString() };
    const track = (eventId: string, resourceId: string) =>
      t.gql<{ trackAccess: { status: string } }>(
        `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status } }`,
        { input: { resourceType: 'FILE', resourceId, action: 'DOWNLOAD', eventId, userId: 'reader-9', userAgent: BROWSER_UA, timestamp: times[eventId] } },
        key,
      );
    // Warm: the key, the file and the user are looked up once.
    expect((await track('warm-1', 'f1')).data!.trackAccess.status).toBe('RECORDED');
    // The background aggregator is stopped so only the request's commands are seen.
    await t.gw.services.aggregator.stop();
    const commands: string[] = [];
    const listener = (e: CommandStartedEvent) => commands.push(`${e.commandName}:${String(e.command[e.commandName])}`);
    t.gw.store.client.on('commandStarted', listener);
    try {
      expect((await track('hot-1', 'f1')).data!.trackAccess.status).toBe('RECORDED');
    } finally {
      t.gw.store.client.off('commandStarted', listener);
    }
    expect(commands).toEqual(['insert:event_log']);
    // And it is counted once the aggregator runs again.
    t.gw.services.aggregator.start();
    await t.settle();
    const file = await t.gql<{ file: { stats: { downloads: number } } }>(`{ file(id: "f1") { stats { downloads } } }`, {}, key);
    expect(file.data!.file.stats.downloads).toBe(2);
  });
});
