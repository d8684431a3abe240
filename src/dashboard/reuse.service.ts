import { randomUUID } from 'node:crypto';
import type { Caller } from '../domain/caller';
import { canSeeDataset } from '../auth/visibility';
import type { CatalogWriter } from '../catalog/catalog-writer';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError, badUserInput } from '../errors/gateway-error';
import type { DatasetDoc } from '../store/catalog.documents';
import type { ReuseDoc, ReuseType } from '../store/reuse.documents';
import type { DashboardRepository } from '../store/dashboard.repository';
import { reuseIdFor, reuseUrlKey, storedReuseKey } from './reuse-url';

export const REUSE_TYPES: readonly ReuseType[] = ['API', 'APPLICATION', 'VISUALIZATION', 'ARTICLE', 'PAPER', 'OTHER'];

export const MAX_REUSE_TITLE = 300;
export const MAX_REUSE_URL = 2048;
export const MAX_REUSE_DATASETS = 100;
/** How far in the future an admin-set `createdAt` may be (clock skew). */
const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export interface ReuseInput {
  title: string;
  url: string;
  type: ReuseType;
  datasetIds: readonly string[];
  /** Omitted: the caller for a USER, nobody (an organisation) for an ADMIN. */
  authorId?: string | null;
  /** ADMIN only (back-filling reuses known before); default now. */
  createdAt?: Date | null;
}

/** Fields to change; an omitted (undefined) field is kept. `authorId: null` clears the author. */
export interface ReusePatch {
  title?: string | null;
  url?: string | null;
  type?: ReuseType | null;
  datasetIds?: readonly string[] | null;
  authorId?: string | null;
}

type DatasetVisibilityFields = Pick<DatasetDoc, '_id' | 'published' | 'visibility' | 'ownerId' | 'spaceIds'>;

/**
 * Who may see a reuse: admins, its author, and whoever may see one of its
 * datasets. A reuse of hidden datasets only is hidden too, so it does not
 * reveal that they exist.
 */
export function canSeeReuse(
  reuse: Pick<ReuseDoc, 'authorId' | 'datasetIds'>,
  datasets: readonly DatasetVisibilityFields[],
  caller: Caller,
): boolean {
  if (caller.kind !== 'user') return datasets.some((d) => reuse.datasetIds.includes(d._id) && canSeeDataset(d, caller));
  if (caller.role === 'ADMIN') return true;
  if (reuse.authorId && reuse.authorId === caller.userId) return true;
  return datasets.some((d) => reuse.datasetIds.includes(d._id) && canSeeDataset(d, caller));
}

/** Who may change or remove a reuse: admins, and a USER for the reuses they authored. */
export function canEditReuse(reuse: Pick<ReuseDoc, 'authorId'>, caller: Caller): boolean {
  if (caller.kind !== 'user') return false;
  if (caller.role === 'ADMIN') return true;
  return caller.role === 'USER' && reuse.authorId != null && reuse.authorId === caller.userId;
}

function cleanTitle(title: string): string {
  const t = title.trim();
  if (!t || t.length > MAX_REUSE_TITLE) throw badUserInput(`title must be 1-${MAX_REUSE_TITLE} characters`);
  return t;
}

function cleanUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badUserInput(`url "${url}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badUserInput('url must be an http or https URL');
  const s = u.toString();
  if (s.length > MAX_REUSE_URL) throw badUserInput(`url must be at most ${MAX_REUSE_URL} characters`);
  return s;
}

function cleanType(type: string): ReuseType {
  if (!(REUSE_TYPES as readonly string[]).includes(type)) throw badUserInput(`unknown reuse type "${type}"`);
  return type as ReuseType;
}

function cleanDatasetIds(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  if (unique.length < 1 || unique.length > MAX_REUSE_DATASETS) {
    throw badUserInput(`a reuse needs 1-${MAX_REUSE_DATASETS} distinct datasetIds`);
  }
  return unique;
}

function userOf(caller: Caller): { userId: string; admin: boolean } {
  if (caller.kind !== 'user' || (caller.role !== 'ADMIN' && caller.role !== 'USER')) {
    throw new GatewayError(ErrorCode.FORBIDDEN, 'only ADMIN and USER accounts manage reuses');
  }
  return { userId: caller.userId, admin: caller.role === 'ADMIN' };
}

/**
 * Reuses (applications, visualisations, articles… built on datasets):
 * registration, change and removal with their permission rules. Checked
 * whole before anything is written; writes go through the catalog writer.
 */
export class ReuseService {
  constructor(
    private readonly repo: DashboardRepository,
    private readonly writer: CatalogWriter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every id must be a dataset the caller may see: unknown and hidden look the same. */
  private async checkDatasets(ids: readonly string[], caller: Caller): Promise<void> {
    if (!ids.length) return;
    const found = await this.repo.datasetsByIds(ids);
    const visible = new Set(found.filter((d) => canSeeDataset({ ...d, spaceIds: d.spaceIds ?? [] }, caller)).map((d) => d._id));
    const missing = ids.filter((id) => !visible.has(id));
    if (missing.length) {
      const problem = `datasetIds: unknown ${missing.slice(0, 20).map((m) => `"${m}"`).join(', ')}`;
      throw new GatewayError(ErrorCode.UNKNOWN_REFERENCE, `invalid references, nothing written: ${problem}`, { problems: [problem] });
    }
  }

  private authorFor(requested: string | null | undefined, who: { userId: string; admin: boolean }): string | null {
    if (who.admin) return requested ?? null;
    if (requested != null && requested !== who.userId) {
      throw new GatewayError(ErrorCode.FORBIDDEN, 'a USER may only register reuses under their own name');
    }
    return who.userId;
  }

  /**
   * The stored reuses other than `exceptId` with the same URL key as one of
   * `datasetIds`: one reuse per (dataset, normalised URL).
   */
  private async sameUrl(urlKey: string, datasetIds: readonly string[], exceptId: string | null): Promise<ReuseDoc[]> {
    const found = await this.repo.reusesOfDatasets(datasetIds);
    return found
      .filter((r) => r._id !== exceptId && storedReuseKey(r) === urlKey)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : 1));
  }

  private duplicate(existing: ReuseDoc, datasetIds: readonly string[]): GatewayError {
    const shared = datasetIds.filter((d) => existing.datasetIds.includes(d));
    return new GatewayError(
      ErrorCode.DUPLICATE_REUSE,
      `this URL is already registered as reuse "${existing._id}" for ${shared.map((d) => `"${d}"`).join(', ')}; ` +
        'change that reuse instead, or register the URL for the other datasets only',
      { reuseId: existing._id, datasetIds: shared },
    );
  }

  /**
   * Registers a reuse, once: a reuse is identified by its datasets and its
   * normalised URL (reuse-url.ts). When a stored reuse with the same URL key
   * already covers every requested dataset, that reuse is returned unchanged
   * (whoever registered it, whatever title and type are sent now); when it
   * covers only some of them, DUPLICATE_REUSE.
   */
  async register(caller: Caller, input: ReuseInput): Promise<ReuseDoc> {
    const who = userOf(caller);
    const now = this.now();
    if (input.createdAt != null) {
      if (!who.admin) throw new GatewayError(ErrorCode.FORBIDDEN, 'only an ADMIN may set createdAt');
      if (input.createdAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) throw badUserInput('createdAt is in the future');
    }
    const url = cleanUrl(input.url);
    const urlKey = reuseUrlKey(url);
    const datasetIds = cleanDatasetIds(input.datasetIds);
    const doc: ReuseDoc = {
      _id: reuseIdFor(urlKey, datasetIds),
      title: cleanTitle(input.title),
      url,
      urlKey,
      type: cleanType(input.type),
      datasetIds,
      authorId: this.authorFor(input.authorId, who),
      createdAt: input.createdAt ?? now,
      modifiedAt: now,
    };
    // Visibility first: the answer must not tell about a hidden dataset.
    await this.checkDatasets(doc.datasetIds, caller);
    const same = await this.sameUrl(urlKey, datasetIds, null);
    const covers = (r: ReuseDoc): boolean => datasetIds.every((d) => r.datasetIds.includes(d));
    const covering = same.find(covers);
    if (covering) return covering;
    const partial = same[0];
    if (partial) throw this.duplicate(partial, datasetIds);
    const atId = await this.repo.reuseById(doc._id);
    // Written by a registration racing this one since the look-up.
    if (atId && storedReuseKey(atId) === urlKey && covers(atId)) return atId;
    // The derived id is taken by a reuse whose URL or datasets were changed
    // since: this one gets a fresh id.
    if (atId) doc._id = `reuse-${randomUUID()}`;
    // Checks the author exists (UNKNOWN_REFERENCE) and writes.
    await this.writer.reuses([doc]);
    return doc;
  }

  /** The reuse, if it exists and the caller may change it (else NOT_FOUND / FORBIDDEN). */
  private async editable(caller: Caller, id: string): Promise<ReuseDoc> {
    userOf(caller);
    const reuse = await this.repo.reuseById(id);
    if (!reuse) throw new GatewayError(ErrorCode.NOT_FOUND, `no reuse "${id}"`);
    if (!canEditReuse(reuse, caller)) {
      const seen = canSeeReuse(reuse, await this.repo.datasetsByIds(reuse.datasetIds), caller);
      // A reuse the caller cannot even see is "not found", like a hidden dataset.
      if (!seen) throw new GatewayError(ErrorCode.NOT_FOUND, `no reuse "${id}"`);
      throw new GatewayError(ErrorCode.FORBIDDEN, 'a USER may only change or remove the reuses they authored');
    }
    return reuse;
  }

  /**
   * Changes a reuse. A URL or datasets that would make it the same reuse as
   * another one (same URL key for a shared dataset) is DUPLICATE_REUSE, not a
   * merge: merging would change or remove a reuse the caller may not own.
   */
  async update(caller: Caller, id: string, patch: ReusePatch): Promise<ReuseDoc> {
    const who = userOf(caller);
    const reuse = await this.editable(caller, id);
    const url = patch.url != null ? cleanUrl(patch.url) : reuse.url;
    const urlKey = storedReuseKey({ url });
    const next: ReuseDoc = {
      ...reuse,
      title: patch.title != null ? cleanTitle(patch.title) : reuse.title,
      url,
      urlKey,
      type: patch.type != null ? cleanType(patch.type) : reuse.type,
      datasetIds: patch.datasetIds != null ? cleanDatasetIds(patch.datasetIds) : reuse.datasetIds,
      authorId: patch.authorId !== undefined ? (who.admin ? patch.authorId : this.authorFor(patch.authorId ?? who.userId, who)) : reuse.authorId,
      modifiedAt: this.now(),
    };
    // Datasets already on the reuse stay even if the caller no longer sees
    // them; new ones must be visible.
    await this.checkDatasets(
      next.datasetIds.filter((d) => !reuse.datasetIds.includes(d)),
      caller,
    );
    if (patch.url != null || patch.datasetIds != null) {
      const clash = await this.sameUrl(urlKey, next.datasetIds, reuse._id);
      const other = clash[0];
      if (other) throw this.duplicate(other, next.datasetIds);
    }
    await this.writer.reuses([next]);
    return next;
  }

  /** Removes a reuse; it stops counting at once, in every time window. */
  async remove(caller: Caller, id: string): Promise<ReuseDoc> {
    const reuse = await this.editable(caller, id);
    await this.repo.deleteReuse(id);
    return reuse;
  }
}
