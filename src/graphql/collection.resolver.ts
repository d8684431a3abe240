import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Collection, Space } from './catalog.types';
import { CollectionConnection, DatasetConnection } from './connections';
import { connectionFromArray, connectionFromPage, decodeCursor, pageSize } from './connection';
import { UsageStats, toUsageStats } from './usage-stats.type';
import { ResourceType } from './enums';
import { PageArgs } from './dataset.resolver';
import type { GatewayContext } from './context';
import type { CollectionDoc } from '../store/documents';
import { resourceKey } from '../domain/resources';
import { canSeeDataset } from '../auth/visibility';
import { present } from './present';

@ArgsType()
class CollectionsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only collections in this space.' })
  spaceId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only top-level collections (no parent).' })
  rootsOnly?: boolean | null;
}

@Resolver(() => Collection)
export class CollectionResolver {
  @Query(() => Collection, { nullable: true })
  collection(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.collection.load(id);
  }

  @Query(() => CollectionConnection, { description: 'Collections, by id.' })
  async collections(@Args() { first, after, spaceId, rootsOnly }: CollectionsArgs, @Ctx() ctx: GatewayContext) {
    const page = await ctx.services.catalogQueries.collections(
      { spaceId: spaceId ?? null, rootsOnly: rootsOnly ?? false },
      pageSize(first),
      decodeCursor(after),
    );
    return connectionFromPage(page.nodes, page.hasNextPage, page.totalCount);
  }

  @FieldResolver(() => UsageStats)
  async stats(@Root() c: CollectionDoc, @Ctx() ctx: GatewayContext): Promise<UsageStats> {
    return toUsageStats(await ctx.loaders.usageTotals.load(resourceKey(ResourceType.COLLECTION, c._id)));
  }

  @FieldResolver(() => DatasetConnection, { description: 'Datasets in this collection the caller may see.' })
  async datasets(@Root() c: CollectionDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    const all = (await ctx.loaders.datasetsOfCollection.load(c._id)).filter((d) => canSeeDataset(d, ctx.caller));
    return connectionFromArray(all, first, after);
  }

  @FieldResolver(() => [Collection])
  async parentCollections(@Root() c: CollectionDoc, @Ctx() ctx: GatewayContext) {
    return present(await ctx.loaders.collection.loadMany(c.parentCollectionIds));
  }

  @FieldResolver(() => CollectionConnection)
  async childCollections(@Root() c: CollectionDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    return connectionFromArray(await ctx.loaders.childCollections.load(c._id), first, after);
  }

  @FieldResolver(() => [Space])
  async spaces(@Root() c: CollectionDoc, @Ctx() ctx: GatewayContext) {
    return present(await ctx.loaders.space.loadMany(c.spaceIds));
  }
}
