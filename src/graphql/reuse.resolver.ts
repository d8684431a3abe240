import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Dataset, User } from './catalog.types';
import { RegisterReuseInput, Reuse, UpdateReuseInput } from './reuse.types';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { present } from './present';
import { canSeeDataset } from '../auth/visibility';
import { canSeeReuse } from '../dashboard/reuse.service';
import type { DatasetDoc, UserDoc } from '../store/catalog.documents';
import type { ReuseDoc } from '../store/reuse.documents';

@Resolver(() => Reuse)
export class ReuseResolver {
  @Query(() => Reuse, { nullable: true, description: 'A reuse by id; null when it does not exist or is hidden from the caller.' })
  async reuse(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<ReuseDoc | null> {
    const r = await ctx.loaders.reuse.load(id);
    if (!r) return null;
    const datasets = present(await ctx.loaders.dataset.loadMany(r.datasetIds));
    return canSeeReuse(r, datasets, ctx.caller) ? r : null;
  }

  @Mutation(() => Reuse, {
    description:
      'Registers a reuse (ADMIN or USER). Every dataset must exist and be visible to the caller, else ' +
      'UNKNOWN_REFERENCE and nothing is written. Idempotent: a reuse is identified by its datasets and its ' +
      'normalised URL (host case, http/https, default port, fragment, trailing slash, tracking parameters and ' +
      'parameter order do not matter; path case does). Registering a URL again for datasets it already covers ' +
      'returns the existing reuse unchanged, whoever registered it; for some of them only, DUPLICATE_REUSE.',
  })
  registerReuse(@Arg('input', () => RegisterReuseInput) input: RegisterReuseInput, @Ctx() ctx: GatewayContext): Promise<ReuseDoc> {
    requireRole(ctx, 'ADMIN', 'USER');
    ctx.limits?.reuseRegistration(ctx.caller);
    return ctx.services.reuses.register(ctx.caller, { ...input, url: input.url.toString() });
  }

  @Mutation(() => Reuse, {
    description:
      'Changes a reuse: ADMIN any, USER only the reuses they authored. A url or datasetIds that would make it the ' +
      'same reuse as another (same normalised URL for a shared dataset) is DUPLICATE_REUSE and nothing is written.',
  })
  updateReuse(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateReuseInput) input: UpdateReuseInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<ReuseDoc> {
    requireRole(ctx, 'ADMIN', 'USER');
    return ctx.services.reuses.update(ctx.caller, id, { ...input, url: input.url == null ? input.url : input.url.toString() });
  }

  @Mutation(() => ID, { description: 'Removes a reuse (ADMIN any, USER their own) and returns its id. It stops counting at once.' })
  async removeReuse(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<string> {
    requireRole(ctx, 'ADMIN', 'USER');
    return (await ctx.services.reuses.remove(ctx.caller, id))._id;
  }

  @FieldResolver(() => [Dataset], { description: 'The datasets reused that the caller may see, by id.' })
  async datasets(@Root() r: ReuseDoc, @Ctx() ctx: GatewayContext): Promise<DatasetDoc[]> {
    const all = present(await ctx.loaders.dataset.loadMany(r.datasetIds));
    return all.filter((d) => canSeeDataset(d, ctx.caller)).sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who made it; null for an organisation.' })
  author(@Root() r: ReuseDoc, @Ctx() ctx: GatewayContext): Promise<UserDoc | null> | null {
    return r.authorId ? ctx.loaders.user.load(r.authorId) : null;
  }
}
