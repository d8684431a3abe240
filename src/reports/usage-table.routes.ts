/**
 * `GET /api/reports/usage-table`: the long usage table as CSV (docs/bi.md).
 * Parameters: `since`, `until`, `granularity=day|month`, `portal`,
 * `resource_type`, `resource_id`, `user`, `metrics` (comma-separated), `by_country`, `bom`,
 * `format=csv|json` (JSON: one array of the same records).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { ResourceType } from '../domain/resources';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { callerOf, queryParam, sendKnownError, type ResolveCaller } from '../http/route-helpers';
import { parseInstantWindow } from '../dates/date-input';
import { csvContentDisposition, writeCsv } from './csv-stream';
import { USAGE_METRICS, USAGE_TABLE_COLUMNS, usageTableRecord, type UsageMetric } from './usage-table';
import type { UsageTableService } from './usage-table.service';

function enumParam<T extends string>(req: express.Request, name: string, values: readonly T[], map: (v: string) => string = (v) => v.toUpperCase()): T | null {
  const raw = queryParam(req, name);
  if (raw === undefined || raw === '') return null;
  const v = map(raw) as T;
  if (!values.includes(v)) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `${name} must be one of ${values.join(', ')}`);
  return v;
}

/**
 * The rows as one JSON array, streamed (`format=json`: for tools that read
 * JSON from a URL, such as shillelagh or Power BI's Json.Document).
 */
async function* jsonArray(rows: AsyncIterable<Record<string, unknown>>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const r of rows) {
    yield (first ? '\n' : ',\n') + JSON.stringify(r);
    first = false;
  }
  yield '\n]\n';
}

export function mountUsageTable(app: express.Express, deps: { usageTable: UsageTableService; resolveCaller: ResolveCaller }): void {
  app.get('/api/reports/usage-table', async (req, res, next) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let rows: AsyncIterable<Record<string, unknown>>;
    let bom = true;
    let json = false;
    try {
      const caller = await callerOf(req, deps.resolveCaller);
      const format = (queryParam(req, 'format') ?? 'csv').toLowerCase();
      if (format !== 'csv' && format !== 'json') throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'format must be csv or json');
      json = format === 'json';
      const metricsRaw = queryParam(req, 'metrics');
      const metrics = metricsRaw
        ? metricsRaw.split(',').map((m) => {
            const found = USAGE_METRICS.find((x) => x.csv === m.trim().toLowerCase() || x.metric === m.trim().toUpperCase());
            if (!found) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `unknown metric "${m}": ${USAGE_METRICS.map((x) => x.csv).join(', ')}`);
            return found.metric as UsageMetric;
          })
        : null;
      const byCountryRaw = queryParam(req, 'by_country');
      if (byCountryRaw !== undefined && !/^(|0|1|true|false|yes|no)$/i.test(byCountryRaw)) {
        throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'by_country must be true or false');
      }
      const byCountry = byCountryRaw !== undefined && /^(1|true|yes)$/i.test(byCountryRaw);
      const b = queryParam(req, 'bom');
      if (b !== undefined && /^(0|false|no)$/i.test(b)) bom = false;
      const source = await deps.usageTable.open(
        caller,
        {
          portalId: queryParam(req, 'portal') || null,
          resourceType: enumParam(req, 'resource_type', Object.values(ResourceType)),
          resourceId: queryParam(req, 'resource_id') || null,
          userId: queryParam(req, 'user') || null,
          window: parseInstantWindow(queryParam(req, 'since'), queryParam(req, 'until')),
          granularity: enumParam(req, 'granularity', ['DAY', 'MONTH'] as const) ?? 'DAY',
          metrics,
          byCountry,
        },
        gone.signal,
      );
      rows = (async function* () {
        for await (const r of source) yield usageTableRecord(r);
      })();
    } catch (err) {
      if (!sendKnownError(res, err)) next(err);
      return;
    }
    res.status(200);
    res.set({
      'Content-Type': json ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
      ...(json ? {} : { 'Content-Disposition': csvContentDisposition('UsageTable', new Date()) }),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.flushHeaders();
    try {
      if (json) await pipeline(Readable.from(jsonArray(rows)), res);
      else await writeCsv(rows, USAGE_TABLE_COLUMNS, res, { bom });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.name === 'AbortError' || e.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      next(err);
    }
  });
}
