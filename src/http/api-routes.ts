/**
 * Every HTTP endpoint under /api, mounted before GraphQL: the usage
 * reports (CSV), COUNTER SUSHI, the raw event export and the usage table.
 */
import type express from 'express';
import type { GatewayConfig } from '../config';
import type { Services } from '../services';
import type { Caller } from '../domain/caller';
import { mountReports } from '../reports/report.routes';
import { mountUsageTable } from '../reports/usage-table.routes';
import { mountSushi } from '../sushi/sushi.routes';
import { mountEventExport } from '../events/event-export.routes';
import { mountEmbed } from '../embed/embed.routes';
import { requestRateLimit } from './rate-limits';

type Deps = { services: Services; resolveCaller: (req: express.Request) => Promise<Caller | 'invalid'> };

export function apiRoutes(config: GatewayConfig): (app: express.Express, deps: Deps) => void {
  return (app, deps) => {
    // Before mountReports: its router answers 404 for any other /api/reports path.
    mountUsageTable(app, { usageTable: deps.services.usageTable, resolveCaller: deps.resolveCaller });
    mountReports(app, deps);
    mountSushi(app, { sushi: deps.services.sushi, resolveCaller: deps.resolveCaller, platform: config.sushiPlatform });
    mountEventExport(app, { events: deps.services.eventExport, resolveCaller: deps.resolveCaller });
    // Public badge and widget (docs/embed.md): outside /api, so with their own per-IP rate limit.
    mountEmbed(app, { embed: deps.services.embed, before: [requestRateLimit(config)] });
  };
}
