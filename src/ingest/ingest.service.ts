import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode, type ErrorCodeName } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { TrackEventInput } from '../domain/tracking';
import { ResourceType } from '../domain/resources';
import type { LoggedEvent, TrafficClass } from '../domain/logged-event';
import type { Caller } from '../domain/caller';
import { canSeeDataset } from '../auth/visibility';
import type { TrafficClassifier } from '../counting/classify';
import type { CountryLookup } from '../counting/country';
import { eventKeys, hashKey, secretDaysOf, type DaySecret, type KeyPart, type SecretOfDay } from '../counting/identity';
import { utcDay } from '../util/utc-day';
import type { ResourceFacts } from '../store/catalog.repository';
import type { EventLogRepository } from '../store/event-log.repository';
import type { DayIndexDoc } from '../store/event-log.documents';
import { eventKey } from '../store/storage-keys';
import { planDayIndexes } from './day-index';
import { validateEvent, type EventLimits, type ValidEvent } from './validate-event';
import type { IngestCatalog } from './ingest-catalog';
import { GroupCommitter } from './group-commit';
import { storedUrl } from '../privacy/stored-form';
import type { DaySecrets } from './day-secrets';

export type TrackStatus = 'RECORDED' | 'DUPLICATE' | 'REJECTED';

export interface TrackOutcome {
  index: number;
  eventId: string | null;
  status: TrackStatus;
  trafficClass: TrafficClass | null;
  error: { code: ErrorCodeName; message: string } | null;
}

export interface IngestOptions extends EventLimits {
  /** Largest group-commit batch, events. */
  maxBatch: number;
  /** Most events in one request. */
  maxEventsPerRequest: number;
  /** Store URLs with their query string and fragment (`KEEP_URL_QUERY`). */
  keepUrlQuery: boolean;
}

type FlushResult = { status: 'RECORDED' | 'DUPLICATE' } | { status: 'CONFLICT' };

/** A stored flush: its queue entry, day indexes and the events it inserted (not those found already stored). */
export interface StoredFlush {
  queueId: string;
  indexes: DayIndexDoc[];
  inserted: LoggedEvent[];
}

/**
 * Accepts access events: validates them, checks resources and permissions
 * against cached catalog facts, classifies the traffic, and appends them to
 * the event log through a group committer — requests arriving while a
 * flush runs share the next one, so a flush is one `insertMany` whatever the
 * concurrency. Acknowledged means stored in the log; the figures are derived
 * from it by the aggregator (see docs/design.md, "Ingestion").
 */
export class IngestService {
  private readonly committer: GroupCommitter<LoggedEvent, FlushResult>;
  /** The content of each event in flight with an eventId: a retry's is compared with the stored event's (sameContent). */
  private readonly contentOf = new WeakMap<LoggedEvent, ContentFields>();

  constructor(
    private readonly log: EventLogRepository,
    private readonly catalog: IngestCatalog,
    private readonly classifier: TrafficClassifier,
    private readonly countries: CountryLookup | null,
    /** The secrets the events' identity keys are made with (src/counting/identity.ts). */
    private readonly secrets: DaySecrets,
    private readonly options: IngestOptions,
    /** Called after each stored flush with what it inserted (keeps it for the aggregator and wakes it). */
    private readonly onStored: (flush: StoredFlush) => void = () => undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.committer = new GroupCommitter((items) => this.flush(items), { maxBatch: options.maxBatch });
  }

  /** Records events; one outcome per input, in order. */
  async track(inputs: readonly TrackEventInput[], caller: Caller): Promise<TrackOutcome[]> {
    if (inputs.length > this.options.maxEventsPerRequest) {
      throw new GatewayError(ErrorCode.TOO_MANY_EVENTS, `at most ${this.options.maxEventsPerRequest} events per request, got ${inputs.length}`);
    }
    if (caller.kind !== 'user') throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'tracking needs an API key');
    const now = this.clock();
    const outcomes: TrackOutcome[] = inputs.map((input, index) => ({
      index,
      eventId: input.eventId ?? null,
      status: 'REJECTED',
      trafficClass: null,
      error: null,
    }));
    const reject = (i: number, code: ErrorCodeName, message: string): void => {
      outcomes[i].error = { code, message };
    };

    const valid: { index: number; event: ValidEvent }[] = [];
    const seenIds = new Set<string>();
    inputs.forEach((input, index) => {
      const v = validateEvent(input, now, this.options);
      if (!v.ok) return reject(index, v.code, v.message);
      if (caller.role === 'USER' && v.event.userId && v.event.userId !== caller.userId) {
        return reject(index, ErrorCode.FORBIDDEN, 'a USER key may only record its own accesses');
      }
      if (v.event.eventId) {
        if (seenIds.has(v.event.eventId)) {
          return reject(index, ErrorCode.DUPLICATE_IN_REQUEST, `eventId ${v.event.eventId} appears twice in this request`);
        }
        seenIds.add(v.event.eventId);
      }
      valid.push({ index, event: v.event });
    });

    // Catalog facts and users in one cached look-up per type.
    const idsByType = new Map<ResourceType, Set<string>>();
    const userIds = new Set<string>();
    for (const { event: e } of valid) {
      if (!idsByType.has(e.resourceType)) idsByType.set(e.resourceType, new Set());
      idsByType.get(e.resourceType)!.add(e.resourceId);
      const uid = endUserOf(e.userId, caller);
      if (uid) userIds.add(uid);
    }
    const [factsByType, automatedUsers, secretOf] = await Promise.all([
      Promise.all([...idsByType].map(async ([t, ids]) => [t, await this.catalog.resourceFacts(t, [...ids])] as const)).then(
        (pairs) => new Map(pairs),
      ),
      this.catalog.usersAutomated([...userIds]),
      this.secretsOf(valid.map((v) => v.event.timestamp)),
    ]);

    const accepted: { index: number; event: LoggedEvent }[] = [];
    for (const { index, event: e } of valid) {
      const facts = factsByType.get(e.resourceType)?.get(e.resourceId);
      // One answer for "does not exist" and "not yours to track": a caller
      // learns nothing about resources it may not see.
      if (!facts || !mayTrack(facts, caller)) {
        reject(index, ErrorCode.UNKNOWN_RESOURCE, `no ${e.resourceType} with id "${e.resourceId}"`);
        continue;
      }
      const logged = this.toLogged(e, facts, caller, automatedUsers, now, secretOf);
      accepted.push({ index, event: logged });
    }

    if (accepted.length) {
      let results: FlushResult[];
      try {
        results = await this.committer.submit(accepted.map((a) => a.event));
      } catch {
        throw new GatewayError(
          ErrorCode.DATABASE_UNAVAILABLE,
          'the events could not be stored; nothing was acknowledged, retry with the same eventIds',
        );
      }
      accepted.forEach((a, i) => {
        const o = outcomes[a.index];
        const r = results[i];
        o.eventId = a.event.eventId;
        if (r.status === 'CONFLICT') {
          o.error = {
            code: ErrorCode.EVENT_ID_CONFLICT,
            message: `eventId ${a.event.eventId} was already used for a different event; this one was not recorded`,
          };
          return;
        }
        o.status = r.status;
        o.trafficClass = a.event.trafficClass;
      });
    }
    return outcomes;
  }

  /** The secrets of the days events at `times` are keyed with (cached after each day's first read). */
  private async secretsOf(times: readonly Date[]): Promise<SecretOfDay> {
    try {
      return await this.secrets.forDays(secretDaysOf(times));
    } catch {
      throw new GatewayError(ErrorCode.DATABASE_UNAVAILABLE, 'the identity-key secrets could not be read; nothing was recorded, retry with the same eventIds');
    }
  }

  /** Flushes everything queued (graceful shutdown). */
  drain(): Promise<void> {
    return this.committer.drain();
  }

  private toLogged(
    e: ValidEvent,
    facts: ResourceFacts,
    caller: Caller & { kind: 'user' },
    automatedUsers: ReadonlyMap<string, boolean>,
    now: Date,
    secretOf: SecretOfDay,
  ): LoggedEvent {
    const userId = endUserOf(e.userId, caller);
    // A USER key's events are its user's: client-sent session ids and
    // cookies cannot multiply its uniques or dodge the double-click filter.
    const own = caller.role === 'USER';
    const sessionId = own ? null : e.sessionId;
    const userCookie = own ? null : e.userCookie;
    const automated =
      caller.automated || (userId ? automatedUsers.get(userId) === true : false) || e.accessMethod === 'MACHINE';
    const identity = { userId, userCookie, sessionId, ipAddress: e.ipAddress, userAgent: e.userAgent, timestamp: e.timestamp };
    const eventId = e.eventId ?? `gen-${randomUUID()}`;
    const key = eventKey(caller.userId, eventId);
    const logged: LoggedEvent = {
      _id: key,
      scope: caller.userId,
      eventId,
      t: e.timestamp,
      day: utcDay(e.timestamp),
      h: keyedContentHash(contentFields(e), secretOf(utcDay(e.timestamp))),
      portalId: facts.portalIds[0] ?? null,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      action: e.action,
      datasetIds: e.resourceType === ResourceType.FILE ? facts.datasetIds : [],
      userId,
      automated,
      trafficClass: this.classifier.classify(e.userAgent, { automatedAccount: automated }),
      httpStatus: e.httpStatus ?? null,
      bytes: e.bytes ?? null,
      country: e.country ?? (e.ipAddress && this.countries ? this.countries.countryOf(e.ipAddress) : null),
      userAgent: e.userAgent ?? null,
      // Cut after the double-click key below is made from the full URL.
      url: storedUrl(e.url, this.options.keepUrlQuery === true),
      // Per sender; a USER key's URL does not split its clicks (src/counting/identity.ts).
      ...eventKeys({ ...identity, scope: caller.userId, resourceType: e.resourceType, resourceId: e.resourceId, action: e.action, url: e.url, ownAccess: own }, key, secretOf),
      receivedAt: now,
    };
    if (e.eventId) this.contentOf.set(logged, contentFields(e));
    return logged;
  }

  /**
   * Whether the stored event with this id has this new event's content.
   * Its `h` is keyed with the secret of *its* day: a retry that left its
   * timestamp out may fall on the next day. Stored under a secret since
   * destroyed (a re-import of an archived day makes a new one), it cannot
   * be compared, and the stored event, first with this id, stands: a
   * duplicate. Stored before keyed hashing: compared unkeyed.
   */
  private async sameContent(prior: LoggedEvent, e: LoggedEvent): Promise<boolean> {
    if (prior.h === e.h) return true;
    const fields = this.contentOf.get(e);
    if (!fields) return false;
    if (!prior.h.startsWith('h:')) return prior.h === unkeyedContentHash(fields);
    const day = utcDay(prior.t);
    const again = keyedContentHash(fields, (await this.secrets.forDays([day]))(day));
    if (secretTagOf(prior.h) !== undefined && secretTagOf(prior.h) !== secretTagOf(again)) return true;
    return again === prior.h;
  }

  private async flush(items: LoggedEvent[]): Promise<FlushResult[]> {
    const flushId = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    // The same key twice in one flush (concurrent retries): the first is
    // stored, the others are duplicates of it (or conflicts).
    const first = new Map<string, LoggedEvent>();
    for (const e of items) if (!first.has(e._id)) first.set(e._id, e);
    const unique = [...first.values()];

    const { indexes, queue } = planDayIndexes(unique, flushId);
    const dupPositions = await this.log.append(unique, indexes, queue);
    const stored = dupPositions.size ? new Map((await this.log.events([...dupPositions].map((i) => unique[i]._id))).map((e) => [e._id, e])) : new Map();
    this.onStored({ queueId: queue._id, indexes, inserted: dupPositions.size ? unique.filter((_, i) => !dupPositions.has(i)) : unique });

    const resultOf = new Map<string, FlushResult>();
    for (const [i, e] of unique.entries()) {
      if (!dupPositions.has(i)) {
        resultOf.set(e._id, { status: 'RECORDED' });
        continue;
      }
      const prior = stored.get(e._id);
      resultOf.set(e._id, prior && !(await this.sameContent(prior, e)) ? { status: 'CONFLICT' } : { status: 'DUPLICATE' });
    }
    return items.map((e) => {
      const original = first.get(e._id)!;
      if (original === e) return resultOf.get(e._id)!;
      return original.h === e.h ? { status: 'DUPLICATE' } : { status: 'CONFLICT' };
    });
  }
}

/** Whose access an event is: the stated user, else a USER key's own user. */
function endUserOf(stated: string | null | undefined, caller: Caller): string | null {
  return stated ?? (caller.kind === 'user' && caller.role === 'USER' ? caller.userId : null);
}

/**
 * Who may record an event on a resource: an ADMIN on any; a TRACKER on its
 * portals' resources, unpublished and private ones included (collections,
 * which belong to no portal, to any tracker); a USER on what it may see.
 */
function mayTrack(facts: ResourceFacts, caller: Caller & { kind: 'user' }): boolean {
  if (caller.role === 'ADMIN') return true;
  if (caller.role === 'TRACKER') {
    if (!caller.portalIds) return true;
    return facts.portalIds.length === 0 || facts.portalIds.some((p) => caller.portalIds!.includes(p));
  }
  return facts.datasets.some((d) => canSeeDataset(d, caller));
}

/** An event's content as the client sent it (a timestamp it left out stays out, so "now" differing is no conflict). */
type ContentFields = (string | number | null)[];

function contentFields(e: ValidEvent): ContentFields {
  return [
    e.resourceType,
    e.resourceId,
    e.action,
    e.userId ?? null,
    e.sentTimestamp ? e.sentTimestamp.toISOString() : null,
    e.userAgent ?? null,
    e.ipAddress ?? null,
    e.sessionId ?? null,
    e.userCookie ?? null,
    e.url ?? null,
    e.httpStatus ?? null,
    e.bytes ?? null,
    e.country,
    e.accessMethod ?? null,
  ];
}

/**
 * `h`: the content hash a retry is compared by (same content: a duplicate;
 * other content: a conflict). It covers the IP address, cookie and session
 * id, so it is keyed with the secret of the event's day like the identity
 * keys (docs/privacy.md): once the secret is destroyed it reveals nothing.
 * After a `.`, six characters tell that day's secrets apart (an HMAC of a
 * constant: they reveal nothing of the secret), for {@link IngestService}
 * `sameContent`.
 */
function keyedContentHash(fields: ContentFields, secret: DaySecret): string {
  const parts: KeyPart[] = fields.map((v) => (typeof v === 'number' ? String(v) : v));
  return `${hashKey('h', parts, secret)}.${hashKey('t', [], secret).slice(2, 8)}`;
}

function secretTagOf(h: string): string | undefined {
  return h.split('.')[1];
}

/**
 * The unkeyed content hash that versions before keyed hashing stored as `h`
 * (22 characters, no `h:` prefix), byte for byte. REMOVE (with
 * {@link legacyContentHash} and the unkeyed branch of `sameContent`) once
 * retention has passed since 2026-12-02, not MAX_EVENT_AGE_DAYS: a retry
 * without a timestamp is dated "now" and meets its stored twin as long as
 * the twin is kept (docs/legacy-reads.md).
 */
function unkeyedContentHash(fields: ContentFields): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 22);
}

/** {@link unkeyedContentHash} of an event (tests write legacy events with it). */
export function legacyContentHash(e: ValidEvent): string {
  return unkeyedContentHash(contentFields(e));
}
