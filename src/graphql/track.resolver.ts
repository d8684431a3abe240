import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import { AccessAction, AccessMethod, ResourceType } from './enums';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { GatewayError } from '../errors/gateway-error';
import type { TrackOutcome } from '../ingest/ingest.service';

@InputType({ description: 'One access event sent by a portal.' })
export class TrackAccessInput {
  @Field(() => ResourceType) resourceType!: ResourceType;
  @Field(() => ID) resourceId!: string;
  @Field(() => AccessAction) action!: AccessAction;

  @Field(() => ID, {
    nullable: true,
    description: 'The end user, when known: any id of the portal\'s (it need not be registered; upsertUsers adds names later). A USER key records its own user.',
  })
  userId?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it happened. Default: now. Must be within the accepted window.' })
  timestamp?: Date | null;

  @Field(() => String, { nullable: true, description: 'The end user\'s user agent (robot/machine classification).' })
  userAgent?: string | null;

  @Field(() => String, { nullable: true, description: 'The end user\'s IP; only hashed into a session key, never stored.' })
  ipAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'The portal\'s session cookie / session id (COUNTER "session cookie"): unique counts are per session and day.' })
  sessionId?: string | null;

  @Field(() => String, { nullable: true, description: 'A long-lived browser cookie (COUNTER "user cookie"); identifies a visitor without a user id.' })
  userCookie?: string | null;

  @Field(() => String, { nullable: true, description: 'The URL or item requested; double clicks are filtered per item (CoP-RD §10).' })
  url?: string | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the access. Only 200 and 304 are counted; others are tallied as failedEvents.' })
  httpStatus?: number | null;

  @Field(() => SafeIntResolver, { nullable: true, description: 'Bytes delivered (COUNTER volume of requests).' })
  bytes?: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country of the user. When absent it is derived from ipAddress (GeoLite2).' })
  country?: string | null;

  @Field(() => AccessMethod, { nullable: true, description: 'The portal\'s own knowledge of the access method: MACHINE counts as machine traffic.' })
  accessMethod?: AccessMethod | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Unique id of this event, per sender. A retry with the same eventId, on any instance, is counted once (DUPLICATE); a retry with different content is refused (EVENT_ID_CONFLICT). Strongly recommended.',
  })
  eventId?: string | null;
}

@ObjectType()
export class TrackError {
  @Field() code!: string;
  @Field() message!: string;
}

@ObjectType({ description: 'The outcome of one event.' })
export class TrackAccessResult {
  @Field(() => Int, { description: 'Position in the request.' }) index!: number;
  @Field(() => ID, { nullable: true }) eventId!: string | null;
  @Field({ description: 'RECORDED, DUPLICATE (already recorded: counted once) or REJECTED.' }) status!: string;
  @Field(() => String, { nullable: true, description: 'regular, machine or robot.' }) trafficClass!: string | null;
  @Field(() => TrackError, { nullable: true }) error!: TrackError | null;
}

@ObjectType()
export class TrackAccessesPayload {
  @Field(() => Int) recorded!: number;
  @Field(() => Int) duplicates!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => [TrackAccessResult]) results!: TrackAccessResult[];
}

@Resolver()
export class TrackResolver {
  @Mutation(() => TrackAccessResult, {
    description: 'Records one access event. Errors (unknown resource, bad timestamp…) are GraphQL errors with a stable code; nothing is written.',
  })
  async trackAccess(@Arg('input', () => TrackAccessInput) input: TrackAccessInput, @Ctx() ctx: GatewayContext): Promise<TrackOutcome> {
    requireRole(ctx, 'TRACKER', 'ADMIN', 'USER');
    ctx.limits?.trackEvents(ctx.caller, 1);
    const [outcome] = await ctx.services.ingest.track([input], ctx.caller);
    if (outcome.error) throw new GatewayError(outcome.error.code, outcome.error.message);
    return outcome;
  }

  @Mutation(() => TrackAccessesPayload, {
    description: 'Records a batch. Each event gets its own outcome; valid events are stored even when others are rejected.',
  })
  async trackAccesses(
    @Arg('inputs', () => [TrackAccessInput]) inputs: TrackAccessInput[],
    @Ctx() ctx: GatewayContext,
  ): Promise<TrackAccessesPayload> {
    requireRole(ctx, 'TRACKER', 'ADMIN', 'USER');
    // The budget counts events, not requests (TRACK_EVENTS_PER_MINUTE*).
    ctx.limits?.trackEvents(ctx.caller, inputs.length);
    const results = await ctx.services.ingest.track(inputs, ctx.caller);
    return {
      recorded: results.filter((r) => r.status === 'RECORDED').length,
      duplicates: results.filter((r) => r.status === 'DUPLICATE').length,
      rejected: results.filter((r) => r.status === 'REJECTED').length,
      results,
    };
  }
}
