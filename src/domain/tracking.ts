import type { AccessAction, ResourceType } from './resources';

/** One access event as a portal sends it (after GraphQL input parsing). */
export interface TrackEventInput {
  /** Client-chosen id; a retry with the same id is counted once. */
  eventId?: string | null;
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  userId?: string | null;
  /** When the access happened; default: when the gateway received it. */
  timestamp?: Date | null;
  userAgent?: string | null;
  /** Client IP, used only to build a COUNTER session key; never stored. */
  ipAddress?: string | null;
  /** Portal session id, if the portal has one (preferred COUNTER session). */
  sessionId?: string | null;
}
