/**
 * The COUNTER SUSHI service: checks the caller and the parameters, reads a
 * period of dataset days and builds the DSR (dsr-report.ts). Monthly
 * figures are sums of the month's days — uniques too: a COUNTER session
 * never spans two days (docs/counting.md).
 */
import { setImmediate } from 'node:timers/promises';
import type { Caller } from '../domain/caller';
import { canSeeDataset } from '../auth/visibility';
import { countersOf, counterMetrics, COUNTRY_FIELDS } from '../domain/counters';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError, badUserInput } from '../errors/gateway-error';
import { lastDayOfMonth, parseDateInput, utcMonth } from '../dates/date-input';
import { assertCanReport } from '../auth/report-access';
import type { DatasetDayRead, SushiRepository } from '../store/sushi.repository';
import { buildDsr, emptyFigures, reportingPeriod, type AccessMethod, type DsrDatasetInput, type DsrProfile, type MethodFigures, type MetricType } from './dsr-report';

export interface DsrRequest {
  beginDate: unknown;
  endDate: unknown;
  portal?: string | null;
  datasetId?: string | null;
  /** `full` (default) or `hub` (DataCite's usage hub: one month, no volume, lower-case countries; dsr-report.ts). Both leave drafts out. */
  profile?: DsrProfile;
  /** The report's time (`created`, the months not over yet); default the service's clock. `sushi submit` passes the time it chose its months by, so both agree at a month's turn. */
  now?: Date;
}

export interface SushiOptions {
  platform: string;
  createdBy: string;
}

const REGULAR_COUNTRY: Record<string, MetricType> = {
  ti: 'total-dataset-investigations',
  ui: 'unique-dataset-investigations',
  tr: 'total-dataset-requests',
  ur: 'unique-dataset-requests',
};
const MACHINE_COUNTRY: Record<string, MetricType> = {
  mti: 'total-dataset-investigations',
  mui: 'unique-dataset-investigations',
  mtr: 'total-dataset-requests',
  mur: 'unique-dataset-requests',
};

/** Adds one dataset day to the month's figures (pure). */
export function addDay(into: Record<AccessMethod, MethodFigures>, day: DatasetDayRead): void {
  const m = counterMetrics(countersOf(day));
  const c = countersOf(day);
  const r = into.regular;
  r['total-dataset-investigations'] += m.totalInvestigations;
  r['unique-dataset-investigations'] += m.uniqueInvestigations;
  r['total-dataset-requests'] += m.totalRequests;
  r['unique-dataset-requests'] += m.uniqueRequests;
  r.volume += c.volume;
  const x = into.machine;
  x['total-dataset-investigations'] += m.machineTotalInvestigations;
  x['unique-dataset-investigations'] += m.machineUniqueInvestigations;
  x['total-dataset-requests'] += m.machineTotalRequests;
  x['unique-dataset-requests'] += m.machineUniqueRequests;
  x.volume += c.machineVolume;
  for (const [cc, counts] of Object.entries(day.countries ?? {})) {
    // ZZ = unknown: not a country, left out of Country_Counts.
    if (!/^[A-Z]{2}$/.test(cc) || cc === 'ZZ' || !counts) continue;
    for (const f of COUNTRY_FIELDS) {
      const v = counts[f];
      if (typeof v !== 'number' || v === 0) continue;
      const [target, metric] = f in REGULAR_COUNTRY ? [r, REGULAR_COUNTRY[f]] : [x, MACHINE_COUNTRY[f]];
      target.countries[cc] ??= {
        'total-dataset-investigations': 0,
        'unique-dataset-investigations': 0,
        'total-dataset-requests': 0,
        'unique-dataset-requests': 0,
      };
      target.countries[cc][metric] += v;
    }
  }
}

/** Day documents read between two yields of the event loop. */
const YIELD_EVERY = 2000;

export class SushiService {
  constructor(
    private readonly repo: SushiRepository,
    private readonly options: SushiOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** `begin_date`/`end_date` (months, days or date-times; SUSHI uses YYYY-MM) → months. */
  static period(beginDate: unknown, endDate: unknown): { beginMonth: string; endMonth: string } {
    const b = parseDateInput('begin_date', beginDate);
    const e = parseDateInput('end_date', endDate);
    if (!b || !e) throw badUserInput('begin_date and end_date are required (YYYY-MM)');
    const beginMonth = utcMonth(b.start);
    const endMonth = utcMonth(new Date(e.end.getTime() - 1));
    if (beginMonth > endMonth) throw badUserInput(`begin_date (${String(beginDate)}) is after end_date (${String(endDate)})`);
    return { beginMonth, endMonth };
  }

  /** The first UTC day with stored usage, or null when none is stored. */
  firstDataDay(): Promise<string | null> {
    return this.repo.firstDataDay();
  }

  async dsr(caller: Caller, req: DsrRequest): Promise<Record<string, unknown>> {
    assertCanReport(caller);
    const { beginMonth, endMonth } = SushiService.period(req.beginDate, req.endDate);
    const hub = req.profile === 'hub';
    // The hub refuses a report whose period spans two months (sashimi validate_monthly_report).
    if (hub && beginMonth !== endMonth) {
      throw badUserInput(`the hub profile covers one month: begin_date and end_date must be in the same month (got ${beginMonth} to ${endMonth})`);
    }
    const now = req.now ?? this.clock();
    const [datasets, portals, dataFrom] = await Promise.all([this.repo.datasets(), this.repo.portals(), this.repo.firstDataDay()]);
    if (req.portal && !portals.has(req.portal)) throw new GatewayError(ErrorCode.NOT_FOUND, `no portal with id "${req.portal}"`);
    const wanted = (id: string): boolean => {
      const d = datasets.get(id);
      if (!d) return false; // usage of a dataset no longer in the catalog: it has no title or publisher to report
      if (req.portal && d.portalId !== req.portal) return false;
      if (req.datasetId && id !== req.datasetId) return false;
      // Drafts are in no DSR, whoever asks (admins and owners included): like the dashboard, usage reports count published datasets only.
      if (!d.published) return false;
      return canSeeDataset(d, caller);
    };
    const byDataset = new Map<string, Map<string, Record<AccessMethod, MethodFigures>>>();
    // Only the months that can hold usage are read (0001-01..9999-12 reads the stored ones).
    const period = reportingPeriod({ beginMonth, endMonth, now, dataFrom });
    if (period.months) {
      let sinceYield = 0;
      for await (const day of this.repo.datasetDays(`${period.months.begin}-01`, lastDayOfMonth(period.months.end))) {
        // Other requests get the event loop between slices of a long read.
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await setImmediate();
        }
        if (!wanted(day.resourceId)) continue;
        let months = byDataset.get(day.resourceId);
        if (!months) byDataset.set(day.resourceId, (months = new Map()));
        const month = day.day.slice(0, 7);
        let figures = months.get(month);
        if (!figures) months.set(month, (figures = { regular: emptyFigures(), machine: emptyFigures() }));
        addDay(figures, day);
      }
    }
    const inputs: DsrDatasetInput[] = [...byDataset.keys()].sort().map((id) => {
      const d = datasets.get(id)!;
      return { id, title: d.title, doi: d.doi, portalId: d.portalId, portalName: portals.get(d.portalId) ?? d.portalId,
        publisher: d.publisher,
        publisherId: d.publisherId,
        contributors: d.contributors,
        publicationDate: d.publicationDate,
        landingPageUrl: d.landingPageUrl,
        months: byDataset.get(id)! };
    });
    inputs.sort((a, b) => (a.portalId !== b.portalId ? (a.portalId < b.portalId ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const filters = [
      { name: 'begin-date', value: beginMonth },
      { name: 'end-date', value: endMonth },
      ...(req.portal ? [{ name: 'portal', value: req.portal }] : []),
      ...(req.datasetId ? [{ name: 'dataset-id', value: req.datasetId }] : []),
      ...(hub ? [{ name: 'profile', value: 'hub' }] : []),
    ];
    return buildDsr(inputs, {
      beginMonth,
      endMonth,
      filters,
      platform: this.options.platform,
      createdBy: this.options.createdBy,
      now,
      dataFrom,
      profile: hub ? 'hub' : 'full',
    });
  }
}
