import type { GatewayConfig } from './config';
import type { Store } from './store/store';
import { CatalogRepository } from './store/catalog.repository';
import { IngestRepository } from './store/ingest.repository';
import { AuthRepository } from './store/auth.repository';
import { CatalogQueries } from './catalog/catalog-queries';
import { CatalogWriter } from './catalog/catalog-writer';
import { IngestService } from './ingest/ingest.service';
import { createTrafficClassifier, parsePatternList } from './counting/classify';
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
  return {
    store,
    catalog,
    catalogQueries: new CatalogQueries(catalog),
    catalogWriter,
    auth: new AuthRepository(store),
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
  };
}
