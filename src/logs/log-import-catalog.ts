/**
 * What `import-logs` reads besides the ingestion service: the portal ids
 * (to refuse an unknown `--portal` before anything is imported), the
 * catalog's DOIs (logs name datasets by DOI) and the eventIds a sender
 * stored under the scheme before issue 19 (legacy-log-ids.ts; remove with
 * it). Built in src/services.ts.
 */
import type { SushiRepository } from '../store/sushi.repository';
import type { EventIdsRepository } from '../store/event-ids.repository';

export class LogImportCatalog {
  constructor(
    private readonly catalog: SushiRepository,
    private readonly eventIds: EventIdsRepository,
  ) {}

  /** Every portal id of the catalog. */
  async portalIds(): Promise<string[]> {
    return [...(await this.catalog.portals()).keys()];
  }

  /** Normalised DOI → dataset id. */
  datasetDois(): Promise<Map<string, string>> {
    return this.catalog.datasetDois();
  }

  /** The subset of `eventIds` stored for sender `scope`. */
  storedEventIds(scope: string, eventIds: readonly string[]): Promise<Set<string>> {
    return this.eventIds.stored(scope, eventIds);
  }
}
