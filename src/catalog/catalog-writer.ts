import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { Store } from '../store/store';
import { bulkWriteTolerant } from '../store/bulk';
import { findByIds } from '../store/find-in';
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
  col: Collection<{ _id: string }>;
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
    private readonly store: Store,
    private readonly onChange: () => void = () => undefined,
  ) {}

  private async checkReferences(refs: Reference[]): Promise<void> {
    const problems: string[] = [];
    for (const r of refs) {
      const wanted = [...new Set(r.ids)].filter((id) => !r.sameCall?.has(id));
      if (!wanted.length) continue;
      const found = new Set((await findByIds(r.col, wanted)).map((d) => d._id));
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

  private async upsert<T extends { _id: string }>(
    col: Collection<T>,
    items: T[],
    insertOnly: (item: T) => Document = () => ({}),
  ): Promise<UpsertResult> {
    const existing = new Set((await findByIds(col, items.map((i) => i._id))).map((d) => d._id));
    const ops = items.map((item): AnyBulkWriteOperation<Document> => {
      const { _id, ...fields } = item as { _id: string } & Document;
      const onInsert = insertOnly(item);
      for (const k of Object.keys(onInsert)) delete fields[k];
      const update: Document = { $set: fields };
      if (Object.keys(onInsert).length) update.$setOnInsert = onInsert;
      return { updateOne: { filter: { _id } as Document, update, upsert: true } };
    });
    await bulkWriteTolerant(col as unknown as Collection<Document>, ops);
    this.onChange();
    const created = items.filter((i) => !existing.has(i._id)).length;
    return { created, updated: items.length - created, ids: items.map((i) => i._id) };
  }

  async portals(items: PortalInput[]): Promise<UpsertResult> {
    this.checkIds(items);
    return this.upsert(this.store.portals, items);
  }

  async themes(items: ThemeInput[]): Promise<UpsertResult> {
    this.checkIds(items);
    return this.upsert(this.store.themes, items);
  }

  async users(items: UserInput[], now = new Date()): Promise<UpsertResult> {
    this.checkIds(items);
    return this.upsert(this.store.users, items.map((u) => ({ ...u, createdAt: now })), (u) => ({ createdAt: u.createdAt }));
  }

  async spaces(items: SpaceInput[], now = new Date()): Promise<UpsertResult> {
    this.checkIds(items);
    await this.checkReferences([{ field: 'memberIds', ids: items.flatMap((s) => s.memberIds), col: this.col('users') }]);
    return this.upsert(this.store.spaces, items.map((s) => ({ ...s, createdAt: s.createdAt ?? now })), (s) =>
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
      { field: 'parentCollectionIds', ids: items.flatMap((c) => c.parentCollectionIds), col: this.col('collections'), sameCall },
      { field: 'spaceIds', ids: items.flatMap((c) => c.spaceIds), col: this.col('spaces') },
      { field: 'ownerId', ids: items.flatMap((c) => (c.ownerId ? [c.ownerId] : [])), col: this.col('users') },
    ]);
    return this.upsert(this.store.collections, items.map((c) => ({ ...c, createdAt: c.createdAt ?? now })), (c) =>
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
      { field: 'portalId', ids: items.map((d) => d.portalId), col: this.col('portals') },
      { field: 'collectionIds', ids: items.flatMap((d) => d.collectionIds), col: this.col('collections') },
      { field: 'spaceIds', ids: items.flatMap((d) => d.spaceIds), col: this.col('spaces') },
      { field: 'themeIds', ids: items.flatMap((d) => d.themeIds), col: this.col('themes') },
      { field: 'ownerId', ids: items.flatMap((d) => (d.ownerId ? [d.ownerId] : [])), col: this.col('users') },
    ]);
    return this.upsert(
      this.store.datasets,
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
      { field: 'datasetIds', ids: items.flatMap((f) => f.datasetIds), col: this.col('datasets') },
      { field: 'ownerId', ids: items.flatMap((f) => (f.ownerId ? [f.ownerId] : [])), col: this.col('users') },
    ]);
    return this.upsert(this.store.files, items.map((f) => ({ ...f, createdAt: f.createdAt ?? now })), (f) =>
      items.find((i) => i._id === f._id)?.createdAt ? {} : { createdAt: f.createdAt },
    );
  }

  /** Reuses (issue: data dashboard) are written here too, checked the same way. */
  async reuses(items: ReuseDoc[]): Promise<UpsertResult> {
    this.checkIds(items);
    await this.checkReferences([
      { field: 'datasetIds', ids: items.flatMap((r) => r.datasetIds), col: this.col('datasets') },
      { field: 'authorId', ids: items.flatMap((r) => (r.authorId ? [r.authorId] : [])), col: this.col('users') },
    ]);
    return this.upsert(this.store.reuses, items, (r) => ({ createdAt: r.createdAt }));
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
      const docs = await findByIds(this.store.collections, need);
      for (const d of docs) stored.set(d._id, d.parentCollectionIds ?? []);
      frontier = docs.flatMap((d) => d.parentCollectionIds ?? []);
    }
    const cycle = findCollectionCycle(items, (id) => stored.get(id) ?? []);
    if (cycle) {
      throw new GatewayError(ErrorCode.COLLECTION_CYCLE, `collection parents would form a cycle: ${cycle.join(' -> ')}; nothing written`, {
        cycle,
      });
    }
  }

  private col(name: 'users' | 'collections' | 'spaces' | 'portals' | 'themes' | 'datasets'): Collection<{ _id: string }> {
    return this.store[name] as unknown as Collection<{ _id: string }>;
  }
}
