import type { TestGateway } from './support/test-gateway';
import { fetchCsv, withReportGateway, withUsageReportGateway, type ReportKeys } from './support/report-fixtures';
import { COLLECTIONS_ADMIN, type Rec } from './support/report-expected';
import http from 'node:http';
import express from 'express';
import { mountReports } from '../src/reports/report.routes';
import type { Services } from '../src/services';
import type { ResourceReportRow } from '../src/reports/report-rows';

/**
 * Usage reports as streams: a client going away stops the read and the
 * gateway keeps serving, a report failing half-way aborts the transfer
 * instead of ending a truncated CSV, and order=none streams the sorted
 * report's rows in storage order.
 * Catalog and history: test/support/report-fixtures.ts; expected rows, by
 * hand: test/support/report-expected.ts.
 */

describe('usage reports', () => {
  let t: TestGateway;
  let k: ReportKeys;
  withUsageReportGateway((g) => ({ t, k } = g));

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
  withReportGateway((g) => ({ t, k } = g));

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
