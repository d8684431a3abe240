import type { AccessAction, ResourceType } from './resources';

/** How the portal says an access was made (COUNTER "access method"). */
export type AccessMethod = 'REGULAR' | 'MACHINE';

/** One access event as a portal sends it (after GraphQL input parsing). */
export interface TrackEventInput {
  /** Client-chosen id, unique per sender; a retry with the same id is counted once. */
  eventId?: string | null;
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  /** The end user: any id of the portal's (need not be registered). */
  userId?: string | null;
  /** When the access happened; default: when the gateway received it. */
  timestamp?: Date | null;
  userAgent?: string | null;
  /** Client IP: hashed into COUNTER identities and looked up for a country; never stored. */
  ipAddress?: string | null;
  /** Portal session cookie / session id (COUNTER "session cookie"). */
  sessionId?: string | null;
  /** A long-lived browser cookie (COUNTER "user cookie"). */
  userCookie?: string | null;
  /** The URL or item requested (double clicks are per item). */
  url?: string | null;
  /** HTTP status of the access; only 200 and 304 are counted. */
  httpStatus?: number | null;
  /** Bytes delivered (COUNTER volume). */
  bytes?: number | null;
  /** ISO 3166-1 alpha-2 country; when absent, derived from ipAddress. */
  country?: string | null;
  /** The portal's own knowledge of the access method; MACHINE counts as machine. */
  accessMethod?: AccessMethod | null;
}
