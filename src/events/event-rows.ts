/**
 * Rows of the raw event export (CSV and JSON Lines). Pure.
 *
 * Fields follow Opendatasoft's `ods-api-monitoring` export where the
 * gateway has them (timestamp, user, dataset, action, user agent, bot
 * flag, …), with snake_case names shared by both formats. The last columns
 * (`event_id`, `scope`, `automated`, `click_key`, `session_key`,
 * `content_hash`, `ua_rules`) make a JSON Lines export importable again with identical
 * figures (`import-events`), and let a sender's later retry of an event be
 * recognised as a duplicate; the keys are hashes of the COUNTER identity,
 * never an IP.
 */
import type { LoggedEvent } from '../domain/logged-event';
import { spreadsheetDateTime } from '../dates/date-input';
import { utcDay } from '../util/utc-day';

export const EVENT_EXPORT_COLUMNS = Object.freeze([
  'timestamp',
  'portal',
  'resource_type',
  'resource_id',
  'dataset_ids',
  'action',
  'user_id',
  'traffic_class',
  'bot',
  'country',
  'http_status',
  'bytes',
  'user_agent',
  'url',
  'event_id',
  'scope',
  'automated',
  'click_key',
  'session_key',
  'click_key_previous_day',
  'content_hash',
  'ua_rules',
] as const);

export type EventExportColumn = (typeof EVENT_EXPORT_COLUMNS)[number];

/** The JSON Lines record of an event: ISO 8601 time with milliseconds, lists as arrays, nulls kept. */
export function eventJson(e: LoggedEvent): Record<EventExportColumn, unknown> {
  return {
    timestamp: e.t.toISOString(),
    portal: e.portalId,
    resource_type: e.resourceType,
    resource_id: e.resourceId,
    dataset_ids: e.datasetIds ?? [],
    action: e.action,
    user_id: e.userId,
    traffic_class: e.trafficClass,
    bot: e.trafficClass === 'robot',
    country: e.country,
    http_status: e.httpStatus,
    bytes: e.bytes,
    user_agent: e.userAgent,
    url: e.url,
    event_id: e.eventId,
    scope: e.scope,
    automated: e.automated,
    click_key: e.ck,
    session_key: e.sk,
    click_key_previous_day: e.ckp ?? null,
    content_hash: e.h,
    ua_rules: e.uaRules ?? null,
  };
}

/** The CSV record: the same fields; time as `YYYY-MM-DD HH:MM:SS` UTC (a date to spreadsheets), lists comma-joined. */
export function eventCsv(e: LoggedEvent): Record<string, unknown> {
  const r = eventJson(e) as Record<string, unknown>;
  r.timestamp = spreadsheetDateTime(e.t);
  r.dataset_ids = (e.datasetIds ?? []).join(',');
  return r;
}

/** A JSON Lines record back to a stored event (import-events). Throws Error with the reason when malformed. */
export function eventFromJson(rec: Record<string, unknown>): Omit<LoggedEvent, '_id' | 'receivedAt' | 'h'> & { h: string | null } {
  const str = (k: string, required = false): string | null => {
    const v = rec[k];
    if (v === null || v === undefined || v === '') {
      if (required) throw new Error(`${k} is missing`);
      return null;
    }
    if (typeof v !== 'string') throw new Error(`${k} must be a string`);
    return v;
  };
  const num = (k: string): number | null => {
    const v = rec[k];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${k} must be a number`);
    return v;
  };
  const t = new Date(str('timestamp', true)!);
  if (Number.isNaN(t.getTime())) throw new Error('timestamp is not a date');
  const trafficClass = str('traffic_class', true) as LoggedEvent['trafficClass'];
  if (!['regular', 'machine', 'robot'].includes(trafficClass)) throw new Error('traffic_class must be regular, machine or robot');
  const uaRules = num('ua_rules');
  if (uaRules !== null && !(Number.isInteger(uaRules) && uaRules >= 0)) throw new Error('ua_rules must be a rule set version (an integer >= 0) or null');
  const ids = rec.dataset_ids;
  if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new Error('dataset_ids must be an array of strings');
  return {
    scope: str('scope', true)!,
    eventId: str('event_id', true)!,
    t,
    day: utcDay(t),
    portalId: str('portal'),
    resourceType: str('resource_type', true) as LoggedEvent['resourceType'],
    resourceId: str('resource_id', true)!,
    action: str('action', true) as LoggedEvent['action'],
    datasetIds: ids as string[],
    userId: str('user_id'),
    automated: rec.automated === true,
    trafficClass,
    httpStatus: num('http_status'),
    bytes: num('bytes'),
    country: str('country'),
    userAgent: str('user_agent'),
    url: str('url'),
    ck: str('click_key', true)!,
    sk: str('session_key', true)!,
    // Only events of a day's first 30 s have one (src/counting/identity.ts); older exports lack the column.
    ...(str('click_key_previous_day') === null ? {} : { ckp: str('click_key_previous_day')! }),
    h: str('content_hash'),
    // A reduced event keeps the class decided while its agent was known (src/privacy/stored-form.ts).
    ...(uaRules === null ? {} : { uaRules }),
  };
}
