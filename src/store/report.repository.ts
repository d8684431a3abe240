import type { Document, Filter, FindCursor } from 'mongodb';
import type { Store } from './store';
import { dailyRange, totalsRange, userTotalsRange } from './storage-keys';
import type { DailyUsageDoc, UserDailyUsageDoc, UserUsageDoc } from './usage.documents';
import type { ResourceType, Visibility } from '../domain/resources';

export interface UserInfo {
  name: string;
}

export interface SpaceInfo {
  name: string;
}

export interface CollectionInfo {
  name: string;
  ownerId: string | null;
  parentCollectionIds: readonly string[];
  spaceIds: readonly string[];
  createdAt: Date | null;
}

export interface DatasetInfo {
  title: string;
  portalId: string;
  ownerId: string | null;
  spaceIds: readonly string[];
  collectionIds: readonly string[];
  published: boolean;
  visibility: Visibility;
  createdAt: Date | null;
}

export interface FileInfo {
  title: string;
  sizeBytes: number;
  datasetIds: readonly string[];
  ownerId: string | null;
  /** Epoch ms (NaN: unknown): reports keep many files at once. */
  createdAtMs: number;
}

/** Counters as stored (absent fields are 0). */
export interface StoredCounts {
  views?: number | null;
  downloads?: number | null;
  apiCalls?: number | null;
  machineViews?: number | null;
  machineDownloads?: number | null;
  machineApiCalls?: number | null;
  robotEvents?: number | null;
  lastViewedAt?: Date | null;
  lastDownloadedAt?: Date | null;
}

/** Documents per cursor batch when streaming. */
const BATCH = 2000;

/** A usage document as the reports read it (all-time totals or one day). */
export type UsageRead = StoredCounts & { resourceId: string };
export type DailyUsageRead = StoredCounts & { resourceId: string; day: string };
export type UserUsageRead = StoredCounts & { resourceId: string; userId: string };
export type UserDailyUsageRead = UserUsageRead & { day: string };

const COUNT_FIELDS = { views: 1, downloads: 1, apiCalls: 1, machineViews: 1, machineDownloads: 1, machineApiCalls: 1, robotEvents: 1 } as const;

function asDate(v: unknown): Date | null {
  return v instanceof Date ? v : null;
}

/**
 * Reads for the usage reports. FerretDB 1.24 turns every filter but `{_id}`
 * into a collection scan, so each report reads each collection it needs
 * **once**, with a projection: the small catalog collections (users, spaces,
 * collections, datasets) into maps, the large ones (files, usage) as
 * streams through a cursor, never one query per row.
 */
export class ReportRepository {
  constructor(private readonly store: Store) {}

  async users(): Promise<Map<string, UserInfo>> {
    const out = new Map<string, UserInfo>();
    for await (const u of this.store.users.find({}, { projection: { name: 1 }, batchSize: BATCH })) {
      out.set(u._id, { name: String(u.name ?? '') });
    }
    return out;
  }

  async spaces(): Promise<Map<string, SpaceInfo>> {
    const out = new Map<string, SpaceInfo>();
    for await (const s of this.store.spaces.find({}, { projection: { name: 1 }, batchSize: BATCH })) {
      out.set(s._id, { name: String(s.name ?? '') });
    }
    return out;
  }

  async collections(): Promise<Map<string, CollectionInfo>> {
    const out = new Map<string, CollectionInfo>();
    const cursor = this.store.collections.find(
      {},
      { projection: { name: 1, ownerId: 1, parentCollectionIds: 1, spaceIds: 1, createdAt: 1 }, batchSize: BATCH },
    );
    for await (const c of cursor) {
      out.set(c._id, {
        name: String(c.name ?? ''),
        ownerId: c.ownerId ?? null,
        parentCollectionIds: c.parentCollectionIds ?? [],
        spaceIds: c.spaceIds ?? [],
        createdAt: asDate(c.createdAt),
      });
    }
    return out;
  }

  /** Datasets, all or those of one portal. */
  async datasets(portalId: string | null = null): Promise<Map<string, DatasetInfo>> {
    const out = new Map<string, DatasetInfo>();
    const filter = portalId === null ? {} : { portalId };
    const cursor = this.store.datasets.find(filter, {
      projection: { title: 1, portalId: 1, ownerId: 1, spaceIds: 1, collectionIds: 1, published: 1, visibility: 1, createdAt: 1 },
      batchSize: BATCH,
    });
    for await (const d of cursor) {
      out.set(d._id, {
        title: String(d.title ?? ''),
        portalId: d.portalId,
        ownerId: d.ownerId ?? null,
        spaceIds: d.spaceIds ?? [],
        collectionIds: d.collectionIds ?? [],
        published: d.published === true,
        visibility: d.visibility as Visibility,
        createdAt: asDate(d.createdAt),
      });
    }
    return out;
  }

  async portalExists(id: string): Promise<boolean> {
    return (await this.store.portals.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  /**
   * Every file, streamed (files are the largest catalog collection: the
   * caller keeps only those it needs).
   */
  async *files(): AsyncGenerator<FileInfo & { _id: string }> {
    const cursor = this.store.files.find(
      {},
      { projection: { title: 1, sizeBytes: 1, datasetIds: 1, ownerId: 1, createdAt: 1 }, batchSize: BATCH },
    );
    yield* mapCursor(cursor, (f) => ({
      _id: f._id,
      title: String(f.title ?? ''),
      sizeBytes: typeof f.sizeBytes === 'number' ? f.sizeBytes : 0,
      datasetIds: f.datasetIds ?? [],
      ownerId: f.ownerId ?? null,
      createdAtMs: f.createdAt instanceof Date ? f.createdAt.getTime() : NaN,
    }));
  }

  /** Files by id (the ones a streamed report needs), keyed by id. */
  async filesByIds(ids: readonly string[]): Promise<Map<string, FileInfo>> {
    const docs = await this.store.files
      .find({ _id: { $in: [...ids] } }, { projection: { title: 1, sizeBytes: 1, datasetIds: 1, ownerId: 1, createdAt: 1 } })
      .toArray();
    return new Map(
      docs.map((f) => [
        f._id,
        {
          title: String(f.title ?? ''),
          sizeBytes: typeof f.sizeBytes === 'number' ? f.sizeBytes : 0,
          datasetIds: f.datasetIds ?? [],
          ownerId: f.ownerId ?? null,
          createdAtMs: f.createdAt instanceof Date ? f.createdAt.getTime() : NaN,
        },
      ]),
    );
  }

  /** All-time totals of every resource of a type (`usage_totals`). */
  totals(type: ResourceType, batchSize = BATCH): AsyncGenerator<UsageRead> {
    // One `_id` range: an index read.
    const cursor = this.store.usageTotals.find(
      { _id: totalsRange(type) },
      { projection: { resourceId: 1, ...COUNT_FIELDS, lastViewedAt: 1, lastDownloadedAt: 1 }, batchSize },
    );
    return mapCursor(cursor, (d) => d as UsageRead);
  }

  /** Daily buckets of a type whose UTC day is in [fromDay, toDay] (either bound optional, inclusive). */
  daily(type: ResourceType, fromDay: string | null, toDay: string | null): AsyncGenerator<DailyUsageRead> {
    const cursor = this.store.usageDaily.find({ _id: dailyRange(type, fromDay, toDay) } as Filter<DailyUsageDoc>, {
      projection: { resourceId: 1, day: 1, ...COUNT_FIELDS },
      batchSize: BATCH,
    });
    return mapCursor(cursor, (d) => d as unknown as DailyUsageRead);
  }

  /** Per-user daily buckets of a type in [fromDay, toDay] (`usage_by_user_daily`), of every user or of one. */
  byUserDaily(type: ResourceType, userId: string | null, fromDay: string | null, toDay: string | null): AsyncGenerator<UserDailyUsageRead> {
    const filter: Document = { _id: dailyRange(type, fromDay, toDay) };
    if (userId !== null) filter.userId = userId;
    const cursor = this.store.usageByUserDaily.find(filter as Filter<UserDailyUsageDoc>, {
      projection: { resourceId: 1, userId: 1, day: 1, ...COUNT_FIELDS },
      batchSize: BATCH,
    });
    return mapCursor(cursor, (d) => d as unknown as UserDailyUsageRead);
  }

  /** Whether any event was ever counted or tallied under this user id (`usage_by_user`, one `_id` range). */
  async userHasUsage(userId: string): Promise<boolean> {
    // A user id holds no `|` (ID_PATTERN): `user|…` is exactly this user's rows.
    const doc = await this.store.usageByUser.findOne({ _id: userTotalsRange(userId) } as Filter<UserUsageDoc>, {
      projection: { _id: 1 },
    });
    return doc !== null;
  }

  /** Per-user all-time usage of a type (`usage_by_user`), of every user or of one. */
  byUser(type: ResourceType, userId: string | null): AsyncGenerator<UserUsageRead> {
    // One user's rows are the `_id` range `user|TYPE:`; all users' need a scan.
    const filter: Document = userId !== null ? { _id: userTotalsRange(userId, type) } : { resourceType: type };
    const cursor = this.store.usageByUser.find(filter as Filter<UserUsageDoc>, {
      projection: { resourceId: 1, userId: 1, ...COUNT_FIELDS, lastViewedAt: 1, lastDownloadedAt: 1 },
      batchSize: BATCH,
    });
    return mapCursor(cursor, (d) => d as unknown as UserUsageRead);
  }
}

/** Streams a cursor, closing it when the consumer stops early. */
async function* mapCursor<T, R>(cursor: FindCursor<T>, fn: (doc: T) => R): AsyncGenerator<R> {
  try {
    for await (const doc of cursor) yield fn(doc);
  } finally {
    await cursor.close().catch(() => undefined);
  }
}
