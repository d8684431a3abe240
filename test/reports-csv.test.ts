import type { TestGateway } from './support/test-gateway';
import { fetchCsv, withUsageReportGateway, type ReportKeys } from './support/report-fixtures';
import { COLLECTIONS_ADMIN, DATASETS_ADMIN, FILES_ADMIN, F_CELL } from './support/report-expected';
import {
  COLLECTION_REPORT_COLUMNS,
  DATASET_REPORT_COLUMNS,
  FILE_REPORT_COLUMNS,
  MERGED_REPORT_COLUMNS,
} from '../src/reports/report-columns';

/**
 * Usage reports as CSV over HTTP, read back with csv-parse: the file,
 * dataset, collection and merged reports (columns, order, hostile names,
 * headers, BOM, X-API-Key), activity windows (since/until), and 404 for
 * unknown report paths.
 * Catalog and history: test/support/report-fixtures.ts; expected rows, by
 * hand: test/support/report-expected.ts.
 */

describe('usage reports', () => {
  let t: TestGateway;
  let k: ReportKeys;
  withUsageReportGateway((g) => ({ t, k } = g));

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

  it('unknown report paths are 404 JSON', async () => {
    const r = await fetchCsv(t, '/api/reports/metrics/users', k.admin);
    expect(r.status).toBe(404);
    expect(r.json!.error!.code).toBe('NOT_FOUND');
  });
});
