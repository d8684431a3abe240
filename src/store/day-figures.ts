/**
 * Day figures as the aggregator computes them and as `usage_daily` and
 * `usage_by_user_daily` store them, and the int64 form every figure write
 * takes.
 */
import { Long, type Document } from 'mongodb';
import { COUNTER_FIELDS, type Counters, type CountryCounts } from '../domain/counters';
import type { ResourceType } from '../domain/resources';
import { dailyId, userDailyId } from './storage-keys';

/** Figures of one target on one day, as stored. */
export interface DayFigures {
  resourceType: ResourceType;
  resourceId: string;
  userId: string | null;
  day: string;
  counters: Counters;
  countries: Record<string, CountryCounts> | null;
  lastViewedAt: Date | null;
  lastDownloadedAt: Date | null;
  lastApiCallAt: Date | null;
}

/**
 * The document with its counter fields as BSON int64 (`Long`), for every
 * write. Why: the driver stores a JS integer below 2^31 as int32, and
 * FerretDB 1.24 adds int32 + int32 in int32 — a total moved by `$inc` past
 * 2^31 wrapped (1.5 GB + 1.5 GB read −1,294,967,296). int64 + int32,
 * int32 + int64 and int64 + int64 give int64 on FerretDB and MongoDB alike,
 * so an `$inc` by a Long also widens an older int32 total. Reads get plain
 * numbers back (the driver's `promoteLongs`, on by default, up to 2^53).
 * Country counts on totals documents are moved by `$inc` too, so they are
 * int64 as well (`wideCountries`, country-totals.ts).
 */
export function wideCounters(doc: Document): Document {
  const out: Document = { ...doc };
  for (const k of COUNTER_FIELDS) {
    const v = out[k];
    if (typeof v === 'number') out[k] = Long.fromNumber(v);
  }
  return out;
}

function isZero(c: Counters): boolean {
  return COUNTER_FIELDS.every((f) => c[f] === 0);
}

/** The day document of some figures; null when every counter is 0 (nothing is stored). */
export function dayDoc(f: DayFigures): Document | null {
  if (isZero(f.counters)) return null;
  const doc: Document = {
    _id: f.userId === null ? dailyId(f.resourceType, f.day, f.resourceId) : userDailyId(f.resourceType, f.day, f.userId, f.resourceId),
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    day: f.day,
  };
  if (f.userId !== null) doc.userId = f.userId;
  for (const k of COUNTER_FIELDS) if (f.counters[k] !== 0) doc[k] = f.counters[k];
  if (f.countries && Object.keys(f.countries).length) doc.countries = f.countries;
  if (f.lastViewedAt) doc.lastViewedAt = f.lastViewedAt;
  if (f.lastDownloadedAt) doc.lastDownloadedAt = f.lastDownloadedAt;
  if (f.lastApiCallAt) doc.lastApiCallAt = f.lastApiCallAt;
  return doc;
}

/** Reads a stored day document back into figures (absent counters are 0). */
export function figuresOfDayDoc(doc: Document): DayFigures {
  const counters = {} as Counters;
  for (const k of COUNTER_FIELDS) counters[k] = typeof doc[k] === 'number' ? (doc[k] as number) : 0;
  return {
    resourceType: doc.resourceType as ResourceType,
    resourceId: doc.resourceId as string,
    userId: (doc.userId as string | undefined) ?? null,
    day: doc.day as string,
    counters,
    countries: (doc.countries as Record<string, CountryCounts> | undefined) ?? null,
    lastViewedAt: (doc.lastViewedAt as Date | undefined) ?? null,
    lastDownloadedAt: (doc.lastDownloadedAt as Date | undefined) ?? null,
    lastApiCallAt: (doc.lastApiCallAt as Date | undefined) ?? null,
  };
}

/** Whether two day documents (or absences) are the same. */
export function sameDoc(a: Document | null, b: Document | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
