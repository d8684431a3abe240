import type { GatewayConfig } from './config';
import type { Store } from './store/store';
import { CatalogRepository } from './store/catalog.repository';
import { IngestRepository } from './store/ingest.repository';
import { AuthRepository } from './store/auth.repository';
import { CatalogQueries } from './catalog/catalog-queries';
import { CatalogWriter } from './catalog/catalog-writer';
import { IngestService } from './ingest/ingest.service';
import { createTrafficClassifier, parsePatternList } from './counting/classify';

/** The domain services, built once per process around one store. */
export interface Services {
  store: Store;
  catalog: CatalogRepository;
  catalogQueries: CatalogQueries;
  catalogWriter: CatalogWriter;
  auth: AuthRepository;
  ingest: IngestService;
}

export function createServices(store: Store, config: GatewayConfig): Services {
  const catalog = new CatalogRepository(store);
  const classifier = createTrafficClassifier({
    extraRobotPatterns: parsePatternList(config.robotPatterns),
    extraMachinePatterns: parsePatternList(config.machinePatterns),
  });
  return {
    store,
    catalog,
    catalogQueries: new CatalogQueries(catalog),
    catalogWriter: new CatalogWriter(store),
    auth: new AuthRepository(store),
    ingest: new IngestService(new IngestRepository(store), catalog, classifier, {
      maxBatch: config.ingestMaxBatch,
      maxEventsPerRequest: config.maxEventsPerRequest,
      maxFutureSkewMs: config.maxFutureSkewMs,
      maxEventAgeDays: config.maxEventAgeDays,
    }),
  };
}
