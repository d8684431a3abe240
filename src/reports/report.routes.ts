import express from 'express';
import type { Services } from '../services';
import type { Caller } from '../domain/caller';
import { ResourceType } from '../domain/resources';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { callerOf, queryParam, sendKnownError, type ResolveCaller } from '../http/route-helpers';
import { csvContentDisposition, writeCsv } from './csv-stream';
import { assertCanReport } from '../auth/report-access';
import {
  BY_USER_REPORT_COLUMNS,
  COLLECTION_REPORT_COLUMNS,
  DATASET_REPORT_COLUMNS,
  FILE_REPORT_COLUMNS,
  MERGED_REPORT_COLUMNS,
  MONTHLY_EXPORT_COLUMNS,
} from './report-columns';
import { byUserRecord, collectionRecord, datasetRecord, fileRecord, mergedRecord, monthlyRecord } from './report-records';
import { parseMonthParam, parseWindow } from './report-params';

type Deps = { services: Services; resolveCaller: ResolveCaller };

/** What a CSV endpoint writes. */
interface CsvReport {
  fileBase: string;
  columns: readonly string[];
  rows: AsyncIterable<Record<string, unknown>>;
}

async function* mapRows<R>(rows: AsyncIterable<R>, fn: (r: R) => Record<string, unknown>): AsyncGenerator<Record<string, unknown>> {
  for await (const r of rows) yield fn(r);
}

/**
 * `order=usage` (default): by downloads, views, id — the whole report is
 * read before its first row. `order=none`: rows in storage order, streamed
 * as read (all-time reports; a window is always sorted).
 */
function unordered(req: express.Request): boolean {
  const v = queryParam(req, 'order');
  if (v === undefined || v === 'usage') return false;
  if (v === 'none') return true;
  throw new GatewayError(ErrorCode.BAD_USER_INPUT, `order must be usage or none, got "${v}"`);
}

/** `bom=false|0` turns the UTF-8 byte order mark off (machine consumers); default on (Excel). */
function bomParam(req: express.Request): boolean {
  const v = queryParam(req, 'bom');
  if (v === undefined || v === '' || /^(1|true|yes)$/i.test(v)) return true;
  if (/^(0|false|no)$/i.test(v)) return false;
  throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'bom must be true or false');
}

const RESOURCE_REPORTS: Record<string, { type: ResourceType; fileBase: string }> = {
  files: { type: ResourceType.FILE, fileBase: 'FileMetrics' },
  datasets: { type: ResourceType.DATASET, fileBase: 'DatasetMetrics' },
  collections: { type: ResourceType.COLLECTION, fileBase: 'CollectionMetrics' },
};

const BY_USER_REPORTS: Record<string, { type: ResourceType; fileBase: string }> = {
  files_by_user: { type: ResourceType.FILE, fileBase: 'FileMetricsByUser' },
  datasets_by_user: { type: ResourceType.DATASET, fileBase: 'DatasetMetricsByUser' },
  collections_by_user: { type: ResourceType.COLLECTION, fileBase: 'CollectionMetricsByUser' },
};

const RESOURCE_COLUMNS = {
  [ResourceType.FILE]: { columns: FILE_REPORT_COLUMNS, record: fileRecord },
  [ResourceType.DATASET]: { columns: DATASET_REPORT_COLUMNS, record: datasetRecord },
  [ResourceType.COLLECTION]: { columns: COLLECTION_REPORT_COLUMNS, record: collectionRecord },
};

/**
 * CSV report endpoints under /api/reports (docs/reports.md, docs/permissions.md):
 *
 * - `GET /api/reports/metrics` (all types), `/metrics/files`, `/metrics/datasets`,
 *   `/metrics/collections`, each with optional `since`/`until`;
 * - `GET /api/reports/metrics/files_by_user`, `/datasets_by_user`, `/collections_by_user` (all-time);
 * - `GET /api/reports/monthly?portal=<id>&from=YYYY-MM&to=YYYY-MM`.
 *
 * Errors before the first byte are JSON `{error: {code, message}}`:
 * 401 UNAUTHENTICATED (no key, unknown or revoked key), 403 FORBIDDEN
 * (TRACKER), 400 BAD_USER_INPUT, 404 NOT_FOUND. Once the CSV has started
 * (headers are sent as soon as the request is accepted, so a long report
 * never leaves the client waiting for headers), a failure aborts the
 * connection: a truncated report can never pass for a complete one.
 */
export function mountReports(app: express.Express, deps: Deps): void {
  const router = express.Router();
  const { reports } = deps.services;

  const handle =
    (build: (caller: Caller, req: express.Request, signal: AbortSignal) => Promise<CsvReport>) =>
    async (req: express.Request, res: express.Response, next: express.NextFunction): Promise<void> => {
      // Aborted when the client goes away before the report is complete.
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      let report: CsvReport;
      let bom: boolean;
      try {
        const caller = await callerOf(req, deps.resolveCaller);
        // Who may ask comes before what is asked: 401/403 win over 400.
        assertCanReport(caller);
        bom = bomParam(req);
        report = await build(caller, req, gone.signal);
      } catch (err) {
        if (!sendKnownError(res, err)) next(err);
        return;
      }
      res.status(200);
      res.set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': csvContentDisposition(report.fileBase, new Date()),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.flushHeaders();
      try {
        await writeCsv(report.rows, report.columns, res, { bom });
      } catch (err) {
        // writeCsv has destroyed the response (the client sees an aborted
        // transfer). A client that went away is not an error worth logging;
        // anything else (database lost mid-report) goes to the error handler.
        const e = err as NodeJS.ErrnoException;
        if (e.name === 'AbortError' || e.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
        next(err);
      }
    };

  router.get(
    '/metrics',
    handle(async (caller, req, signal) => {
      const window = parseWindow(queryParam(req, 'since'), queryParam(req, 'until'));
      const portalId = queryParam(req, 'portal') || null;
      if (portalId) await reports.assertPortal(portalId);
      return {
        fileBase: 'AllMetrics',
        columns: MERGED_REPORT_COLUMNS,
        rows: mapRows(reports.openResourceReport(caller, null, window, signal, { portalId, unordered: unordered(req) }), mergedRecord),
      };
    }),
  );

  router.get(
    '/metrics/:report',
    handle(async (caller, req, signal) => {
      const name = String(req.params.report);
      const resource = Object.hasOwn(RESOURCE_REPORTS, name) ? RESOURCE_REPORTS[name] : undefined;
      if (resource) {
        const window = parseWindow(queryParam(req, 'since'), queryParam(req, 'until'));
        const portalId = queryParam(req, 'portal') || null;
        if (portalId) await reports.assertPortal(portalId);
        const spec = RESOURCE_COLUMNS[resource.type];
        return {
          fileBase: resource.fileBase,
          columns: spec.columns,
          rows: mapRows(reports.openResourceReport(caller, resource.type, window, signal, { portalId, unordered: unordered(req) }), spec.record),
        };
      }
      const byUser = Object.hasOwn(BY_USER_REPORTS, name) ? BY_USER_REPORTS[name] : undefined;
      if (byUser) {
        const window = parseWindow(queryParam(req, 'since'), queryParam(req, 'until'));
        const scope = { portalId: queryParam(req, 'portal') || null, userId: queryParam(req, 'user') || null, resourceId: queryParam(req, 'resource') || null };
        if (scope.portalId) await reports.assertPortal(scope.portalId);
        const rows = reports.openByUserReport(caller, byUser.type, window, signal, scope);
        return {
          fileBase: byUser.fileBase,
          columns: BY_USER_REPORT_COLUMNS,
          rows: mapRows(rows, byUserRecord),
        };
      }
      throw new GatewayError(ErrorCode.NOT_FOUND, `no report named "${name}"`);
    }),
  );

  router.get(
    '/monthly',
    handle(async (caller, req, signal) => {
      const portal = queryParam(req, 'portal') || null;
      const from = parseMonthParam('from', queryParam(req, 'from'));
      const to = parseMonthParam('to', queryParam(req, 'to'), 'end');
      const rows = await reports.openMonthlyExport(caller, portal, from, to, signal);
      return {
        fileBase: portal ? `MonthlyUsage-${portal}` : 'MonthlyUsage',
        columns: MONTHLY_EXPORT_COLUMNS,
        rows: mapRows(rows, monthlyRecord),
      };
    }),
  );

  router.use((req, res) => sendKnownError(res, new GatewayError(ErrorCode.NOT_FOUND, `no report at ${req.method} ${req.baseUrl}${req.path}`)));

  app.use('/api/reports', router);
}
