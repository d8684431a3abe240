import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Space } from './catalog.types';
import { CollectionConnection, DatasetConnection } from './catalog-connections.types';
import { connectionFromArray } from './connection';
import { PageArgs } from './dataset.resolver';
import type { GatewayContext } from './context';
import type { SpaceDoc } from '../store/catalog.documents';
import { canSeeDataset } from '../auth/visibility';

@Resolver(() => Space)
export class SpaceResolver {
  @Query(() => Space, { nullable: true })
  space(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.space.load(id);
  }

  @FieldResolver(() => DatasetConnection, { description: 'Datasets shared in this space the caller may see.' })
  async datasets(@Root() s: SpaceDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    const all = (await ctx.loaders.datasetsOfSpace.load(s._id)).filter((d) => canSeeDataset(d, ctx.caller));
    return connectionFromArray(all, first, after);
  }

  @FieldResolver(() => CollectionConnection)
  async collections(@Root() s: SpaceDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    return connectionFromArray(await ctx.loaders.collectionsOfSpace.load(s._id), first, after);
  }
}
