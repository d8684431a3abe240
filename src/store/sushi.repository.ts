/**
 * Reads of the COUNTER SUSHI reports. Every usage read is an `_id` range
 * (the only filter FerretDB serves from an index besides equality):
 * `usage_daily` ids are `DATASET|<YYYY-MM-DD>|<datasetId>`, so one range
 * is one span of days of every dataset; the event log's day indexes are
 * a range by day too.
 */
import type { Document } from 'mongodb';
import type { Store } from './store';
import { INDEX_PREFIX } from './event-log.repository';
import type { Visibility } from '../domain/resources';

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
      { _id: { $gte: `DATASET|${fromDay}`, $lt: `DATASET|${toDay}|\uffff` } } as never,
      { batchSize: BATCH, projection: { batches: 0 } },
    );
    try {
      for await (const d of cursor) yield d as unknown as DatasetDayRead;
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  /**
   * Whether any event is stored before `day` (a report starting earlier
   * reaches before stored data otherwise): the event log's day index
   * documents (`~i|<day>|<flush>`) are an `_id` range by day.
   */
  async anyEventBefore(day: string): Promise<boolean> {
    const doc = await this.store.eventLog.findOne({ _id: { $gte: INDEX_PREFIX, $lt: `${INDEX_PREFIX}${day}` } } as Document, { projection: { _id: 1 } });
    return doc !== null;
  }

  async datasets(): Promise<Map<string, SushiDatasetInfo>> {
    const out = new Map<string, SushiDatasetInfo>();
    const cursor = this.store.datasets.find(
      {},
      { projection: { title: 1, doi: 1, portalId: 1, published: 1, visibility: 1, ownerId: 1, spaceIds: 1 }, batchSize: BATCH },
    );
    for await (const d of cursor) {
      out.set(d._id, {
        title: String(d.title ?? ''),
        doi: d.doi ?? null,
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
