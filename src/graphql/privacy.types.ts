import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';

@InputType({
  description:
    'One end user of one sender: a user id, a user cookie, or both. User ids and cookies are the sender\'s own values (one portal\'s "reader-1" is not another\'s): name the sender, or set allSenders.',
})
export class EndUserInput {
  @Field(() => ID, { nullable: true, description: 'The end user\'s id, as the sender sent it (`userId` of trackAccess).' })
  userId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The user cookie the sender sent. Stored nowhere: matched through the events\' keys while their days\' identity secrets exist.',
  })
  cookie?: string | null;

  @Field(() => ID, { nullable: true, description: 'The sender: the user behind the API key that sent the events.' })
  sender?: string | null;

  @Field({ defaultValue: false, description: 'Every sender instead of one (exclusive with sender).' })
  allSenders!: boolean;
}

@ObjectType({ description: 'Events of a day.' })
export class DayEventCount {
  @Field() day!: string;
  @Field(() => Int) events!: number;
}

@ObjectType({ description: 'Events of a sender.' })
export class SenderEventCount {
  @Field(() => ID) sender!: string;
  @Field(() => Int) events!: number;
}

@ObjectType({ description: 'An all-time counter of a resource, before and after.' })
export class CounterChange {
  @Field({ description: 'The counter, as in the usage table (views, downloads, uniqueInvestigations, …).' }) counter!: string;
  @Field(() => Int) before!: number;
  @Field(() => Int) after!: number;
}

@ObjectType({ description: 'A resource whose figures the removed events counted in.' })
export class ResourceFigureChange {
  @Field() resourceType!: string;
  @Field(() => ID) resourceId!: string;
  @Field(() => [CounterChange], { description: 'The counters that changed (none: unchanged, or a dry run).' }) changes!: CounterChange[];
}

@ObjectType({ description: 'What forgetEndUser removed (or, with dryRun, would remove) and what changed.' })
export class ForgetEndUserResult {
  @Field({ description: 'The id of the audit record (privacy_audit), to give to the person or file with the request. The record names no one.' })
  receipt!: string;
  @Field() dryRun!: boolean;
  @Field(() => ID, { nullable: true, description: 'The sender; null: every sender.' }) sender!: string | null;
  @Field(() => Int, { description: 'Events removed (dry run: found).' }) events!: number;
  @Field(() => [DayEventCount]) perDay!: DayEventCount[];
  @Field(() => [SenderEventCount]) perSender!: SenderEventCount[];
  @Field(() => [String], { description: 'Days recounted: the events\' own, and the day before for events of a day\'s first 30 s.' }) daysRecounted!: string[];
  @Field(() => [ResourceFigureChange], { description: 'All-time figures of the resources concerned, before → after.' }) resources!: ResourceFigureChange[];
  @Field(() => Int, { description: 'Per-user all-time figures left with nothing, hence deleted.' }) userFiguresRemoved!: number;
  @Field(() => String, {
    nullable: true,
    description: 'With a cookie: the first day whose events can still be linked to it (its identity secret exists). Events of earlier days can no longer be linked to the cookie by anyone and are left as they are. Null: no secret left.',
  })
  cookieLinkableFrom!: string | null;
}

@ObjectType({ description: 'Every stored field of one end user\'s events (an access request).' })
export class EndUserEventExport {
  @Field({ description: 'The id of the audit record (privacy_audit).' }) receipt!: string;
  @Field(() => Int) count!: number;
  @Field(() => [JSONObjectResolver], { description: 'The stored events, oldest first, every field (as the event log holds them; dates ISO 8601).' })
  events!: Record<string, unknown>[];
  @Field(() => String, { nullable: true, description: 'With a cookie: as in ForgetEndUserResult.' }) cookieLinkableFrom!: string | null;
}

@ObjectType({ description: 'One erasure or access request as the audit keeps it (privacy_audit). Names no end user: no user id, no cookie, no hash of them.' })
export class PrivacyAuditRecord {
  @Field({ name: 'receipt', description: 'The id given back by the request.' }) _id!: string;
  @Field(() => DateTimeResolver, { description: 'When it started.' }) at!: Date;
  @Field({ description: 'forget, forget-dry-run or export.' }) action!: string;
  @Field({ description: 'The admin\'s user id, or cli:<operating-system user>.' }) by!: string;
  @Field({ description: 'graphql or cli.' }) via!: string;
  @Field(() => ID, { nullable: true, description: 'The sender; null: every sender.' }) sender!: string | null;
  @Field(() => [String], { description: 'Which kinds of identifier the request named (userId, cookie), never their values.' }) identifiers!: string[];
  @Field({ description: 'running, done or failed. A request that outlasted its HTTP time budget is running, then done.' }) status!: string;
  @Field(() => DateTimeResolver, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int, { description: 'Events removed, found (dry run) or given out.' }) events!: number;
  @Field(() => Int) daysRecounted!: number;
}
