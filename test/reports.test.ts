/**
 * Usage reports end to end: a real gateway over HTTP, history recorded
 * through the real `trackAccesses` mutation, CSV read back with csv-parse.
 * Every expected row below is computed by hand from REPORT_EVENTS
 * (test/support/report-fixtures.ts).
 */
import { startTestGateway, type TestGateway } from './support/test-gateway';
import {
  NAMES,
  REPORT_EVENTS,
  REPORT_GATEWAY_ENV,
  fetchCsv,
  loadReportCatalog,
  reportKeys,
  track,
  type ReportKeys,
} from './support/report-fixtures';
import http from 'node:http';
import express from 'express';
import { mountReports } from '../src/reports/report.routes';
import type { Services } from '../src/services';
import type { ResourceReportRow } from '../src/reports/report-rows';
import {
  BY_USER_REPORT_COLUMNS,
  COLLECTION_REPORT_COLUMNS,
  DATASET_REPORT_COLUMNS,
  FILE_REPORT_COLUMNS,
  MERGED_REPORT_COLUMNS,
  MONTHLY_EXPORT_COLUMNS,
} from '../src/reports/report-columns';

const FILE_ROW_FIELDS = `type id name owner { id name } views downloads apiCalls lastViewedAt lastDownloadedAt sizeKb createdAt location status
  parentDatasets { id name } parentCollections { id name } parentSpaces { id name }`;
const USAGE_REPORT = `query R($type: ResourceType, $since: String, $until: String, $first: Int, $after: String) {
  usageReport(type: $type, since: $since, until: $until, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor } nodes { ${FILE_ROW_FIELDS} }
  }
}`;
const BY_USER = `query B($type: ResourceType!, $first: Int, $after: String) {
  usageByUserReport(type: $type, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { type id name user { id name } views downloads apiCalls lastViewedAt lastDownloadedAt }
  }
}`;
const MONTHLY = `query X($portalId: ID, $from: String, $to: String, $first: Int, $after: String) {
  monthlyUsageExport(portalId: $portalId, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { datasetId datasetTitle month views downloads apiCalls }
  }
}`;

type Rec = Record<string, string>;

const F_AT = '2024-12-01T00:00:00.000Z';
/** F_AT as a CSV cell (a date-time spreadsheets open as a date). */
const F_CELL = '2024-12-01 00:00:00';

/** The file report for an admin, all time, by hand. */
const FILES_ADMIN: Rec[] = [
  {
    type: 'file', id: 'f1', name: NAMES.f1, owner: NAMES.carol, owner_id: 'carol', size_kb: '2', uploaded: F_CELL,
    views: '1', downloads: '2', last_viewed: '2025-01-10 10:10:00', last_downloaded: '2025-01-10 10:05:00',
    location: '', parent_datasets: 'd-pub', parent_collections: 'c-child', parent_spaces: 's2', status: 'PROCESSED',
    parent_dataset_names: `'${NAMES.dPub}`, parent_collection_names: `'${NAMES.cChild}`, parent_space_names: `'${NAMES.s2}`,
  },
  {
    type: 'file', id: 'f2', name: `'${NAMES.f2}`, owner: NAMES.alice, owner_id: 'alice', size_kb: '2', uploaded: F_CELL,
    views: '1', downloads: '1', last_viewed: '2025-02-03 08:00:00', last_downloaded: '2025-02-03 08:01:00',
    location: '', parent_datasets: 'd-priv', parent_collections: 'c-root', parent_spaces: 's1', status: 'PROCESSED',
    parent_dataset_names: NAMES.dPriv, parent_collection_names: NAMES.cRoot, parent_space_names: NAMES.s1,
  },
  {
    type: 'file', id: 'f3', name: NAMES.f3, owner: '', owner_id: '', size_kb: '0', uploaded: F_CELL,
    // The double click (09:00:00, 09:00:10) is one download, dated by the click kept: the last (CoP-RD §10).
    views: '0', downloads: '1', last_viewed: '', last_downloaded: '2025-01-20 09:00:10',
    location: '', parent_datasets: 'd-pub,d-priv', parent_collections: 'c-child,c-root', parent_spaces: 's2,s1', status: 'PROCESSED',
    parent_dataset_names: `'${NAMES.dPub} | ${NAMES.dPriv}`,
    parent_collection_names: `'${NAMES.cChild} | ${NAMES.cRoot}`,
    parent_space_names: `'${NAMES.s2} | ${NAMES.s1}`,
  },
  {
    type: 'file', id: 'f4', name: `'${NAMES.f4}`, owner: NAMES.alice, owner_id: 'alice', size_kb: '0', uploaded: F_CELL,
    views: '1', downloads: '0', last_viewed: '2025-02-04 12:00:00', last_downloaded: '',
    location: '', parent_datasets: 'd-draft', parent_collections: '', parent_spaces: '', status: 'PROCESSED',
    parent_dataset_names: NAMES.dDraft, parent_collection_names: '', parent_space_names: '',
  },
];

const DATASETS_ADMIN: Rec[] = [
  {
    type: 'dataset', id: 'd-pub', name: `'${NAMES.dPub}`, owner: NAMES.carol, owner_id: 'carol', created: '2024-06-01 00:00:00',
    // The dataset is the COUNTER unit: f1's and f3's use counts here too.
    views: '3', downloads: '4', last_viewed: '2025-01-10 11:05:00', last_downloaded: '2025-02-15 14:00:00',
    parent_collections: 'c-child', parent_spaces: 's2', parent_collection_names: `'${NAMES.cChild}`, parent_space_names: `'${NAMES.s2}`,
  },
  {
    type: 'dataset', id: 'd-priv', name: NAMES.dPriv, owner: NAMES.alice, owner_id: 'alice', created: '2024-07-01 00:00:00',
    views: '2', downloads: '3', last_viewed: '2025-02-03 08:00:00', last_downloaded: '2025-02-20 09:00:00',
    parent_collections: 'c-root', parent_spaces: 's1', parent_collection_names: NAMES.cRoot, parent_space_names: NAMES.s1,
  },
  {
    type: 'dataset', id: 'd-draft', name: NAMES.dDraft, owner: NAMES.alice, owner_id: 'alice', created: '2024-08-01 00:00:00',
    views: '2', downloads: '0', last_viewed: '2025-03-01 10:00:00', last_downloaded: '',
    parent_collections: '', parent_spaces: '', parent_collection_names: '', parent_space_names: '',
  },
];

const COLLECTIONS_ADMIN: Rec[] = [
  {
    type: 'collection', id: 'c-child', name: `'${NAMES.cChild}`, owner: NAMES.alice, owner_id: 'alice', created: '2024-05-01 00:00:00',
    views: '2', last_viewed: '2025-03-02 10:00:00', parent_collections: 'c-root', parent_spaces: '',
    parent_collection_names: NAMES.cRoot, parent_space_names: '',
  },
  {
    type: 'collection', id: 'c-root', name: NAMES.cRoot, owner: NAMES.alice, owner_id: 'alice', created: '2024-05-01 00:00:00',
    views: '1', last_viewed: '2025-01-15 10:00:00', parent_collections: '', parent_spaces: 's1',
    parent_collection_names: '', parent_space_names: NAMES.s1,
  },
];

const byUser = (type: string, id: string, name: string, user: 'alice' | 'bob' | 'carol', views: string, downloads: string, lastViewed: string, lastDownloaded: string): Rec => ({
  type, id, name, user_id: user, user_name: NAMES[user], views, downloads, last_viewed: lastViewed, last_downloaded: lastDownloaded,
});

const FILES_BY_USER: Rec[] = [
  byUser('file', 'f2', `'${NAMES.f2}`, 'bob', '1', '1', '2025-02-03 08:00:00', '2025-02-03 08:01:00'),
  byUser('file', 'f1', NAMES.f1, 'alice', '0', '1', '', '2025-01-10 10:00:00'),
  byUser('file', 'f1', NAMES.f1, 'bob', '0', '1', '', '2025-01-10 10:05:00'),
  byUser('file', 'f3', NAMES.f3, 'alice', '0', '1', '', '2025-01-20 09:00:10'),
  byUser('file', 'f4', `'${NAMES.f4}`, 'alice', '1', '0', '2025-02-04 12:00:00', ''),
];

// A user's use of a dataset includes their use of its files (f1 ∈ d-pub, f2 ∈ d-priv, f3 ∈ both, f4 ∈ d-draft).
const DATASETS_BY_USER: Rec[] = [
  byUser('dataset', 'd-priv', NAMES.dPriv, 'bob', '2', '2', '2025-02-03 08:00:00', '2025-02-20 09:00:00'),
  byUser('dataset', 'd-pub', `'${NAMES.dPub}`, 'alice', '2', '2', '2025-01-10 11:05:00', '2025-01-20 09:00:10'),
  byUser('dataset', 'd-priv', NAMES.dPriv, 'alice', '0', '1', '', '2025-01-20 09:00:10'),
  byUser('dataset', 'd-pub', `'${NAMES.dPub}`, 'bob', '0', '1', '', '2025-01-10 10:05:00'),
  byUser('dataset', 'd-pub', `'${NAMES.dPub}`, 'carol', '0', '1', '', '2025-02-15 14:00:00'),
  byUser('dataset', 'd-draft', NAMES.dDraft, 'alice', '2', '0', '2025-03-01 10:00:00', ''),
];

const COLLECTIONS_BY_USER: Rec[] = [
  byUser('collection', 'c-child', `'${NAMES.cChild}`, 'alice', '1', '', '2025-01-16 10:00:00', ''),
  byUser('collection', 'c-child', `'${NAMES.cChild}`, 'carol', '1', '', '2025-03-02 10:00:00', ''),
  byUser('collection', 'c-root', NAMES.cRoot, 'bob', '1', '', '2025-01-15 10:00:00', ''),
];

const monthly = (id: string, title: string, month: string, v: string, d: string, a: string): Rec => ({
  dataset_title: title, dataset_id: id, month, monthly_visit: v, monthly_download_resource: d, monthly_api_calls: a,
});
// monthly_download_resource counts the downloads of the dataset's files too (data.gouv.fr's meaning).
// `month` is the month's first day, so spreadsheets open it as a date.
const MONTHLY_P1: Rec[] = [
  monthly('d-priv', NAMES.dPriv, '2025-01-01', '1', '1', '0'),
  monthly('d-priv', NAMES.dPriv, '2025-02-01', '1', '2', '0'),
  monthly('d-pub', `'${NAMES.dPub}`, '2025-01-01', '3', '3', '0'),
  monthly('d-pub', `'${NAMES.dPub}`, '2025-02-01', '0', '1', '1'),
];

describe('usage reports', () => {
  let t: TestGateway;
  let k: ReportKeys;

  beforeAll(async () => {
    t = await startTestGateway({ env: REPORT_GATEWAY_ENV });
    await loadReportCatalog(t);
    k = await reportKeys(t);
    const classes = await track(t, k.tracker, REPORT_EVENTS, 'h');
    expect(new Set(classes)).toEqual(new Set(['regular']));
    // Machine traffic: an automated account named by the tracker, and an
    // automated key of a person's account. Counted apart, never per user.
    const machine = [
      ...(await track(t, k.tracker, [{ resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', userId: 'ext', timestamp: '2025-01-09T10:00:00.000Z' }], 'm-ext')),
      ...(await track(t, k.carolBot, [{ resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', timestamp: '2025-01-09T11:00:00.000Z' }], 'm-bot')),
      ...(await track(t, k.carolBot, [{ resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', timestamp: '2025-01-09T12:00:00.000Z' }], 'm-bot2')),
    ];
    expect(machine).toEqual(['machine', 'machine', 'machine']);
  });
  afterAll(() => t.stop());

  describe('resource reports (CSV)', () => {
    it('files: Clowder columns then parent names, sorted by downloads, views, id; hostile names survive', async () => {
      const r = await fetchCsv(t, '/api/reports/metrics/files', k.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="FileMetrics-\d{4}-\d{2}-\d{2}\.csv"$/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect([...r.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(r.rows![0]).toEqual([...FILE_REPORT_COLUMNS]);
      expect(r.records).toEqual(FILES_ADMIN);
    });

    it('datasets and collections', async () => {
      const d = await fetchCsv(t, '/api/reports/metrics/datasets', k.admin);
      expect(d.rows![0]).toEqual([...DATASET_REPORT_COLUMNS]);
      expect(d.records).toEqual(DATASETS_ADMIN.map((r) => expect.objectContaining(r)));
      // Our columns after Clowder's: API calls, portal, visibility, machine and robot traffic.
      expect(d.records!.map((r) => [r.id, r.visibility])).toEqual([
        ['d-pub', 'PUBLIC'],
        ['d-priv', 'PRIVATE'],
        ['d-draft', expect.any(String)],
      ]);
      for (const r of d.records!) expect(r.portal).not.toBe('');
      const c = await fetchCsv(t, '/api/reports/metrics/collections', k.admin);
      expect(c.rows![0]).toEqual([...COLLECTION_REPORT_COLUMNS]);
      // c-empty has no views: no row.
      expect(c.records).toEqual(COLLECTIONS_ADMIN);
    });

    it('merged report: collections, datasets, files; blank cells where a type lacks a column', async () => {
      const r = await fetchCsv(t, '/api/reports/metrics', k.admin);
      expect(r.rows![0]).toEqual([...MERGED_REPORT_COLUMNS]);
      expect(r.headers.get('content-disposition')).toMatch(/filename="AllMetrics-/);
      expect(r.records!.map((x) => x.id)).toEqual(['c-child', 'c-root', 'd-pub', 'd-priv', 'd-draft', 'f1', 'f2', 'f3', 'f4']);
      const [cChild, , dPub, , , f1] = r.records!;
      expect(cChild).toMatchObject({
        type: 'collection', 'uploaded/created': '2024-05-01 00:00:00', views: '2',
        downloads: '', last_downloaded: '', size_kb: '', location: '', parent_datasets: '', status: '', parent_dataset_names: '',
        parent_collections: 'c-root',
      });
      expect(dPub).toMatchObject({
        type: 'dataset', 'uploaded/created': '2024-06-01 00:00:00', downloads: '4', size_kb: '', location: '', parent_datasets: '', status: '',
        parent_collections: 'c-child',
      });
      expect(f1).toMatchObject({ type: 'file', 'uploaded/created': F_CELL, size_kb: '2', status: 'PROCESSED', parent_datasets: 'd-pub' });
    });

    it('accepts X-API-Key, and bom=false for machine consumers', async () => {
      const r = await fetchCsv(t, '/api/reports/metrics/collections?bom=false', k.admin, 'x-api-key');
      expect(r.status).toBe(200);
      expect(r.text.startsWith('type,id,name')).toBe(true);
      expect(r.records).toEqual(COLLECTIONS_ADMIN);
    });
  });

  describe('activity windows (since/until on when the activity happened)', () => {
    it('counts only the days in the window and drops rows without activity there; last times are day-precise', async () => {
      const f = await fetchCsv(t, '/api/reports/metrics/files?since=2025-02-01&until=2025-02-28', k.admin);
      expect(f.records!.map((x) => [x.id, x.views, x.downloads, x.last_viewed, x.last_downloaded])).toEqual([
        ['f2', '1', '1', '2025-02-03 00:00:00', '2025-02-03 00:00:00'],
        ['f4', '1', '0', '2025-02-04 00:00:00', ''],
      ]);
      const d = await fetchCsv(t, '/api/reports/metrics/datasets?since=2025-02-01&until=2025-02-28', k.admin);
      // With their files' use (f2 on 02-03, f4 on 02-04), by downloads, views, id.
      expect(d.records!.map((x) => [x.id, x.views, x.downloads, x.last_downloaded])).toEqual([
        ['d-priv', '1', '2', '2025-02-20 00:00:00'],
        ['d-pub', '0', '1', '2025-02-15 00:00:00'],
        ['d-draft', '1', '0', ''],
      ]);
      const c = await fetchCsv(t, '/api/reports/metrics/collections?since=2025-02-01&until=2025-02-28', k.admin);
      expect(c.rows).toEqual([[...COLLECTION_REPORT_COLUMNS]]);
    });

    it('takes date-times (reduced to their UTC day) and open-ended windows', async () => {
      const day = await fetchCsv(t, '/api/reports/metrics/files?since=2025-01-10T00:00:00Z&until=2025-01-10T23:59:59.999Z', k.admin);
      expect(day.records!.map((x) => [x.id, x.views, x.downloads])).toEqual([['f1', '1', '2']]);
      const since = await fetchCsv(t, '/api/reports/metrics/collections?since=2025-03-01', k.admin);
      expect(since.records!.map((x) => [x.id, x.views, x.last_viewed])).toEqual([['c-child', '1', '2025-03-02 00:00:00']]);
      const until = await fetchCsv(t, '/api/reports/metrics/collections?until=2025-01-31', k.admin);
      expect(until.records!.map((x) => [x.id, x.views])).toEqual([
        ['c-child', '1'],
        ['c-root', '1'],
      ]);
      const merged = await fetchCsv(t, '/api/reports/metrics?since=2025-03-01', k.admin);
      expect(merged.records!.map((x) => x.id)).toEqual(['c-child', 'd-draft']);
    });

    it.each([
      ['since=yesterday', 'since must be a month YYYY-MM, a date YYYY-MM-DD or an ISO 8601 date-time'],
      ['until=2025-02-30', 'until must be a month YYYY-MM, a date YYYY-MM-DD or an ISO 8601 date-time'],
      ['since=2025-03-01&until=2025-02-01', 'is after until'],
      ['since=2025-01-01&since=2025-02-01', 'must be given once'],
    ])('rejects %s with 400 BAD_USER_INPUT', async (qs, message) => {
      const r = await fetchCsv(t, `/api/reports/metrics/files?${qs}`, k.admin);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.json!.error!.code).toBe('BAD_USER_INPUT');
      expect(r.json!.error!.message).toContain(message);
    });
  });

  describe('by-user reports', () => {
    it('one row per (user, resource): human traffic of signed-in users only', async () => {
      const f = await fetchCsv(t, '/api/reports/metrics/files_by_user', k.admin);
      expect(f.rows![0]).toEqual([...BY_USER_REPORT_COLUMNS]);
      // f1 was also downloaded twice by machines (ext, carol's automated key): not here.
      expect(f.records).toEqual(FILES_BY_USER);
      const d = await fetchCsv(t, '/api/reports/metrics/datasets_by_user', k.admin);
      expect(d.records).toEqual(DATASETS_BY_USER);
      const c = await fetchCsv(t, '/api/reports/metrics/collections_by_user', k.admin);
      expect(c.records).toEqual(COLLECTIONS_BY_USER);
    });

    it('machine downloads are in the totals machine counter, not in downloads nor per-user rows', async () => {
      const res = await t.gql<{ file: { stats: { downloads: number; machine: { downloads: number } } } }>(
        '{ file(id: "f1") { stats { downloads machine { downloads } } } }',
        {},
        k.admin,
      );
      expect(res.data!.file.stats).toEqual({ downloads: 2, machine: { downloads: 2 } });
      const carol = await fetchCsv(t, '/api/reports/metrics/files_by_user', k.carol);
      expect(carol.records).toEqual([]);
    });

    it('gives a USER only their own rows', async () => {
      const bob = await fetchCsv(t, '/api/reports/metrics/files_by_user', k.bob);
      expect(bob.records).toEqual(FILES_BY_USER.filter((r) => r.user_id === 'bob'));
      const alice = await fetchCsv(t, '/api/reports/metrics/datasets_by_user', k.alice);
      expect(alice.records).toEqual(DATASETS_BY_USER.filter((r) => r.user_id === 'alice'));
    });

    it('since/until count only the activity of the window, from per-user daily buckets', async () => {
      const late = await fetchCsv(t, '/api/reports/metrics/collections_by_user?since=2025-03-01', k.admin);
      expect(late.records!.map((r) => [r.id, r.user_id, r.views, r.last_viewed])).toEqual([['c-child', 'carol', '1', '2025-03-02 00:00:00']]);
      const early = await fetchCsv(t, '/api/reports/metrics/collections_by_user?until=2025-01-31', k.admin);
      expect(early.records!.map((r) => [r.id, r.user_id, r.views, r.last_viewed])).toEqual([
        ['c-child', 'alice', '1', '2025-01-16 00:00:00'],
        ['c-root', 'bob', '1', '2025-01-15 00:00:00'],
      ]);
      // A USER still sees only their own rows inside a window.
      const bob = await fetchCsv(t, '/api/reports/metrics/collections_by_user?until=2025-01-31', k.bob);
      expect(bob.records!.map((r) => [r.id, r.user_id])).toEqual([['c-root', 'bob']]);
      const bad = await fetchCsv(t, '/api/reports/metrics/files_by_user?since=2025-03-01&until=2025-02-01', k.admin);
      expect(bad.status).toBe(400);
      const gql = await t.gql<{ usageByUserReport: { nodes: { id: string; user: { id: string } }[] } }>(
        'query Q($since: String) { usageByUserReport(type: COLLECTION, since: $since) { nodes { id user { id } } } }',
        { since: '2025-03-01' },
        k.admin,
      );
      expect(gql.data!.usageByUserReport.nodes.map((n) => `${n.id}/${n.user.id}`)).toEqual(['c-child/carol']);
    });

    it('the same rows through GraphQL', async () => {
      const res = await t.gql<{ usageByUserReport: { totalCount: number; nodes: Record<string, unknown>[] } }>(BY_USER, { type: 'COLLECTION' }, k.admin);
      expect(res.errors).toBeUndefined();
      expect(res.data!.usageByUserReport.totalCount).toBe(3);
      expect(res.data!.usageByUserReport.nodes).toEqual([
        { type: 'COLLECTION', id: 'c-child', name: NAMES.cChild, user: { id: 'alice', name: NAMES.alice }, views: 1, downloads: null, apiCalls: 0, lastViewedAt: '2025-01-16T10:00:00.000Z', lastDownloadedAt: null },
        { type: 'COLLECTION', id: 'c-child', name: NAMES.cChild, user: { id: 'carol', name: NAMES.carol }, views: 1, downloads: null, apiCalls: 0, lastViewedAt: '2025-03-02T10:00:00.000Z', lastDownloadedAt: null },
        { type: 'COLLECTION', id: 'c-root', name: NAMES.cRoot, user: { id: 'bob', name: NAMES.bob }, views: 1, downloads: null, apiCalls: 0, lastViewedAt: '2025-01-15T10:00:00.000Z', lastDownloadedAt: null },
      ]);
      const ds = await t.gql<{ usageByUserReport: { nodes: { id: string; user: { id: string }; apiCalls: number }[] } }>(BY_USER, { type: 'DATASET' }, k.admin);
      expect(ds.data!.usageByUserReport.nodes.map((n) => `${n.id}/${n.user.id}/${n.apiCalls}`)).toEqual([
        'd-priv/bob/0',
        'd-pub/alice/0',
        'd-priv/alice/0',
        'd-pub/bob/0',
        'd-pub/carol/1',
        'd-draft/alice/0',
      ]);
    });
  });

  describe('GraphQL usageReport', () => {
    it('returns the rows of the CSV, typed and unescaped', async () => {
      const res = await t.gql<{ usageReport: { totalCount: number; nodes: Record<string, unknown>[] } }>(USAGE_REPORT, { type: 'FILE' }, k.admin);
      expect(res.errors).toBeUndefined();
      const nodes = res.data!.usageReport.nodes;
      expect(nodes.map((n) => n.id)).toEqual(FILES_ADMIN.map((r) => r.id));
      expect(nodes[2]).toEqual({
        type: 'FILE',
        id: 'f3',
        name: NAMES.f3,
        owner: null,
        views: 0,
        downloads: 1,
        apiCalls: 0,
        lastViewedAt: null,
        lastDownloadedAt: '2025-01-20T09:00:10.000Z',
        sizeKb: 0,
        createdAt: F_AT,
        location: '',
        status: 'PROCESSED',
        parentDatasets: [
          { id: 'd-pub', name: NAMES.dPub },
          { id: 'd-priv', name: NAMES.dPriv },
        ],
        parentCollections: [
          { id: 'c-child', name: NAMES.cChild },
          { id: 'c-root', name: NAMES.cRoot },
        ],
        parentSpaces: [
          { id: 's2', name: NAMES.s2 },
          { id: 's1', name: NAMES.s1 },
        ],
      });
      expect(nodes[1]).toMatchObject({ name: NAMES.f2, owner: { id: 'alice', name: NAMES.alice } });
    });

    it('pages with first/after in report order', async () => {
      const p1 = await t.gql<{ usageReport: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { id: string }[] } }>(
        USAGE_REPORT,
        { first: 4 },
        k.admin,
      );
      expect(p1.data!.usageReport.nodes.map((n) => n.id)).toEqual(['c-child', 'c-root', 'd-pub', 'd-priv']);
      expect(p1.data!.usageReport.totalCount).toBe(9);
      expect(p1.data!.usageReport.pageInfo.hasNextPage).toBe(true);
      const p2 = await t.gql<{ usageReport: { pageInfo: { hasNextPage: boolean }; nodes: { id: string }[] } }>(
        USAGE_REPORT,
        { first: 4, after: p1.data!.usageReport.pageInfo.endCursor },
        k.admin,
      );
      expect(p2.data!.usageReport.nodes.map((n) => n.id)).toEqual(['d-draft', 'f1', 'f2', 'f3']);
      expect(p2.data!.usageReport.pageInfo.hasNextPage).toBe(true);
    });

    it('applies windows like the CSV, and rejects bad ones with BAD_USER_INPUT', async () => {
      const res = await t.gql<{ usageReport: { nodes: { id: string; views: number; downloads: number; lastViewedAt: string }[] } }>(
        USAGE_REPORT,
        { type: 'FILE', since: '2025-02-01', until: '2025-02-28' },
        k.admin,
      );
      expect(res.data!.usageReport.nodes.map((n) => [n.id, n.views, n.downloads, n.lastViewedAt])).toEqual([
        ['f2', 1, 1, '2025-02-03T00:00:00.000Z'],
        ['f4', 1, 0, '2025-02-04T00:00:00.000Z'],
      ]);
      const bad = await t.gql(USAGE_REPORT, { type: 'FILE', since: 'last week' }, k.admin);
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const badCursor = await t.gql(USAGE_REPORT, { type: 'FILE', after: 'nonsense' }, k.admin);
      expect(badCursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('monthly export', () => {
    it('one row per dataset per month of a portal, by dataset id then month', async () => {
      const r = await fetchCsv(t, '/api/reports/monthly?portal=p1', k.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-disposition')).toMatch(/filename="MonthlyUsage-p1-/);
      expect(r.rows![0]).toEqual([...MONTHLY_EXPORT_COLUMNS]);
      expect(r.records).toEqual(MONTHLY_P1);
    });

    it('all portals for an admin, and a month range', async () => {
      const all = await fetchCsv(t, '/api/reports/monthly', k.admin);
      expect(all.records).toEqual([
        monthly('d-draft', NAMES.dDraft, '2025-02-01', '1', '0', '0'),
        monthly('d-draft', NAMES.dDraft, '2025-03-01', '1', '0', '0'),
        ...MONTHLY_P1,
      ]);
      const feb = await fetchCsv(t, '/api/reports/monthly?portal=p1&from=2025-02&to=2025-02', k.admin);
      expect(feb.records).toEqual(MONTHLY_P1.filter((x) => x.month === '2025-02-01'));
      const bad = await fetchCsv(t, '/api/reports/monthly?portal=p1&from=2025-2', k.admin);
      expect(bad.status).toBe(400);
      const unknown = await fetchCsv(t, '/api/reports/monthly?portal=nope', k.admin);
      expect(unknown.status).toBe(404);
      expect(unknown.json!.error!.code).toBe('NOT_FOUND');
    });

    it('a USER must name a portal and gets only datasets they may see', async () => {
      const r = await fetchCsv(t, '/api/reports/monthly', k.carol);
      expect(r.status).toBe(400);
      expect(r.json!.error!.message).toMatch(/portal is required/);
      const carol = await fetchCsv(t, '/api/reports/monthly?portal=p1', k.carol);
      expect(carol.records).toEqual(MONTHLY_P1.filter((x) => x.dataset_id === 'd-pub'));
    });

    it('the same rows through GraphQL', async () => {
      const res = await t.gql<{ monthlyUsageExport: { totalCount: number; nodes: Record<string, unknown>[] } }>(MONTHLY, { portalId: 'p1', first: 3 }, k.admin);
      expect(res.errors).toBeUndefined();
      expect(res.data!.monthlyUsageExport.totalCount).toBe(4);
      expect(res.data!.monthlyUsageExport.nodes).toEqual([
        { datasetId: 'd-priv', datasetTitle: NAMES.dPriv, month: '2025-01', views: 1, downloads: 1, apiCalls: 0 },
        { datasetId: 'd-priv', datasetTitle: NAMES.dPriv, month: '2025-02', views: 1, downloads: 2, apiCalls: 0 },
        { datasetId: 'd-pub', datasetTitle: NAMES.dPub, month: '2025-01', views: 3, downloads: 3, apiCalls: 0 },
      ]);
      const noPortal = await t.gql(MONTHLY, {}, k.bob);
      expect(noPortal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  it('stops reading when the client goes away, and keeps serving', async () => {
    const ac = new AbortController();
    const res = await fetch(`${t.baseUrl}/api/reports/metrics`, { headers: { authorization: `Bearer ${k.admin}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    ac.abort();
    await expect(res.arrayBuffer()).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    const again = await fetchCsv(t, '/api/reports/metrics/collections', k.admin);
    expect(again.records).toEqual(COLLECTIONS_ADMIN);
  });

  it('unknown report paths are 404 JSON', async () => {
    const r = await fetchCsv(t, '/api/reports/metrics/users', k.admin);
    expect(r.status).toBe(404);
    expect(r.json!.error!.code).toBe('NOT_FOUND');
  });
});

describe('a report that fails half-way', () => {
  it('aborts the transfer instead of ending a truncated CSV', async () => {
    const row = (id: string): ResourceReportRow => ({
      type: 'DATASET' as ResourceReportRow['type'], id, name: id, owner: null, views: 1, downloads: 0, apiCalls: 0, lastViewedAt: null, lastDownloadedAt: null,
      sizeKb: null, createdAt: null, location: null, status: null, parentDatasets: [], parentCollections: [], parentSpaces: [],
      portalId: null, visibility: null, machineViews: 0, machineDownloads: 0, machineApiCalls: 0, robotEvents: 0,
    });
    const reports = {
      async assertPortal() {},
      async *openResourceReport() {
        for (let i = 0; i < 2000; i++) yield row(`d${i}`);
        throw new Error('database lost');
      },
    };
    const app = express();
    const errors: unknown[] = [];
    mountReports(app, {
      services: { reports } as unknown as Services,
      resolveCaller: async () => ({ kind: 'user', userId: 'root', role: 'ADMIN', automated: false, spaceIds: [] }),
    });
    app.use((err: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
      errors.push(err);
      next(err);
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/reports/metrics/datasets`);
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
      expect(errors).toEqual([expect.objectContaining({ message: 'database lost' })]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('streamed resource reports (order=none)', () => {
  let t: TestGateway;
  let k: ReportKeys;
  beforeAll(async () => {
    t = await startTestGateway({ env: REPORT_GATEWAY_ENV });
    await loadReportCatalog(t);
    k = await reportKeys(t);
    await track(t, k.tracker, REPORT_EVENTS, 'h');
  });
  afterAll(() => t.stop());

  it('has the rows of the sorted report, in storage order, for each caller', async () => {
    for (const key of [k.admin, k.bob, k.alice]) {
      for (const path of ['/api/reports/metrics/files', '/api/reports/metrics/datasets', '/api/reports/metrics/collections', '/api/reports/metrics']) {
        const sorted = await fetchCsv(t, path, key);
        const streamed = await fetchCsv(t, `${path}?order=none`, key);
        expect(streamed.status).toBe(200);
        const byId = (rs: Rec[]) => [...rs].sort((a, b) => `${a.type}${a.id}`.localeCompare(`${b.type}${b.id}`));
        expect(byId(streamed.records!)).toEqual(byId(sorted.records!));
      }
    }
  });

  it('refuses an unknown order', async () => {
    const r = await fetchCsv(t, '/api/reports/metrics/files?order=random', k.admin);
    expect(r.status).toBe(400);
    expect(r.json!.error!.code).toBe('BAD_USER_INPUT');
  });
});
