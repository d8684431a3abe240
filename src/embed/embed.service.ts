import { ANONYMOUS } from '../domain/caller';
import { canSeeDataset } from '../auth/visibility';
import type { DashboardService } from '../dashboard/dashboard.service';
import type { EmbedRepository } from '../store/embed.repository';
import type { BadgeMetric, BadgePeriod, WidgetData, WidgetRange } from './embed-format';
import { DAY_MS } from '../util/utc-day';

export type { WidgetData };

/** Midnight UTC of the first day of the month `back` months before `now`'s. */
function monthStart(now: Date, back: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
}

/**
 * The figures of the usage badge and widget (docs/embed.md): regular use,
 * as `Dataset.stats` and `Dataset.usage` give it to an anonymous caller.
 * Only public, published datasets have figures; for every other id,
 * unknown ones included, the answer is the same null, so a badge cannot
 * tell a private dataset from a missing one.
 */
export class EmbedService {
  /**
   * @param now - clock (tests); the badge's month and the widget's window end on its UTC day.
   */
  constructor(
    private readonly repo: EmbedRepository,
    private readonly dashboard: DashboardService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async isPublic(id: string): Promise<boolean> {
    const d = await this.repo.datasetVisibility(id);
    return d !== null && canSeeDataset(d, ANONYMOUS);
  }

  /**
   * One figure of a public published dataset: all time (`Dataset.stats`)
   * or the current UTC month so far (`Dataset.usage(granularity: MONTH)`);
   * null for any other id.
   */
  async badgeFigure(id: string, metric: BadgeMetric, period: BadgePeriod): Promise<number | null> {
    if (!(await this.isPublic(id))) return null;
    if (period === 'all') return (await this.repo.datasetTotals(id))[metric];
    const now = this.now();
    const series = await this.dashboard.usageSeries(id, monthStart(now, 0), now, 'MONTH');
    return series.total[metric];
  }

  /** The widget's figures of a public published dataset; null for any other id. */
  async widgetData(id: string, range: WidgetRange): Promise<WidgetData | null> {
    if (!(await this.isPublic(id))) return null;
    const now = this.now();
    const from = range === '30d' ? new Date(now.getTime() - 29 * DAY_MS) : monthStart(now, 11);
    const [series, totals] = await Promise.all([
      this.dashboard.usageSeries(id, from, now, range === '30d' ? 'DAY' : 'MONTH'),
      this.repo.datasetTotals(id),
    ]);
    return {
      range,
      firstDay: series.firstDay,
      lastDay: series.lastDay,
      points: series.points.map((p) => ({ period: p.period, views: p.views, downloads: p.downloads })),
      total: { views: series.total.views, downloads: series.total.downloads },
      allTime: { views: totals.views, downloads: totals.downloads },
    };
  }
}
