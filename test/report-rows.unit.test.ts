/**
 * Unit tests of the pure report layer: usage counts
 * (src/reports/report-usage.ts), row building (src/reports/report-rows.ts),
 * permissions (src/auth/report-access.ts), CSV records
 * (src/reports/report-records.ts), order (src/reports/report-order.ts),
 * parameters (src/reports/report-params.ts) and paging
 * (src/graphql/connection.ts). No database.
 */
import { ResourceType, Visibility } from '../src/domain/resources';
import type { Caller } from '../src/domain/caller';
import {
  BY_USER_REPORT_COLUMNS,
  COLLECTION_REPORT_COLUMNS,
  DATASET_REPORT_COLUMNS,
  FILE_REPORT_COLUMNS,
  MERGED_CREATED_COLUMN,
} from '../src/reports/report-columns';
import { buildByUserRow, buildCollectionRow, buildDatasetRow, buildFileRow, type CatalogLookup } from '../src/reports/report-rows';
import { accFromTotals, addDaily, emptyUsage, isActive, newAcc, usageOf, type UsageCounts } from '../src/reports/report-usage';
import { byUserRecord, collectionRecord, datasetRecord, fileRecord, mergedRecord, monthlyRecord } from '../src/reports/report-records';
import { BY_USER_ORDER, MONTHLY_ORDER, RESOURCE_ORDER, compareKeys, resourceRowKey, resourceSortKey, type RowOrder } from '../src/reports/report-order';
import { assertCanReport, reportAccess } from '../src/auth/report-access';
import type { CollectionInfo, DatasetInfo, FileInfo } from '../src/store/report.repository';
import { parseDayParam, parseMonthParam, parseWindow } from '../src/reports/report-params';
import { decodeReportCursor, encodeReportCursor, pageRows } from '../src/graphql/connection';

const T0 = new Date('2025-01-01T00:00:00.000Z');
/** T0 as a CSV cell: a date-time spreadsheets read as a date. */
const T0_CELL = '2025-01-01 00:00:00';

function dataset(p: Partial<DatasetInfo> & { title: string }): DatasetInfo {
  return {
    portalId: 'p1',
    ownerId: null,
    spaceIds: [],
    collectionIds: [],
    published: true,
    visibility: Visibility.PUBLIC,
    createdAt: T0,
    ...p,
  };
}

function collection(p: Partial<CollectionInfo> & { name: string }): CollectionInfo {
  return { ownerId: null, parentCollectionIds: [], spaceIds: [], createdAt: T0, ...p };
}

/**
 * d-pub (public, in c-a, space s-a), d-priv (private, owner alice, in c-b and
 * space s-b, s-b has member bob), d-draft (unpublished, owner alice, in c-a).
 */
const lookup: CatalogLookup = {
  users: new Map([
    ['alice', { name: 'Alice' }],
    ['bob', { name: 'Bob' }],
    ['carol', { name: 'Carol' }],
  ]),
  spaces: new Map([
    ['s-a', { name: 'Space A' }],
    ['s-b', { name: 'Space B' }],
  ]),
  collections: new Map([
    ['c-a', collection({ name: 'Coll A', ownerId: 'alice', spaceIds: ['s-a'] })],
    ['c-b', collection({ name: 'Coll B', parentCollectionIds: ['c-a', 'c-gone'], spaceIds: ['s-b'] })],
  ]),
  datasets: new Map([
    ['d-pub', dataset({ title: 'Public', ownerId: 'carol', collectionIds: ['c-a'], spaceIds: ['s-a'] })],
    ['d-priv', dataset({ title: 'Private', ownerId: 'alice', visibility: Visibility.PRIVATE, collectionIds: ['c-b'], spaceIds: ['s-b'] })],
    ['d-draft', dataset({ title: 'Draft', ownerId: 'alice', published: false, collectionIds: ['c-a'] })],
  ]),
};

const user = (userId: string, spaceIds: string[] = []): Caller => ({ kind: 'user', userId, role: 'USER', automated: false, spaceIds });
const ADMIN: Caller = { kind: 'user', userId: 'root', role: 'ADMIN', automated: false, spaceIds: [] };
const ALICE = user('alice');
const BOB = user('bob', ['s-b']);
const CAROL = user('carol');

const usage = (p: Partial<UsageCounts> = {}): UsageCounts => ({ ...emptyUsage(), ...p });

const file = (p: Partial<FileInfo> = {}): FileInfo => ({
  title: 'f.csv',
  sizeBytes: 2048,
  datasetIds: ['d-pub'],
  ownerId: 'carol',
  createdAtMs: T0.getTime(),
  ...p,
});

describe('file rows', () => {
  it('fills Clowder columns: owner name and id, size in KiB rounded, PROCESSED, blank location', () => {
    const u = usage({ views: 3, downloads: 2, lastViewedAt: T0, lastDownloadedAt: T0 });
    const row = buildFileRow('f1', file({ sizeBytes: 1536 }), u, lookup, reportAccess(ADMIN, lookup.datasets))!;
    expect(row).toMatchObject({ type: 'FILE', id: 'f1', name: 'f.csv', owner: { id: 'carol', name: 'Carol' }, sizeKb: 2, status: 'PROCESSED', location: '' });
    expect(buildFileRow('f1', file({ sizeBytes: 1535 }), u, lookup, reportAccess(ADMIN, lookup.datasets))!.sizeKb).toBe(1);
    const rec = fileRecord(row);
    expect(Object.keys(rec).sort()).toEqual([...FILE_REPORT_COLUMNS].sort());
    expect(rec).toMatchObject({ type: 'file', owner: 'Carol', owner_id: 'carol', size_kb: 2, uploaded: T0_CELL, views: 3, downloads: 2, status: 'PROCESSED' });
  });

  it('lists only visible parent datasets, and only their collections and spaces', () => {
    const f = file({ datasetIds: ['d-pub', 'd-priv', 'd-draft'] });
    const forCarol = buildFileRow('f', f, usage({ views: 1 }), lookup, reportAccess(CAROL, lookup.datasets))!;
    expect(forCarol.parentDatasets).toEqual([{ id: 'd-pub', name: 'Public' }]);
    expect(forCarol.parentCollections).toEqual([{ id: 'c-a', name: 'Coll A' }]);
    expect(forCarol.parentSpaces).toEqual([{ id: 's-a', name: 'Space A' }]);
    const rec = fileRecord(forCarol);
    for (const v of Object.values(rec)) {
      expect(String(v ?? '')).not.toMatch(/d-priv|d-draft|Private|Draft|c-b|Coll B|s-b|Space B/);
    }

    const forBob = buildFileRow('f', f, usage({ views: 1 }), lookup, reportAccess(BOB, lookup.datasets))!;
    expect(forBob.parentDatasets.map((d) => d.id)).toEqual(['d-pub', 'd-priv']);
    expect(fileRecord(forBob)).toMatchObject({
      parent_datasets: 'd-pub,d-priv',
      parent_dataset_names: 'Public | Private',
      parent_collections: 'c-a,c-b',
      parent_spaces: 's-a,s-b',
      parent_space_names: 'Space A | Space B',
    });

    // Alice sees all three; c-a appears once although two datasets are in it.
    const forAlice = buildFileRow('f', f, usage({ views: 1 }), lookup, reportAccess(ALICE, lookup.datasets))!;
    expect(forAlice.parentDatasets.map((d) => d.id)).toEqual(['d-pub', 'd-priv', 'd-draft']);
    expect(forAlice.parentCollections.map((c) => c.id)).toEqual(['c-a', 'c-b']);
  });

  it('hides a file none of whose datasets the caller may see; admins see even orphans', () => {
    const f = file({ datasetIds: ['d-draft'] });
    expect(buildFileRow('f', f, usage({ views: 1 }), lookup, reportAccess(BOB, lookup.datasets))).toBeNull();
    expect(buildFileRow('f', f, usage({ views: 1 }), lookup, reportAccess(ALICE, lookup.datasets))).not.toBeNull();
    expect(buildFileRow('gone', undefined, usage({ views: 1 }), lookup, reportAccess(BOB, lookup.datasets))).toBeNull();
    const orphan = buildFileRow('gone', undefined, usage({ views: 1 }), lookup, reportAccess(ADMIN, lookup.datasets))!;
    expect(orphan).toMatchObject({ id: 'gone', name: null, owner: null, sizeKb: null, parentDatasets: [] });
  });
});

describe('dataset and collection rows', () => {
  it.each([
    ['d-pub', ['alice', 'bob', 'carol', 'admin']],
    ['d-priv', ['alice', 'bob', 'admin']],
    ['d-draft', ['alice', 'admin']],
  ])('%s is visible to %j only', (id, who) => {
    const callers: Record<string, Caller> = { alice: ALICE, bob: BOB, carol: CAROL, admin: ADMIN };
    const seen = Object.entries(callers)
      .filter(([, c]) => buildDatasetRow(id, usage({ views: 1 }), lookup, reportAccess(c, lookup.datasets)) !== null)
      .map(([n]) => n);
    expect(seen.sort()).toEqual([...who].sort());
  });

  it('gives collections and spaces of a dataset with names, and Clowder columns', () => {
    const row = buildDatasetRow('d-priv', usage({ downloads: 1 }), lookup, reportAccess(BOB, lookup.datasets))!;
    const rec = datasetRecord(row);
    expect(Object.keys(rec).sort()).toEqual([...DATASET_REPORT_COLUMNS].sort());
    expect(rec).toMatchObject({ type: 'dataset', name: 'Private', owner: 'Alice', owner_id: 'alice', created: T0_CELL, parent_collections: 'c-b', parent_collection_names: 'Coll B', parent_spaces: 's-b' });
  });

  it('shows every catalog collection to users, drops unknown parents, and has no downloads', () => {
    const row = buildCollectionRow('c-b', usage({ views: 2, downloads: 5 }), lookup, reportAccess(CAROL, lookup.datasets))!;
    expect(row.downloads).toBeNull();
    expect(row.parentCollections).toEqual([{ id: 'c-a', name: 'Coll A' }]);
    const rec = collectionRecord(row);
    expect(Object.keys(rec).sort()).toEqual([...COLLECTION_REPORT_COLUMNS].sort());
    expect(buildCollectionRow('c-gone', usage({ views: 1 }), lookup, reportAccess(CAROL, lookup.datasets))).toBeNull();
    expect(buildCollectionRow('c-gone', usage({ views: 1 }), lookup, reportAccess(ADMIN, lookup.datasets))).not.toBeNull();
  });

  it('merged records leave the cells a type lacks blank and fill uploaded/created', () => {
    const access = reportAccess(ADMIN, lookup.datasets);
    const c = mergedRecord(buildCollectionRow('c-a', usage({ views: 1 }), lookup, access)!);
    expect(c[MERGED_CREATED_COLUMN]).toEqual(T0_CELL);
    expect(c.downloads).toBeUndefined();
    expect(c.last_downloaded).toBeUndefined();
    expect(c.size_kb).toBeUndefined();
    expect(c.parent_datasets).toBeUndefined();
    const d = mergedRecord(buildDatasetRow('d-pub', usage({ views: 1 }), lookup, access)!);
    expect(d.parent_datasets).toBeUndefined();
    expect(d.status).toBeUndefined();
    const f = mergedRecord(buildFileRow('f', file({ createdAtMs: Date.parse('2025-02-02T00:00:00Z') }), usage({ views: 1 }), lookup, access)!);
    expect(f[MERGED_CREATED_COLUMN]).toEqual('2025-02-02 00:00:00');
  });
});

describe('usage', () => {
  it('is active with views or downloads; collections need views', () => {
    expect(isActive(ResourceType.FILE, usage({ downloads: 1 }))).toBe(true);
    expect(isActive(ResourceType.FILE, usage({ apiCalls: 4 }))).toBe(false);
    expect(isActive(ResourceType.COLLECTION, usage({ downloads: 1 }))).toBe(false);
    expect(isActive(ResourceType.COLLECTION, usage({ views: 1 }))).toBe(true);
  });

  it('sums daily buckets and keeps the last active day per action (start of the UTC day)', () => {
    const u = newAcc();
    addDaily(u, { day: '2025-01-03', views: 2, downloads: 0 });
    addDaily(u, { day: '2025-01-05', downloads: 1, apiCalls: 3 });
    addDaily(u, { day: '2025-01-01', views: 1, downloads: 1 });
    addDaily(u, { day: '2025-01-09', apiCalls: 1 });
    expect(usageOf(u)).toEqual({
      ...emptyUsage(),
      views: 3,
      downloads: 2,
      apiCalls: 4,
      lastViewedAt: new Date('2025-01-03T00:00:00.000Z'),
      lastDownloadedAt: new Date('2025-01-05T00:00:00.000Z'),
    });
  });

  it('reads absent counters as zero', () => {
    expect(usageOf(accFromTotals({ views: 2 }))).toEqual({ ...emptyUsage(), views: 2 });
    const t = new Date('2025-01-01T10:00:00Z');
    expect(usageOf(accFromTotals({ downloads: 1, lastDownloadedAt: t })).lastDownloadedAt).toEqual(t);
  });
});

describe('order', () => {
  it('sorts by downloads desc, views desc, id asc; collections by views', () => {
    const rows = [
      ['b', 1, 5],
      ['a', 1, 5],
      ['c', 2, 0],
      ['d', 0, 9],
    ] as const;
    const keys = rows.map(([id, downloads, views]) => ({ id, key: resourceSortKey(ResourceType.FILE, id, { downloads, views }) }));
    keys.sort((x, y) => compareKeys(x.key, y.key));
    expect(keys.map((k) => k.id)).toEqual(['c', 'a', 'b', 'd']);
    const cols = rows.map(([id, downloads, views]) => ({ id, key: resourceSortKey(ResourceType.COLLECTION, id, { downloads, views }) }));
    cols.sort((x, y) => compareKeys(x.key, y.key));
    expect(cols.map((k) => k.id)).toEqual(['d', 'a', 'b', 'c']);
    // Merged: collections, then datasets, then files.
    expect(compareKeys(resourceSortKey(ResourceType.COLLECTION, 'z', { downloads: 0, views: 1 }), resourceSortKey(ResourceType.FILE, 'a', { downloads: 9, views: 9 }))).toBeLessThan(0);
  });

  it('sorts row sources exactly as GraphQL cursors compare their keys', () => {
    const sign = (n: number): number => Math.sign(n) || 0;
    /** Pairs of rows that the comparator and the cursor keys put in different orders. */
    function disagreements<T>(order: RowOrder<T>, rows: readonly T[]): [T, T][] {
      const out: [T, T][] = [];
      for (const a of rows) for (const b of rows) if (sign(order.compare(a, b)) !== sign(compareKeys(order.key(a), order.key(b)))) out.push([a, b]);
      return out;
    }
    const usages = [0, 1, 2, 10].flatMap((downloads) => [0, 1, 3].map((views) => ({ downloads, views })));
    for (const type of [ResourceType.COLLECTION, ResourceType.DATASET, ResourceType.FILE]) {
      const resources = usages.flatMap((u, i) => [{ id: `r${i % 3}`, ...u }, { id: `r${i}`, ...u }]);
      expect(disagreements(RESOURCE_ORDER[type], resources)).toEqual([]);
      const pairs = resources.flatMap((r) => ['u1', 'u2'].map((userId) => ({ resourceId: r.id, userId, views: r.views, downloads: r.downloads })));
      expect(disagreements(BY_USER_ORDER[type], pairs)).toEqual([]);
    }
    const months = ['d1', 'd2', 'd10'].flatMap((datasetId) => ['2025-01', '2025-12'].map((month) => ({ datasetId, month })));
    expect(disagreements(MONTHLY_ORDER, months)).toEqual([]);
  });
});

describe('by-user rows', () => {
  const files = new Map([['f2', { title: 'two', datasetIds: ['d-priv'] }]]);

  it('gives a user only their own rows, on resources they may see', () => {
    const u = usage({ views: 1, downloads: 1 });
    expect(buildByUserRow(ResourceType.FILE, 'f2', 'bob', u, lookup, reportAccess(BOB, lookup.datasets), files)).toMatchObject({ name: 'two', user: { id: 'bob', name: 'Bob' } });
    expect(buildByUserRow(ResourceType.FILE, 'f2', 'alice', u, lookup, reportAccess(BOB, lookup.datasets), files)).toBeNull();
    expect(buildByUserRow(ResourceType.FILE, 'f2', 'carol', u, lookup, reportAccess(CAROL, lookup.datasets), files)).toBeNull();
    expect(buildByUserRow(ResourceType.DATASET, 'd-draft', 'bob', u, lookup, reportAccess(BOB, lookup.datasets), files)).toBeNull();
    expect(buildByUserRow(ResourceType.DATASET, 'd-draft', 'bob', u, lookup, reportAccess(ADMIN, lookup.datasets), files)).not.toBeNull();
  });

  it('leaves the download cells of collections blank', () => {
    const row = buildByUserRow(ResourceType.COLLECTION, 'c-a', 'carol', usage({ views: 2, downloads: 1 }), lookup, reportAccess(CAROL, lookup.datasets), files)!;
    const rec = byUserRecord(row);
    expect(Object.keys(rec).sort()).toEqual([...BY_USER_REPORT_COLUMNS].sort());
    expect(rec).toMatchObject({ type: 'collection', name: 'Coll A', user_id: 'carol', user_name: 'Carol', views: 2, downloads: null, last_downloaded: '' });
  });

  it('monthly records map to udata columns, the month as its first day (a date in spreadsheets)', () => {
    expect(monthlyRecord({ datasetId: 'd', datasetTitle: 'T', month: '2025-01', views: 1, downloads: 2, apiCalls: 3 })).toEqual({
      dataset_title: 'T',
      dataset_id: 'd',
      month: '2025-01-01',
      monthly_visit: 1,
      monthly_download_resource: 2,
      monthly_api_calls: 3,
    });
  });
});

describe('parameters', () => {
  it.each([
    ['2025-03-01', '2025-03-01'],
    ['2025-03-01T00:00:00Z', '2025-03-01'],
    ['2025-03-01T23:30:00.123456Z', '2025-03-01'],
    ['2025-03-01T01:00:00+02:00', '2025-02-28'],
    ['2025-03-01T23:00-0200', '2025-03-02'],
  ])('reads %s as the UTC day %s', (raw, day) => {
    expect(parseDayParam('since', raw)).toBe(day);
  });

  it.each(['yesterday', '2025-02-30', '2025-13-01', '2025-03-01T10:00:00', '2025-03-01T25:00:00Z', '20250301', '2025-03-01 10:00Z'])(
    'rejects %s',
    (raw) => {
      expect(() => parseDayParam('since', raw)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    },
  );

  it('checks window order and months', () => {
    expect(parseWindow(undefined, '')).toEqual({ fromDay: null, toDay: null });
    expect(parseWindow('2025-01-01', '2025-01-01')).toEqual({ fromDay: '2025-01-01', toDay: '2025-01-01' });
    expect(() => parseWindow('2025-01-02', '2025-01-01')).toThrow(/after/);
    expect(parseMonthParam('from', '2025-02')).toBe('2025-02');
    expect(() => parseMonthParam('from', '2025-2')).toThrow(/YYYY-MM/);
  });

  it('refuses anonymous callers and trackers', () => {
    expect(() => assertCanReport({ kind: 'anonymous' })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }));
    expect(() => assertCanReport({ kind: 'user', userId: 't', role: 'TRACKER', automated: false, spaceIds: [] })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    );
    expect(() => assertCanReport(ALICE)).not.toThrow();
  });
});

describe('paging', () => {
  async function* source(n: number) {
    for (let i = 0; i < n; i++) yield { n: i, key: [-(10 - i), `id${i}`] as const };
  }

  it('pages with keyset cursors and counts every row', async () => {
    const p1 = await pageRows(source(5), (r) => r.key, 2, null);
    expect(p1.nodes.map((r) => r.n)).toEqual([0, 1]);
    expect(p1).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    const p2 = await pageRows(source(5), (r) => r.key, 2, p1.pageInfo.endCursor);
    expect(p2.nodes.map((r) => r.n)).toEqual([2, 3]);
    const p3 = await pageRows(source(5), (r) => r.key, 2, p2.pageInfo.endCursor);
    expect(p3.nodes.map((r) => r.n)).toEqual([4]);
    expect(p3.pageInfo).toEqual({ hasNextPage: false, endCursor: p3.edges[0].cursor });
  });

  it('round-trips cursors and rejects foreign ones', () => {
    const row = buildDatasetRow('d-pub', usage({ views: 3, downloads: 1 }), lookup, reportAccess(ADMIN, lookup.datasets))!;
    expect(decodeReportCursor(encodeReportCursor(resourceRowKey(row)))).toEqual([1, -1, -3, 'd-pub']);
    expect(() => decodeReportCursor(Buffer.from('id:x').toString('base64url'))).toThrow(/invalid cursor/);
    expect(() => decodeReportCursor('!!!')).toThrow(/invalid cursor/);
  });
});
