import type { ResourceType } from '../domain/resources';
import type { ResourceFacts } from '../store/catalog.repository';
import { TtlCache } from '../util/ttl-cache';

/** Catalog look-ups ingestion needs (implemented by the catalog repository). */
export interface IngestCatalog {
  /** Facts of the resources that exist (absent ids do not). */
  resourceFacts(type: ResourceType, ids: readonly string[]): Promise<Map<string, ResourceFacts>>;
  /** Registered users and whether each is flagged automated; unregistered ids are absent. */
  usersAutomated(ids: readonly string[]): Promise<Map<string, boolean>>;
}

/**
 * The catalog through per-process caches, so a tracked event costs no
 * catalog read once its resource and user were seen (absent ids are cached
 * too: an unregistered end user is the common case).
 */
export class CachedIngestCatalog implements IngestCatalog {
  private readonly resources: TtlCache<string, ResourceFacts | null>;
  private readonly users: TtlCache<string, boolean | null>;

  /**
   * @param ttlMs - how long catalog facts are trusted, ms (changes made on
   *   another instance show within this time; local changes call `clear`).
   * @param maxEntries - bound of each cache.
   */
  constructor(
    private readonly source: {
      ingestFacts(type: ResourceType, ids: readonly string[]): Promise<Map<string, ResourceFacts>>;
      usersAutomated(ids: readonly string[]): Promise<Map<string, boolean>>;
    },
    ttlMs: number,
    maxEntries = 200_000,
  ) {
    this.resources = new TtlCache(ttlMs, maxEntries);
    this.users = new TtlCache(ttlMs, maxEntries);
  }

  clear(): void {
    this.resources.clear();
    this.users.clear();
  }

  async resourceFacts(type: ResourceType, ids: readonly string[]): Promise<Map<string, ResourceFacts>> {
    const got = await this.resources.getMany(
      ids.map((id) => `${type}\u0000${id}`),
      async (missing) => {
        const facts = await this.source.ingestFacts(
          type,
          missing.map((k) => k.slice(k.indexOf('\u0000') + 1)),
        );
        return new Map([...facts].map(([id, f]) => [`${type}\u0000${id}`, f]));
      },
      null,
    );
    const out = new Map<string, ResourceFacts>();
    for (const [k, v] of got) if (v) out.set(k.slice(k.indexOf('\u0000') + 1), v);
    return out;
  }

  async usersAutomated(ids: readonly string[]): Promise<Map<string, boolean>> {
    const got = await this.users.getMany(ids, (missing) => this.source.usersAutomated(missing), null);
    const out = new Map<string, boolean>();
    for (const [k, v] of got) if (v !== null) out.set(k, v);
    return out;
  }
}
