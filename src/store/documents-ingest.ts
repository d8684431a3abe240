import type { AccessAction, ResourceType } from '../domain/resources';
import type { TrafficClass } from '../counting/classify';

/**
 * The dedup record of one accepted event. `_id` is the client's eventId, so
 * a retry (on any gateway instance) hits the unique `_id` and is counted
 * once. Kept `EVENT_RETENTION_DAYS`, then pruned.
 */
export interface EventDoc {
  _id: string;
  /** The batch that counted this event. */
  batchId: string;
  receivedAt: Date;
  timestamp: Date;
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  userId: string | null;
  trafficClass: TrafficClass;
  counted: boolean;
  uniqueInvestigation: boolean;
  uniqueRequest: boolean;
}

/** A decided event as carried inside its pending batch. */
export interface BatchEvent extends Omit<EventDoc, 'batchId' | 'receivedAt'> {
  sessionKey: string;
  clickerKey: string;
}

/**
 * A batch being written. Inserted before anything else of the batch and
 * deleted when every counter is written; one left behind (crash, outage) is
 * replayed by whichever instance next holds its lease. It carries its
 * events and their counting decisions, so a replay decides nothing anew.
 */
export interface PendingBatchDoc {
  _id: string;
  owner: string;
  leaseUntil: Date;
  createdAt: Date;
  events: BatchEvent[];
}

/** Last time a clicker did an action on a resource (double-click filter). */
export interface ClickStateDoc {
  /** `${clickerKey}|${resourceKey}|${action}` */
  _id: string;
  lastAt: Date;
}

/** A COUNTER session has seen this resource (unique counts). */
export interface SessionMarkDoc {
  /** `${sessionKey}|${resourceKey}|${'I' | 'R'}` */
  _id: string;
  createdAt: Date;
}

export type ReuseType = 'API' | 'APPLICATION' | 'VISUALIZATION' | 'ARTICLE' | 'PAPER' | 'OTHER';

export interface ReuseDoc {
  _id: string;
  title: string;
  url: string;
  type: ReuseType;
  datasetIds: string[];
  authorId: string | null;
  createdAt: Date;
  modifiedAt: Date;
}

export interface ApiKeyDoc {
  /** sha256 of the key, hex: the key itself is never stored. */
  _id: string;
  userId: string;
  /** First characters of the key, to tell keys apart in listings. */
  prefix: string;
  label: string | null;
  /** Traffic sent with this key is machine traffic even for a person's account. */
  automated: boolean;
  createdAt: Date;
  revokedAt: Date | null;
}
