/**
 * COUNTER research-data SUSHI endpoints (CoP-RD §11: `GET /status`, `GET
 * /reports`, `GET /reports/{id}`) under /api/sushi. ADMIN or USER key; a
 * USER's report holds the datasets they may see (docs/formats.md).
 */
import express from 'express';
import { callerOf, queryParam, sendKnownError, wants, type ResolveCaller } from '../http/route-helpers';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { assertCanReport } from '../auth/report-access';
import { dsrToTsv } from './dsr-tsv';
import { reportList } from './report-list';
import type { SushiService } from './sushi.service';

export function mountSushi(app: express.Express, deps: { sushi: SushiService; resolveCaller: ResolveCaller; platform: string }): void {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/status', async (req, res, next) => {
    try {
      assertCanReport(await callerOf(req, deps.resolveCaller));
      res.json({
        description: `COUNTER research data usage reports (CoP-RD, release rd1) of ${deps.platform}`,
        serviceactive: true,
        registryurl: '',
        note: 'Dataset report (DSR) only; months are UTC.',
        alerts: [],
      });
    } catch (err) {
      if (!sendKnownError(res, err)) next(err);
    }
  });

  router.get('/reports', async (req, res, next) => {
    try {
      assertCanReport(await callerOf(req, deps.resolveCaller));
      res.json(reportList());
    } catch (err) {
      if (!sendKnownError(res, err)) next(err);
    }
  });

  router.get('/reports/:id', async (req, res, next) => {
    try {
      const caller = await callerOf(req, deps.resolveCaller);
      assertCanReport(caller);
      if (String(req.params.id).toLowerCase() !== 'dsr') {
        throw new GatewayError(ErrorCode.NOT_FOUND, `no report "${String(req.params.id)}": this service has DSR`);
      }
      const tsv = wants(req, 'tsv', 'text/tab-separated-values');
      const format = queryParam(req, 'format');
      if (format !== undefined && !/^(json|tsv)$/i.test(format)) throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'format must be json or tsv');
      const profile = (queryParam(req, 'profile') ?? 'full').toLowerCase();
      if (profile !== 'full' && profile !== 'hub') throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'profile must be full or hub');
      const report = await deps.sushi.dsr(caller, {
        beginDate: queryParam(req, 'begin_date'),
        endDate: queryParam(req, 'end_date'),
        portal: queryParam(req, 'portal') || null,
        datasetId: queryParam(req, 'dataset_id') || null,
        profile,
      });
      if (tsv) {
        const period = (report['report-header'] as { 'reporting-period': { 'begin-date': string; 'end-date': string } })['reporting-period'];
        res.set({
          'Content-Type': 'text/tab-separated-values; charset=utf-8',
          // The dates are the gateway's own; kept to [0-9A-Za-z-] all the same, so nothing can leave the quoted name.
          'Content-Disposition': `attachment; filename="${`DSR-${period['begin-date']}-${period['end-date']}`.replace(/[^0-9A-Za-z-]+/g, '_')}.tsv"`,
        });
        res.send(dsrToTsv(report));
      } else {
        res.json(report);
      }
    } catch (err) {
      if (!sendKnownError(res, err)) next(err);
    }
  });

  router.use((req, res) => {
    res.status(404).json({ error: { code: ErrorCode.NOT_FOUND, message: `nothing at ${req.method} ${req.baseUrl}${req.path}` } });
  });
  app.use('/api/sushi', router);
}
