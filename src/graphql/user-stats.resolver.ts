import { Arg, Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { NonNegativeIntResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import type { GatewayContext } from './context';
import { User } from './catalog.types';
import { parseWindow } from '../reports/report-params';

@ObjectType({
  description:
    "A signed-in user's regular (human) use of datasets — a file's use counts for its datasets — all-time or in a since/until window. " +
    'Same figures as the dataset by-user report (CSV: datasets_by_user).',
})
export class UserUsageStats {
  @Field(() => NonNegativeIntResolver, { description: 'CSV: views.' })
  views!: number;

  @Field(() => NonNegativeIntResolver, { description: 'CSV: downloads.' })
  downloads!: number;

  @Field(() => NonNegativeIntResolver, { description: 'CSV: api_calls.' })
  apiCalls!: number;

  @Field(() => Int, { description: 'Datasets with any use.' })
  datasets!: number;

  @Field(() => DateTimeResolver, { nullable: true, description: 'CSV: last_viewed. Day-precise with a window.' })
  lastViewedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'CSV: last_downloaded. Day-precise with a window.' })
  lastDownloadedAt!: Date | null;
}

@Resolver(() => User)
export class UserStatsResolver {
  @FieldResolver(() => UserUsageStats, {
    nullable: true,
    description: 'The user’s own use of datasets. Admins see anyone’s; a user sees their own; null for everyone else.',
  })
  async stats(
    @Root() user: User,
    @Ctx() ctx: GatewayContext,
    @Arg('since', () => String, { nullable: true, description: 'From this month, day or instant (UTC).' }) since?: string | null,
    @Arg('until', () => String, { nullable: true, description: 'To the end of this month, day or instant (inclusive).' }) until?: string | null,
  ): Promise<UserUsageStats | null> {
    const c = ctx.caller;
    if (c.kind !== 'user' || (c.role !== 'ADMIN' && c.userId !== user._id)) return null;
    return ctx.services.reports.userStats(user._id, parseWindow(since, until));
  }
}
