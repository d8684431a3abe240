/**
 * `GET /api/events/export?since=&until=&format=csv|jsonl[&portal=]`: the
 * stored events of a window, streamed (admin only). CSV for spreadsheets
 * and BI tools, JSON Lines for machines and for `import-events`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { callerOf, queryParam, sendKnownError, type ResolveCaller } from '../http/route-helpers';
import { csvContentDisposition, writeCsv } from '../reports/csv-stream';
import { parseInstantWindow } from '../dates/date-input';
import type { EventExportService } from './event-export.service';
import { EVENT_EXPORT_COLUMNS } from './event-rows';

export function mountEventExport(app: express.Express, deps: { events: EventExportService; resolveCaller: ResolveCaller }): void {
  app.get('/api/events/export', async (req, res, next) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let open: ReturnType<EventExportService['open']>;
    let format: 'csv' | 'jsonl';
    try {
      const caller = await callerOf(req, deps.resolveCaller);
      const f = (queryParam(req, 'format') ?? 'csv').toLowerCase();
      if (f !== 'csv' && f !== 'jsonl') throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'format must be csv or jsonl');
      format = f;
      const window = parseInstantWindow(queryParam(req, 'since'), queryParam(req, 'until'));
      open = deps.events.open(caller, window, queryParam(req, 'portal') || null, gone.signal);
    } catch (err) {
      if (!sendKnownError(res, err)) next(err);
      return;
    }
    res.status(200);
    res.set({
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': csvContentDisposition('Events', new Date()).replace(/\.csv"$/, format === 'csv' ? '.csv"' : '.jsonl"'),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.flushHeaders();
    try {
      if (format === 'csv') {
        await writeCsv(open.csv(), EVENT_EXPORT_COLUMNS, res, { bom: queryParam(req, 'bom') !== 'false' });
      } else {
        await pipeline(Readable.from(open.jsonl()), res);
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.name === 'AbortError' || e.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      res.destroy();
      next(err);
    }
  });
}
