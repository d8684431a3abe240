import type { GatewayConfig } from './config';
import type { Store } from './store/store';
import { CatalogRepository } from './store/catalog.repository';
import { IngestRepository } from './store/ingest.repository';
import { AuthRepository } from './store/auth.repository';
import { CatalogQueries } from './catalog/catalog-queries';
import { CatalogWriter } from './catalog/catalog-writer';
import { IngestService } from './ingest/ingest.service';
import { createTrafficClassifier, parsePatternList } from './counting/classify';
import { ReportRepository } from './store/report.repository';
import { ReportService } from './reports/report.service';
import { UsageTableService } from './reports/usage-table.service';
import { UsageTableRepository } from './store/usage-table.repository';
import { UserAdminService } from './auth/user-admin.service';
import { DashboardRepository } from './store/dashboard.repository';
import { DashboardService, popularityWeightsFrom } from './dashboard/dashboard.service';
import { ReuseService } from './dashboard/reuse.service';

/** The domain services, built once per process around one store. */
export interface Services {
  store: Store;
  catalog: CatalogRepository;
  catalogQueries: CatalogQueries;
  catalogWriter: CatalogWriter;
  auth: AuthRepository;
  ingest: IngestService;
  /** Data dashboard, dataset popularity, usage series. */
  dashboard: DashboardService;
  reuses: ReuseService;
  /** Usage reports (CSV endpoints and GraphQL). */
  reports: ReportService;
  /** The long usage table for BI tools (CSV and GraphQL). */
  usageTable: UsageTableService;
  /** Users and API keys (admin mutations, CLI). */
  userAdmin: UserAdminService;
}

export function createServices(store: Store, config: GatewayConfig): Services {
  const catalog = new CatalogRepository(store);
  // Throws on an invalid POPULARITY_WEIGHTS, so the gateway fails to start.
  const popularityWeights = popularityWeightsFrom(config.popularityWeights);
  const dashboardRepo = new DashboardRepository(store);
  const catalogWriter = new CatalogWriter(store);
  const classifier = createTrafficClassifier({
    extraRobotPatterns: parsePatternList(config.robotPatterns),
    extraMachinePatterns: parsePatternList(config.machinePatterns),
  });
  const auth = new AuthRepository(store);
  return {
    store,
    catalog,
    catalogQueries: new CatalogQueries(catalog),
    catalogWriter,
    auth,
    ingest: new IngestService(new IngestRepository(store), catalog, classifier, {
      maxBatch: config.ingestMaxBatch,
      maxEventsPerRequest: config.maxEventsPerRequest,
      maxFutureSkewMs: config.maxFutureSkewMs,
      maxEventAgeDays: config.maxEventAgeDays,
      leaseMs: config.ingestLeaseMs,
      serializeWrites: store.isFerretDb,
    }),
    dashboard: new DashboardService(dashboardRepo, popularityWeights),
    reuses: new ReuseService(dashboardRepo, catalogWriter),
    reports: new ReportService(new ReportRepository(store)),
    usageTable: new UsageTableService(new ReportRepository(store), new UsageTableRepository(store)),
    userAdmin: new UserAdminService(store, auth),
  };
}
