import type { AccessAction, ResourceType } from './resources';

/** regular = human use; machine = scripts, harvesters, automated accounts; robot = crawlers (never counted). */
export type TrafficClass = 'robot' | 'machine' | 'regular';

/**
 * One accepted access event as the event log keeps it: the source of truth
 * every derived figure is computed from (and recomputed from, by
 * `usage-gateway recount`). Written once, never updated.
 */
export interface LoggedEvent {
  /** `${scope}|${eventId}`: an eventId is unique per sender, so one sender can never suppress another's events. */
  _id: string;
  /** Who sent it: the id of the user behind the API key (a portal's tracker account, a user, an admin). */
  scope: string;
  eventId: string;
  /** When the access happened. */
  t: Date;
  /** `YYYY-MM-DD` (UTC) of `t`. */
  day: string;
  /** Hash of the event as the client sent it: a retry with another content is a conflict, not a duplicate. */
  h: string;
  portalId: string | null;
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  /** The datasets a FILE event also counts for (COUNTER: the dataset is the unit); [] otherwise. */
  datasetIds: string[];
  /** The end user (an opaque id of the portal's; need not be registered). */
  userId: string | null;
  /** The account or key was flagged automated, or the portal declared the access method MACHINE. */
  automated: boolean;
  /** As classified when accepted; `recount` classifies again with the current lists. */
  trafficClass: TrafficClass;
  /** HTTP status of the access; only 200 and 304 count (null = not given = successful). */
  httpStatus: number | null;
  /** Bytes delivered (COUNTER volume), when given. */
  bytes: number | null;
  /** ISO 3166-1 alpha-2 country, sent or derived from the IP; null when unknown. */
  country: string | null;
  /** Removed (null) after the identity-key window unless KEEP_USER_AGENT; see `uaRules`. */
  userAgent: string | null;
  /** Without query string and fragment unless KEEP_URL_QUERY (src/privacy/stored-form.ts). */
  url: string | null;
  /**
   * Set when the user agent was reduced away (src/privacy/agent-reducer.ts):
   * the version of the counting rules `trafficClass` was decided with while
   * the agent was known; recounts keep that class. Absent otherwise.
   */
  uaRules?: number;
  /** Double-click key: identity + item, hashed with the secret of the event's day (src/counting/identity.ts). */
  ck: string;
  /** Unique-count session key: hashed session (src/counting/identity.ts). */
  sk: string;
  /**
   * Only on events of a day's first 30 s: the double-click key under the
   * day before's secret, which that day's last double clicks are judged by
   * (src/counting/identity.ts `eventKeys`). Absent otherwise.
   */
  ckp?: string | null;
  receivedAt: Date;
}
