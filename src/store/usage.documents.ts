/**
 * Documents of the derived figures: `usage_totals`, `usage_by_user`,
 * `usage_daily` and `usage_by_user_daily` (written by
 * usage-write.repository.ts, recomputable from the event log). Their `_id`
 * layouts and ranges: storage-keys.ts.
 */
import type { Counters } from '../domain/counters';
import type { ResourceType } from '../domain/resources';

export interface UsageTotalsDoc extends Partial<Counters> {
  /** `totalsId(type, id)` */
  _id: string;
  /**
   * Ids of the last aggregation steps that moved this total (the last
   * STEP_MARKS, usage-write.repository.ts), so a step replayed after a
   * crash never moves it twice.
   */
  batches?: string[];
  resourceType: ResourceType;
  resourceId: string;
  lastViewedAt?: Date;
  lastDownloadedAt?: Date;
  lastApiCallAt?: Date;
}

export interface UserUsageDoc extends UsageTotalsDoc {
  /** With `_id` `userTotalsId(type, id, userId)`. */
  userId: string;
}

export interface DailyUsageDoc extends Partial<Counters> {
  /** `dailyId(type, day, id)` */
  _id: string;
  /** Written whole, without step ids; documents stored by older versions may still carry some (readers project them away). */
  batches?: string[];
  resourceType: ResourceType;
  resourceId: string;
  /** UTC day, `YYYY-MM-DD`: string order is time order. */
  day: string;
}

/** Per user, resource and UTC day: by-user reports over an activity window read these. */
export interface UserDailyUsageDoc extends DailyUsageDoc {
  /** With `_id` `userDailyId(type, day, userId, id)`. */
  userId: string;
}
