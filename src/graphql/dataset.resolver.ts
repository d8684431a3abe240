import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from 'type-graphql';
import { Collection, Dataset, Portal, Space, Theme, User } from './catalog.types';
import { DatasetConnection, FileConnection } from './catalog-connections.types';
import { type ConnectionShape, connectionFromArray, connectionFromPage, decodeCursor, pageSize } from './connection';
import { UsageStats, toUsageStats } from './usage-stats.type';
import { Visibility, ResourceType } from './enums';
import type { GatewayContext } from './context';
import type { DatasetDoc, FileDoc } from '../store/catalog.documents';
import { usageKey } from '../loaders/create-loaders';
import { canSeeDataset, canSeeOwner } from '../auth/visibility';
import { present } from './present';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 0-500. Default 50.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor: the `endCursor` of the previous page.' })
  after?: string | null;
}

@InputType({ description: 'Filters for `datasets`; all given conditions must hold.' })
export class DatasetFilter {
  @Field(() => ID, { nullable: true })
  portalId?: string | null;

  @Field(() => ID, { nullable: true })
  themeId?: string | null;

  @Field(() => ID, { nullable: true })
  collectionId?: string | null;

  @Field(() => ID, { nullable: true })
  spaceId?: string | null;

  @Field(() => Visibility, { nullable: true })
  visibility?: Visibility | null;

  @Field(() => Boolean, { nullable: true })
  published?: boolean | null;
}

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => Dataset, { nullable: true, description: 'A dataset by id; null when it does not exist or is hidden from the caller.' })
  async dataset(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<DatasetDoc | null> {
    const d = await ctx.loaders.dataset.load(id);
    return d && canSeeDataset(d, ctx.caller) ? d : null;
  }

  @Query(() => DatasetConnection, { description: 'Datasets the caller may see, by id.' })
  async datasets(
    @Args() { first, after }: PageArgs,
    @Arg('filter', () => DatasetFilter, { nullable: true }) filter: DatasetFilter | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ConnectionShape<DatasetDoc>> {
    const page = await ctx.services.catalogQueries.datasets(ctx.caller, filter ?? {}, pageSize(first), decodeCursor(after));
    return connectionFromPage(page.nodes, page.hasNextPage, page.totalCount);
  }

  @FieldResolver(() => UsageStats)
  async stats(@Root() d: DatasetDoc, @Ctx() ctx: GatewayContext): Promise<UsageStats> {
    const key = usageKey(ResourceType.DATASET, d._id);
    return toUsageStats(await ctx.loaders.usageTotals.load(key), [key]);
  }

  @FieldResolver(() => FileConnection)
  async files(@Root() d: DatasetDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext): Promise<ConnectionShape<FileDoc>> {
    return connectionFromArray(await ctx.loaders.filesOfDataset.load(d._id), first, after);
  }

  @FieldResolver(() => [Collection])
  async collections(@Root() d: DatasetDoc, @Ctx() ctx: GatewayContext) {
    return present(await ctx.loaders.collection.loadMany(d.collectionIds));
  }

  @FieldResolver(() => [Space])
  async spaces(@Root() d: DatasetDoc, @Ctx() ctx: GatewayContext) {
    return present(await ctx.loaders.space.loadMany(d.spaceIds));
  }

  @FieldResolver(() => [Theme])
  async themes(@Root() d: DatasetDoc, @Ctx() ctx: GatewayContext) {
    return present(await ctx.loaders.theme.loadMany(d.themeIds));
  }

  @FieldResolver(() => Portal, { nullable: true })
  portal(@Root() d: DatasetDoc, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.portal.load(d.portalId);
  }

  @FieldResolver(() => User, {
    nullable: true,
    description:
      'Who owns it. Null when it has no owner, and for anonymous callers and TRACKER keys unless its portal has `publicOwnerNames` (owners are people: docs/permissions.md).',
  })
  async owner(@Root() d: DatasetDoc, @Ctx() ctx: GatewayContext) {
    if (!d.ownerId) return null;
    const portal = await ctx.loaders.portal.load(d.portalId);
    return canSeeOwner(portal, ctx.caller) ? ctx.loaders.user.load(d.ownerId) : null;
  }
}
