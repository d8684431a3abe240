import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Collection, Space } from './catalog.types';
import { CollectionConnection, DatasetConnection } from './catalog-connections.types';
import { connectionFromArray, connectionFromPage, decodeCursor, pageSize } from './connection';
import { UsageStats, toUsageStats } from './usage-stats.type';
import { ResourceType } from './enums';
import { PageArgs } from './dataset.resolver';
import type { GatewayContext } from './context';
import type { CollectionDoc } from '../store/catalog.documents';
import { usageKey } from '../loaders/create-loaders';
import { sumUsage } from '../domain/counters';
import { canSeeDataset } from '../auth/visibility';
import { present } from './present';

@ArgsType()
class CollectionsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only collections in this space.' })
  spaceId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only top-level collections (no parent).' })
  rootsOnly?: boolean | null;
}

/** A collection and every collection under it (cycles are tolerated). */
export function descendantsOf(root: string, parents: ReadonlyMap<string, string[]>): string[] {
  const children = new Map<string, string[]>();
  for (const [id, ps] of parents) for (const p of ps) children.set(p, [...(children.get(p) ?? []), id]);
  const seen = new Set<string>([root]);
  const todo = [root];
  while (todo.length) for (const ch of children.get(todo.pop()!) ?? []) if (!seen.has(ch)) (seen.add(ch), todo.push(ch));
  return [...seen];
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
    const key = usageKey(ResourceType.COLLECTION, c._id);
    return toUsageStats(await ctx.loaders.usageTotals.load(key), [key]);
  }

  @FieldResolver(() => UsageStats, {
    description:
      'Use of everything under this collection: its own page and its sub-collections\' (stats), plus every dataset the caller may see in any of them, files included (each dataset once). Uniques are summed per dataset, as COUNTER reports them.',
  })
  async subtreeStats(@Root() c: CollectionDoc, @Ctx() ctx: GatewayContext): Promise<UsageStats> {
    const links = await ctx.loaders.collectionLinks();
    const under = descendantsOf(c._id, links);
    const datasets = (await ctx.loaders.datasetsOfCollection.loadMany(under)).flatMap((r) => (r instanceof Error ? [] : r));
    const visible = [...new Map(datasets.filter((d) => canSeeDataset(d, ctx.caller)).map((d) => [d._id, d])).keys()];
    const keys = [...under.map((id) => usageKey(ResourceType.COLLECTION, id)), ...visible.map((id) => usageKey(ResourceType.DATASET, id))];
    const docs = await ctx.loaders.usageTotals.loadMany(keys);
    const found = docs.map((d) => (d instanceof Error ? null : d));
    return toUsageStats(sumUsage(found) as never, keys);
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
