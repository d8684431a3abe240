import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { CatalogCollection, CatalogDocs } from '../store/catalog.repository';
import type { CatalogWriteRepository } from '../store/catalog-write.repository';
import { findCollectionCycle } from './catalog-validation';
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc, SpaceDoc, ThemeDoc, UserDoc } from '../store/catalog.documents';
import type { ReuseDoc } from '../store/reuse.documents';

type Without<T, K extends keyof T> = Omit<T, K>;

export type PortalInput = PortalDoc;
export type ThemeInput = ThemeDoc;
export type UserInput = Without<UserDoc, 'createdAt'>;
export type SpaceInput = Without<SpaceDoc, 'createdAt'> & { createdAt?: Date | null };
export type CollectionInput = Without<CollectionDoc, 'createdAt'> & { createdAt?: Date | null };
export type DatasetInput = Without<DatasetDoc, 'createdAt' | 'modifiedAt'> & { createdAt?: Date | null; modifiedAt?: Date | null };
export type FileInput = Without<FileDoc, 'createdAt'> & { createdAt?: Date | null };

export interface UpsertResult {
  created: number;
  updated: number;
  ids: string[];
}

interface Reference {
  /** Field name in the input, for the error message. */
  field: string;
  ids: string[];
  col: CatalogCollection;
  /** Ids created in the same call count as existing. */
  sameCall?: Set<string>;
}

/**
 * Idempotent catalog upserts by id, as portals push their catalog. A call
 * is checked whole before anything is written: one unknown reference fails
 * the call with UNKNOWN_REFERENCE and writes nothing.
 */
export class CatalogWriter {
  /**
   * @param onChange - called after every write: the per-process caches of
   *   catalog facts and callers are dropped (see ingest-catalog.ts).
   */
  constructor(
    private readonly repo: CatalogWriteRepository,
    private readonly onChange: () => void = () => undefined,
  ) {}

  private async checkReferences(refs: Reference[]): Promise<void> {
    const problems: string[] = [];
    for (const r of refs) {
      const wanted = [...new Set(r.ids)].filter((id) => !r.sameCall?.has(id));
      if (!wanted.length) continue;
      const found = await this.repo.existingIds(r.col, wanted);
      const missing = wanted.filter((id) => !found.has(id));
      if (missing.length) problems.push(`${r.field}: unknown ${missing.slice(0, 20).map((m) => `"${m}"`).join(', ')}`);
    }
    if (problems.length) {
      throw new GatewayError(ErrorCode.UNKNOWN_REFERENCE, `invalid references, nothing written: ${problems.join('; ')}`, {
        problems,
      });
    }
  }

  private checkIds(items: { _id: string }[]): void {
    const seen = new Set<string>();
    for (const it of items) {
      if (!it._id || it._id.length > 256) throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'every id must be 1-256 characters');
      if (seen.has(it._id)) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `id "${it._id}" appears twice in one call`);
      seen.add(it._id);
    }
  }

  private async upsert<K extends CatalogCollection>(
    col: K,
    items: CatalogDocs[K][],
    insertOnly: (item: CatalogDocs[K]) => Record<string, unknown> = () => ({}),
  ): Promise<UpsertResult> {
    const existing = await this.repo.upsertById(col, items, insertOnly);
    this.onChange();
    const created = items.filter((i) => !existing.has(i._id)).length;
    return { created, updated: items.length - created, ids: items.map((i) => i._id) };
  }

  async portals(items: PortalInput[]): Promise<UpsertResult> {
    this.checkIds(items);
    return this.upsert('portals', items);
  }

  async themes(items: ThemeInput[]): Promise<UpsertResult> {
    this.checkIds(items);
    return this.upsert('themes', items);
  }

  async users(items: UserInput[], now = new Date()): Promise<UpsertResult> {
    this.checkIds(items);
    return this.upsert('users', items.map((u) => ({ ...u, createdAt: now })), (u) => ({ createdAt: u.createdAt }));
  }

  async spaces(items: SpaceInput[], now = new Date()): Promise<UpsertResult> {
    this.checkIds(items);
    await this.checkReferences([{ field: 'memberIds', ids: items.flatMap((s) => s.memberIds), col: 'users' }]);
    return this.upsert('spaces', items.map((s) => ({ ...s, createdAt: s.createdAt ?? now })), (s) =>
      items.find((i) => i._id === s._id)?.createdAt ? {} : { createdAt: s.createdAt },
    );
  }

  async collections(items: CollectionInput[], now = new Date()): Promise<UpsertResult> {
    this.checkIds(items);
    const sameCall = new Set(items.map((c) => c._id));
    for (const c of items) {
      if (c.parentCollectionIds.includes(c._id)) {
        throw new GatewayError(ErrorCode.BAD_USER_INPUT, `collection "${c._id}" cannot be its own parent`);
      }
    }
    await this.checkCollectionCycles(items);
    await this.checkReferences([
      { field: 'parentCollectionIds', ids: items.flatMap((c) => c.parentCollectionIds), col: 'collections', sameCall },
      { field: 'spaceIds', ids: items.flatMap((c) => c.spaceIds), col: 'spaces' },
      { field: 'ownerId', ids: items.flatMap((c) => (c.ownerId ? [c.ownerId] : [])), col: 'users' },
    ]);
    return this.upsert('collections', items.map((c) => ({ ...c, createdAt: c.createdAt ?? now })), (c) =>
      items.find((i) => i._id === c._id)?.createdAt ? {} : { createdAt: c.createdAt },
    );
  }

  async datasets(items: DatasetInput[], now = new Date()): Promise<UpsertResult> {
    this.checkIds(items);
    for (const d of items) {
      if (!Number.isInteger(d.recordCount) || d.recordCount < 0) {
        throw new GatewayError(ErrorCode.BAD_USER_INPUT, `dataset "${d._id}": recordCount must be a non-negative integer`);
      }
    }
    await this.checkReferences([
      { field: 'portalId', ids: items.map((d) => d.portalId), col: 'portals' },
      { field: 'collectionIds', ids: items.flatMap((d) => d.collectionIds), col: 'collections' },
      { field: 'spaceIds', ids: items.flatMap((d) => d.spaceIds), col: 'spaces' },
      { field: 'themeIds', ids: items.flatMap((d) => d.themeIds), col: 'themes' },
      { field: 'ownerId', ids: items.flatMap((d) => (d.ownerId ? [d.ownerId] : [])), col: 'users' },
    ]);
    return this.upsert(
      'datasets',
      items.map((d) => ({ ...d, createdAt: d.createdAt ?? now, modifiedAt: d.modifiedAt ?? now })),
      (d) => (items.find((i) => i._id === d._id)?.createdAt ? {} : { createdAt: d.createdAt }),
    );
  }

  async files(items: FileInput[], now = new Date()): Promise<UpsertResult> {
    this.checkIds(items);
    for (const f of items) {
      if (!f.datasetIds.length) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `file "${f._id}" must belong to a dataset`);
    }
    await this.checkReferences([
      { field: 'datasetIds', ids: items.flatMap((f) => f.datasetIds), col: 'datasets' },
      { field: 'ownerId', ids: items.flatMap((f) => (f.ownerId ? [f.ownerId] : [])), col: 'users' },
    ]);
    return this.upsert('files', items.map((f) => ({ ...f, createdAt: f.createdAt ?? now })), (f) =>
      items.find((i) => i._id === f._id)?.createdAt ? {} : { createdAt: f.createdAt },
    );
  }

  /** Reuses (issue: data dashboard) are written here too, checked the same way. */
  async reuses(items: ReuseDoc[]): Promise<UpsertResult> {
    this.checkIds(items);
    await this.checkReferences([
      { field: 'datasetIds', ids: items.flatMap((r) => r.datasetIds), col: 'datasets' },
      { field: 'authorId', ids: items.flatMap((r) => (r.authorId ? [r.authorId] : [])), col: 'users' },
    ]);
    return this.upsert('reuses', items, (r) => ({ createdAt: r.createdAt }));
  }

  /** COLLECTION_CYCLE when the pushed parent links would close a loop with each other or with the stored ones. */
  private async checkCollectionCycles(items: CollectionInput[]): Promise<void> {
    const pushed = new Set(items.map((c) => c._id));
    const stored = new Map<string, readonly string[]>();
    let frontier = items.flatMap((c) => c.parentCollectionIds);
    while (frontier.length) {
      const need = [...new Set(frontier)].filter((id) => !stored.has(id) && !pushed.has(id));
      if (!need.length) break;
      for (const id of need) stored.set(id, []);
      const found = await this.repo.collectionParents(need);
      for (const [id, parents] of found) stored.set(id, parents);
      frontier = [...found.values()].flat();
    }
    const cycle = findCollectionCycle(items, (id) => stored.get(id) ?? []);
    if (cycle) {
      throw new GatewayError(ErrorCode.COLLECTION_CYCLE, `collection parents would form a cycle: ${cycle.join(' -> ')}; nothing written`, {
        cycle,
      });
    }
  }
}
