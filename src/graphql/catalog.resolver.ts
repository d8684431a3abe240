import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import {
  CollectionInput,
  DatasetInput,
  FileInput,
  PortalInput,
  SpaceInput,
  ThemeInput,
  UpsertPayload,
} from './catalog.inputs';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { validateCatalogInput } from '../catalog/catalog-validation';
import { catalogDoi } from '../catalog/doi';

/**
 * Catalog pushes from portals: idempotent upserts by id. Admins only (a
 * portal's catalog sync runs with an admin key).
 */
@Resolver()
export class CatalogMutationResolver {
  @Mutation(() => UpsertPayload)
  upsertPortals(@Arg('portals', () => [PortalInput]) items: PortalInput[], @Ctx() ctx: GatewayContext) {
    requireRole(ctx, 'ADMIN');
    ctx.limits?.catalogBatch(items.length);
    validateCatalogInput('portal', items);
    return ctx.services.catalogWriter.portals(items.map(({ id, url, ...r }) => ({ _id: id, url: url ? url.toString() : null, ...r })));
  }

  @Mutation(() => UpsertPayload)
  upsertThemes(@Arg('themes', () => [ThemeInput]) items: ThemeInput[], @Ctx() ctx: GatewayContext) {
    requireRole(ctx, 'ADMIN');
    ctx.limits?.catalogBatch(items.length);
    validateCatalogInput('theme', items);
    return ctx.services.catalogWriter.themes(items.map(({ id, ...r }) => ({ _id: id, ...r })));
  }

  @Mutation(() => UpsertPayload)
  upsertSpaces(@Arg('spaces', () => [SpaceInput]) items: SpaceInput[], @Ctx() ctx: GatewayContext) {
    requireRole(ctx, 'ADMIN');
    ctx.limits?.catalogBatch(items.length);
    validateCatalogInput('space', items);
    return ctx.services.catalogWriter.spaces(
      items.map(({ id, description, ...r }) => ({ _id: id, description: description ?? null, ...r })),
    );
  }

  @Mutation(() => UpsertPayload)
  upsertCollections(@Arg('collections', () => [CollectionInput]) items: CollectionInput[], @Ctx() ctx: GatewayContext) {
    requireRole(ctx, 'ADMIN');
    ctx.limits?.catalogBatch(items.length);
    validateCatalogInput('collection', items);
    return ctx.services.catalogWriter.collections(
      items.map(({ id, description, ownerId, ...r }) => ({ _id: id, description: description ?? null, ownerId: ownerId ?? null, ...r })),
    );
  }

  @Mutation(() => UpsertPayload)
  upsertDatasets(@Arg('datasets', () => [DatasetInput]) items: DatasetInput[], @Ctx() ctx: GatewayContext) {
    requireRole(ctx, 'ADMIN');
    ctx.limits?.catalogBatch(items.length);
    validateCatalogInput('dataset', items);
    return ctx.services.catalogWriter.datasets(
      items.map(({ id, description, ownerId, licence, publisher, publisherId, contributors, publicationDate, landingPageUrl, doi, ...r }) => ({
        _id: id,
        description: description ?? null,
        ownerId: ownerId ?? null,
        licence: licence ?? null,
        publisher: publisher ?? null,
        publisherId: publisherId ?? null,
        contributors: contributors ?? null,
        publicationDate: publicationDate ?? null,
        landingPageUrl: landingPageUrl ?? null,
        doi: catalogDoi(id, doi),
        ...r,
      })),
    );
  }

  @Mutation(() => UpsertPayload)
  upsertFiles(@Arg('files', () => [FileInput]) items: FileInput[], @Ctx() ctx: GatewayContext) {
    requireRole(ctx, 'ADMIN');
    ctx.limits?.catalogBatch(items.length);
    validateCatalogInput('file', items);
    return ctx.services.catalogWriter.files(
      items.map(({ id, contentType, ownerId, ...r }) => ({ _id: id, contentType: contentType ?? null, ownerId: ownerId ?? null, ...r })),
    );
  }
}
