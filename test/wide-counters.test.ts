import { Int32, Long } from 'mongodb';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';

/**
 * Issue 17, item 1: totals are moved by `$inc`, and FerretDB 1.24 adds
 * int32 + int32 in int32. Three 1.5 GB downloads of one file, aggregated in
 * separate passes, read 1,500,000,000 → −1,294,967,296 → 205,032,704 before
 * the counters were written as int64.
 */
const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status } }`;
const VOLUMES = `query V($f: ID!, $d: ID!) {
  file(id: $f) { stats { volume downloads } }
  dataset(id: $d) { stats { volume downloads } }
}`;
const GB15 = 1_500_000_000;

describe('counters past 2^31 and 2^32 (embedded database)', () => {
  let t: TestGateway;
  let admin: string;
  let tracker: string;
  // A recent day, inside the accepted age window whenever the suite runs.
  const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
    tracker = await t.keyFor('svc-portal', 'TRACKER');
  });
  afterAll(() => t.stop());

  const download = async (file: string, eventId: string, hour: number, userId = 'bob'): Promise<void> => {
    const ts = `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const res = await t.gql<{ trackAccess: { status: string } }>(
      TRACK,
      { input: { resourceType: 'FILE', resourceId: file, action: 'DOWNLOAD', eventId, userId, timestamp: ts, userAgent: BROWSER_UA, bytes: GB15 } },
      tracker,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.trackAccess.status).toBe('RECORDED');
    // One aggregation pass per download: each moves the totals by `$inc`.
    await t.settle();
  };

  const volumes = async (file: string, dataset: string): Promise<{ file: number; dataset: number }> => {
    const res = await t.gql<{ file: { stats: { volume: number } }; dataset: { stats: { volume: number } } }>(VOLUMES, { f: file, d: dataset }, admin);
    expect(res.errors).toBeUndefined();
    return { file: res.data!.file.stats.volume, dataset: res.data!.dataset.stats.volume };
  };

  /** The stored BSON type of a field, as the database holds it (no promotion). */
  const bsonType = async (col: 'usageTotals' | 'usageByUser' | 'usageDaily', id: string, field: string): Promise<string> => {
    const doc = await t.gw.store[col].findOne({ _id: id } as never, { promoteLongs: false, promoteValues: false });
    const v = (doc as Record<string, unknown> | null)?.[field] as { _bsontype?: string } | undefined;
    return v?._bsontype ?? typeof v;
  };

  it('reads 1.5, 3 and 4.5 GB exact after three passes, through GraphQL and per user', async () => {
    await download('f1', 'big-1', 8);
    expect(await volumes('f1', 'd-pub')).toEqual({ file: GB15, dataset: GB15 });
    await download('f1', 'big-2', 10);
    expect(await volumes('f1', 'd-pub')).toEqual({ file: 2 * GB15, dataset: 2 * GB15 });
    await download('f1', 'big-3', 12);
    // Past 2^32 as well.
    expect(await volumes('f1', 'd-pub')).toEqual({ file: 3 * GB15, dataset: 3 * GB15 });
    expect(3 * GB15).toBeGreaterThan(2 ** 32);

    const perUser = await t.gw.store.usageByUser.findOne({ _id: 'bob|FILE:f1' });
    expect(perUser).toMatchObject({ volume: 3 * GB15, downloads: 3 });
    expect(await bsonType('usageTotals', 'FILE:f1', 'volume')).toBe('Long');
    expect(await bsonType('usageTotals', 'FILE:f1', 'downloads')).toBe('Long');
    expect(await bsonType('usageByUser', 'bob|FILE:f1', 'volume')).toBe('Long');
    // Day documents are written whole (never summed by the database), as int64 too.
    expect(await bsonType('usageDaily', `FILE|${day}|f1`, 'volume')).toBe('Long');
  });

  it('widens a total an older version stored as int32 at its next $inc', async () => {
    await download('f2', 'old-1', 8);
    // What the old writer stored: an int32.
    await t.gw.store.db.collection('usage_totals').updateOne({ _id: 'FILE:f2' } as never, { $set: { volume: new Int32(GB15) } });
    expect(await bsonType('usageTotals', 'FILE:f2', 'volume')).toBe('Int32');
    await download('f2', 'old-2', 10);
    expect(await volumes('f2', 'd-priv')).toEqual({ file: 2 * GB15, dataset: 2 * GB15 });
    expect(await bsonType('usageTotals', 'FILE:f2', 'volume')).toBe('Long');
  });

  it('repairs a total that already wrapped with recount --rebuild (a plain recount does not)', async () => {
    // The state issue 17 measured: day documents right, totals wrapped.
    const wrapped = { volume: new Int32(-1_294_967_296) };
    await t.gw.store.db.collection('usage_totals').updateOne({ _id: 'FILE:f1' } as never, { $set: wrapped });
    await t.gw.store.db.collection('usage_totals').updateOne({ _id: 'DATASET:d-pub' } as never, { $set: wrapped });

    // A recount rewrites only the day documents that differ and moves the
    // totals by those differences: the days are right, so nothing moves.
    await t.gw.services.aggregator.recount();
    expect(await volumes('f1', 'd-pub')).toEqual({ file: -1_294_967_296, dataset: -1_294_967_296 });

    // A rebuild recomputes every total from the day documents.
    await t.gw.services.aggregator.rebuildAll();
    expect(await volumes('f1', 'd-pub')).toEqual({ file: 3 * GB15, dataset: 3 * GB15 });
    expect(await bsonType('usageTotals', 'FILE:f1', 'volume')).toBe('Long');
  });

  it('keeps a total exact past 2^31 across recounts and further events', async () => {
    await download('f1', 'big-4', 14);
    await t.gw.services.aggregator.recount();
    expect(await volumes('f1', 'd-pub')).toEqual({ file: 4 * GB15, dataset: 4 * GB15 });
    const long = await t.gw.store.usageTotals.findOne({ _id: 'FILE:f1' }, { promoteLongs: false });
    expect(Long.isLong((long as Record<string, unknown>).volume)).toBe(true);
  });
});
