import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Theme } from './catalog.types';
import { DatasetConnection } from './catalog-connections.types';
import { connectionFromArray } from './connection';
import { PageArgs } from './dataset.resolver';
import type { GatewayContext } from './context';
import type { ThemeDoc } from '../store/catalog.documents';
import { canSeeDataset } from '../auth/visibility';

@Resolver(() => Theme)
export class ThemeResolver {
  @Query(() => [Theme], { description: 'Every theme, by name.' })
  themes(@Ctx() ctx: GatewayContext): Promise<ThemeDoc[]> {
    return ctx.services.catalogQueries.themes();
  }

  @FieldResolver(() => DatasetConnection)
  async datasets(@Root() t: ThemeDoc, @Args() { first, after }: PageArgs, @Ctx() ctx: GatewayContext) {
    const all = (await ctx.loaders.datasetsOfTheme.load(t._id)).filter((d) => canSeeDataset(d, ctx.caller));
    return connectionFromArray(all, first, after);
  }
}
