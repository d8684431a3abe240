import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { File } from './catalog.types';
import { USAGE_SERIES, UsageSeries, UsageSeriesArgs } from './dashboard.types';
import type { GatewayContext } from './context';
import { checkDateRange } from './date-range';
import type { FileDoc } from '../store/catalog.documents';
import type { UsageSeriesResult } from '../dashboard/dashboard.service';

@Resolver(() => File)
export class FileUsageResolver {
  @FieldResolver(() => UsageSeries, { description: `${USAGE_SERIES}: the use of this file alone (its datasets count it too).` })
  usage(@Root() f: FileDoc, @Args() { from, to, granularity }: UsageSeriesArgs, @Ctx() ctx: GatewayContext): Promise<UsageSeriesResult> {
    checkDateRange({ from, to });
    return ctx.services.dashboard.usageSeries(f._id, from, to, granularity, ctx.loaders.memo, 'FILE');
  }
}
