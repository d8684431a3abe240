import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Dataset, File } from './catalog.types';
import { UsageStats, toUsageStats } from './usage-stats.type';
import { ResourceType } from './enums';
import type { GatewayContext } from './context';
import type { DatasetDoc, FileDoc } from '../store/catalog.documents';
import { usageKey } from '../loaders/create-loaders';
import { canSeeDataset } from '../auth/visibility';
import { present } from './present';

/** The datasets of a file the caller may see. */
async function visibleDatasets(f: FileDoc, ctx: GatewayContext): Promise<DatasetDoc[]> {
  return present(await ctx.loaders.dataset.loadMany(f.datasetIds)).filter((d) => canSeeDataset(d, ctx.caller));
}

@Resolver(() => File)
export class FileResolver {
  @Query(() => File, { nullable: true, description: 'A file by id; null when missing or when none of its datasets is visible to the caller.' })
  async file(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<FileDoc | null> {
    const f = await ctx.loaders.file.load(id);
    if (!f) return null;
    return (await visibleDatasets(f, ctx)).length ? f : null;
  }

  @FieldResolver(() => UsageStats)
  async stats(@Root() f: FileDoc, @Ctx() ctx: GatewayContext): Promise<UsageStats> {
    const key = usageKey(ResourceType.FILE, f._id);
    return toUsageStats(await ctx.loaders.usageTotals.load(key), [key]);
  }

  @FieldResolver(() => [Dataset], { description: 'Parent datasets the caller may see.' })
  datasets(@Root() f: FileDoc, @Ctx() ctx: GatewayContext): Promise<DatasetDoc[]> {
    return visibleDatasets(f, ctx);
  }
}
