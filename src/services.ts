import { identityKeyWindowDays, type GatewayConfig } from './config';
import type { Store } from './store/store';
import { CatalogRepository } from './store/catalog.repository';
import { CatalogWriteRepository } from './store/catalog-write.repository';
import { EventLogRepository } from './store/event-log.repository';
import { UsageWriteRepository } from './store/usage-write.repository';
import { DbLock } from './store/db-lock';
import { RecentFlushes } from './aggregate/recent-flushes';
import { Aggregator } from './aggregate/aggregator';
import { Quarantine } from './aggregate/quarantine';
import { QuarantineRepository } from './store/quarantine.repository';
import { CachedIngestCatalog } from './ingest/ingest-catalog';
import { loadAgentLists } from './counting/agent-lists';
import { loadCountryLookup } from './counting/country';
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { AuthRepository } from './store/auth.repository';
import { CatalogQueries } from './catalog/catalog-queries';
import { CatalogWriter } from './catalog/catalog-writer';
import { IngestService } from './ingest/ingest.service';
import { DaySecrets } from './ingest/day-secrets';
import { IdentitySecretRepository } from './store/identity-secret.repository';
import { parsePatternList } from './counting/classify';
import { CountingRules, type RuleSetDefinition } from './counting/rule-set';
import { RulesRepository } from './store/rules.repository';
import { ReportRepository } from './store/report.repository';
import { ReportService } from './reports/report.service';
import { UsageTableService } from './reports/usage-table.service';
import { UsageTableRepository } from './store/usage-table.repository';
import { UserAdminService } from './auth/user-admin.service';
import { DashboardRepository } from './store/dashboard.repository';
import { DashboardService, popularityWeightsFrom } from './dashboard/dashboard.service';
import { ReuseService } from './dashboard/reuse.service';
import { ErasureService } from './privacy/erasure.service';
import { ErasureRepository } from './store/erasure.repository';
import { PrivacyAuditRepository } from './store/privacy-audit.repository';
import { SushiService } from './sushi/sushi.service';
import { SushiRepository } from './store/sushi.repository';
import { EventExportService } from './events/event-export.service';
import { EventExportRepository } from './store/event-export.repository';
import { EmbedService } from './embed/embed.service';
import { EmbedRepository } from './store/embed.repository';
import { LogImportCatalog } from './logs/log-import-catalog';
import { EventIdsRepository } from './store/event-ids.repository';
import { HubSubmissionRepository } from './store/hub-submission.repository';
import { StoredDataRepository } from './store/stored-data.repository';

/** The domain services, built once per process around one store. */
export interface Services {
  store: Store;
  catalog: CatalogRepository;
  catalogQueries: CatalogQueries;
  catalogWriter: CatalogWriter;
  auth: AuthRepository;
  ingest: IngestService;
  /** The identity-key secrets of each UTC day (shared through the database, destroyed after IDENTITY_KEY_DAYS). */
  daySecrets: DaySecrets;
  /** The counting rules (agent lists, operator patterns) every process shares, by version. */
  rules: CountingRules;
  /** Derives the figures from the event log (started by the gateway). */
  aggregator: Aggregator;
  eventLog: EventLogRepository;
  /** Stored events the aggregator could not count (`/metrics`, `usage-gateway quarantine list`). */
  quarantine: Quarantine;
  /** Data dashboard, dataset popularity, usage series. */
  dashboard: DashboardService;
  reuses: ReuseService;
  /** Usage reports (CSV endpoints and GraphQL). */
  reports: ReportService;
  /** The long usage table for BI tools (CSV and GraphQL). */
  usageTable: UsageTableService;
  /** Users and API keys (admin mutations, CLI). */
  userAdmin: UserAdminService;
  /** End users' erasure and access requests (`forget`/`export`, admin mutations). */
  erasure: ErasureService;
  /** COUNTER SUSHI reports (`/api/sushi`, `usage-gateway sushi submit`). */
  sushi: SushiService;
  /** The raw event export (`/api/events/export`, `usage-gateway export-events`). */
  eventExport: EventExportService;
  /** The public badge and widget (docs/embed.md). */
  embed: EmbedService;
  /** The catalog and event-id reads of `import-logs`. */
  logImportCatalog: LogImportCatalog;
  /** The months `usage-gateway sushi submit` sent to each hub, with the hub's report ids. */
  hubSubmissions: HubSubmissionRepository;
  /** Samples of every collection (`usage-gateway stored-data`). */
  storedData: StoredDataRepository;
}

export function createServices(store: Store, config: GatewayConfig, logger: Logger = pino({ level: 'silent' })): Services {
  const catalog = new CatalogRepository(store);
  // Throws on an invalid POPULARITY_WEIGHTS, so the gateway fails to start.
  const popularityWeights = popularityWeightsFrom(config.popularityWeights);
  const dashboardRepo = new DashboardRepository(store, config.cacheTtlMs);
  const classifier = new CountingRules(new RulesRepository(store), localRuleSet(config), ({ version }) =>
    logger.warn({ version }, 'the counting rules in the database (version %d) differ from this process\'s lists or ROBOT_PATTERNS/MACHINE_PATTERNS: counting with the database\'s; `usage-gateway refresh-rules` publishes this process\'s', version),
  );
  const auth = new AuthRepository(store, config.cacheTtlMs);
  const ingestCatalog = new CachedIngestCatalog(catalog, config.cacheTtlMs);
  const catalogWriter = new CatalogWriter(new CatalogWriteRepository(store), () => {
    ingestCatalog.clear();
    auth.invalidate();
    dashboardRepo.invalidate();
  });
  const eventLog = new EventLogRepository(store, { appendTimeoutMs: config.ingestWriteTimeoutMs });
  const usageWrite = new UsageWriteRepository(store);
  const recentFlushes = new RecentFlushes(config.recentFlushEvents);
  const daySecrets = new DaySecrets(new IdentitySecretRepository(store));
  const dashboard = new DashboardService(dashboardRepo, popularityWeights);
  const quarantine = new Quarantine(new QuarantineRepository(store), logger);
  const aggregator = new Aggregator(
    eventLog,
    usageWrite,
    new DbLock(store.locks, 'aggregator', randomUUID(), config.aggregationLeaseMs),
    usageWrite,
    logger,
    { pollMs: config.aggregatePollMs, recentFlushes, quarantine, syncRules: () => classifier.sync() },
    (ua, automated) => classifier.classify(ua, { automatedAccount: automated }),
  );
  return {
    store,
    catalog,
    catalogQueries: new CatalogQueries(catalog),
    catalogWriter,
    auth,
    ingest: new IngestService(
      eventLog,
      ingestCatalog,
      classifier,
      loadCountryLookup(),
      daySecrets,
      {
        maxBatch: config.ingestMaxBatch,
        maxEventsPerRequest: config.maxEventsPerRequest,
        keepUrlQuery: config.keepUrlQuery,
        maxFutureSkewMs: config.maxFutureSkewMs,
        // Older events are refused: their day's secret is (about to be) destroyed.
        maxEventAgeDays: identityKeyWindowDays(config),
      },
      (flush) => {
        recentFlushes.add(flush.queueId, flush.indexes, flush.inserted);
        aggregator.notify();
      },
    ),
    daySecrets,
    rules: classifier,
    aggregator,
    eventLog,
    quarantine,
    dashboard,
    reuses: new ReuseService(dashboardRepo, catalogWriter),
    reports: new ReportService(new ReportRepository(store)),
    usageTable: new UsageTableService(new ReportRepository(store), new UsageTableRepository(store)),
    userAdmin: new UserAdminService(auth),
    erasure: new ErasureService(new ErasureRepository(store), new PrivacyAuditRepository(store), eventLog, aggregator, logger),
    sushi: new SushiService(new SushiRepository(store), { platform: config.sushiPlatform, createdBy: config.sushiPlatform }),
    eventExport: new EventExportService(new EventExportRepository(store, eventLog)),
    embed: new EmbedService(new EmbedRepository(store), dashboard),
    logImportCatalog: new LogImportCatalog(new SushiRepository(store), new EventIdsRepository(store)),
    hubSubmissions: new HubSubmissionRepository(store),
    storedData: new StoredDataRepository(store.db),
  };
}

/** The user admin alone (the CLI's key commands), with the API-key cache of `CACHE_TTL_MS`. */
export function createUserAdmin(store: Store, cacheTtlMs: number): UserAdminService {
  return new UserAdminService(new AuthRepository(store, cacheTtlMs));
}

/** This process's rule set: the agent lists in data/agents and its ROBOT_PATTERNS / MACHINE_PATTERNS. */
export function localRuleSet(config: Pick<GatewayConfig, 'robotPatterns' | 'machinePatterns'>): RuleSetDefinition {
  const lists = loadAgentLists();
  return {
    robots: lists.robots,
    machines: lists.machines,
    extraRobots: parsePatternList(config.robotPatterns),
    extraMachines: parsePatternList(config.machinePatterns),
  };
}
