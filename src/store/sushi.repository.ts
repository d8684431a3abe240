/**
 * Reads of the COUNTER SUSHI reports. Every usage read is an `_id` range
 * (the only filter FerretDB serves from an index besides equality):
 * `usage_daily` ids are `DATASET|<YYYY-MM-DD>|<datasetId>` (storage-keys.ts), so one range
 * is one span of days of every dataset; the event log's day indexes are
 * a range by day too.
 */
import type { Document } from 'mongodb';
import type { Store } from './store';
import { dailyRange, dayIndexRange, dayOfDailyId, dayOfIndexId } from './storage-keys';
import { ResourceType, type Visibility } from '../domain/resources';

const BATCH = 2000;

/** One dataset's day as the DSR reads it: counters (absent = 0) and per-country COUNTER figures. */
export interface DatasetDayRead {
  resourceId: string;
  day: string;
  [counter: string]: unknown;
  countries?: Record<string, Partial<Record<string, number>>>;
}

export interface SushiDatasetInfo {
  title: string;
  doi: string | null;
  /** The dataset's own publisher; null: its portal. */
  publisher: string | null;
  publisherId: string | null;
  contributors: string[];
  publicationDate: Date | null;
  landingPageUrl: string | null;
  portalId: string;
  published: boolean;
  visibility: Visibility;
  ownerId: string | null;
  spaceIds: string[];
}

export class SushiRepository {
  constructor(private readonly store: Store) {}

  /** Dataset day documents with `fromDay <= day <= toDay`, streamed. */
  async *datasetDays(fromDay: string, toDay: string): AsyncGenerator<DatasetDayRead> {
    const cursor = this.store.usageDaily.find(
      { _id: dailyRange(ResourceType.DATASET, fromDay, toDay) } as never,
      { batchSize: BATCH, projection: { batches: 0 } },
    );
    try {
      for await (const d of cursor) yield d as unknown as DatasetDayRead;
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  /**
   * The first UTC day with stored use: the first dataset day of
   * `usage_daily`, or, before anything is counted, the first day of the
   * event log. Null when nothing is stored. Two `_id`-ordered reads of one
   * document each.
   */
  async firstDataDay(): Promise<string | null> {
    const [usage, index] = await Promise.all([
      this.store.usageDaily.find({ _id: dailyRange(ResourceType.DATASET, null, null) } as never, { projection: { _id: 1 } }).sort({ _id: 1 }).limit(1).next(),
      this.store.eventLog.find({ _id: dayIndexRange(null, null) } as Document, { projection: { _id: 1 } }).sort({ _id: 1 }).limit(1).next(),
    ]);
    // Logged days may hold only uncounted events (robots, failures): counted use comes first.
    const days = [
      usage ? dayOfDailyId(String(usage._id)) : null,
      index ? dayOfIndexId(String(index._id)) : null,
    ].filter((d): d is string => d !== null && /^\d{4}-\d{2}-\d{2}$/.test(d));
    return days[0] ?? null;
  }

  async datasets(): Promise<Map<string, SushiDatasetInfo>> {
    const out = new Map<string, SushiDatasetInfo>();
    const cursor = this.store.datasets.find(
      {},
      { projection: { title: 1, doi: 1, publisher: 1, publisherId: 1, contributors: 1, publicationDate: 1, landingPageUrl: 1, portalId: 1, published: 1, visibility: 1, ownerId: 1, spaceIds: 1 }, batchSize: BATCH },
    );
    for await (const d of cursor) {
      out.set(d._id, {
        title: String(d.title ?? ''),
        doi: d.doi ?? null,
        publisher: typeof d.publisher === 'string' && d.publisher.trim() ? d.publisher : null,
        publisherId: typeof d.publisherId === 'string' && d.publisherId.trim() ? d.publisherId.trim() : null,
        contributors: Array.isArray(d.contributors) ? d.contributors.filter((c): c is string => typeof c === 'string' && c.trim() !== '') : [],
        publicationDate: d.publicationDate instanceof Date && !Number.isNaN(d.publicationDate.getTime()) ? d.publicationDate : null,
        landingPageUrl: typeof d.landingPageUrl === 'string' && d.landingPageUrl ? d.landingPageUrl : null,
        portalId: d.portalId,
        published: d.published === true,
        visibility: d.visibility,
        ownerId: d.ownerId ?? null,
        spaceIds: d.spaceIds ?? [],
      });
    }
    return out;
  }

  async portals(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const p of this.store.portals.find({}, { projection: { name: 1 } })) out.set(p._id, String(p.name ?? p._id));
    return out;
  }

  /** Normalised DOI → dataset id, for log imports that name datasets by DOI. */
  async datasetDois(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const d of this.store.datasets.find({}, { projection: { doi: 1 }, batchSize: BATCH })) {
      if (typeof d.doi === 'string' && d.doi) out.set(d.doi, d._id);
    }
    return out;
  }
}
