import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import './enums';
import { DatasetResolver } from './dataset.resolver';
import { FileResolver } from './file.resolver';
import { CollectionResolver } from './collection.resolver';
import { SpaceResolver } from './space.resolver';
import { PortalResolver } from './portal.resolver';
import { ThemeResolver } from './theme.resolver';
import { UserResolver } from './user.resolver';
import { CatalogMutationResolver } from './catalog.resolver';
import { TrackResolver } from './track.resolver';
import { AdminResolver } from './admin.resolver';
import { ReportResolver } from './report.resolver';
import { DashboardResolver } from './dashboard.resolver';
import { DatasetUsageResolver } from './dataset-usage.resolver';
import { ReuseResolver } from './reuse.resolver';
import { UsageTableResolver } from './usage-table.resolver';
import { UserStatsResolver } from './user-stats.resolver';
import { UserUpsertResolver } from './user-upsert.resolver';
import { FileUsageResolver } from './file-usage.resolver';
import { CollectionUsageResolver } from './collection-usage.resolver';
import { PortalUsageResolver } from './portal-usage.resolver';
import { NetworkUsageResolver } from './network-usage.resolver';
import { DashboardCountriesResolver } from './dashboard-countries.resolver';
import { UsageStatsResolver } from './usage-stats.resolver';
import { PrivacyResolver } from './privacy.resolver';

/** Every resolver class of the API; the SDL in schema/ is generated from these. */
export const RESOLVERS = [
  DatasetResolver,
  FileResolver,
  CollectionResolver,
  SpaceResolver,
  PortalResolver,
  ThemeResolver,
  UserResolver,
  CatalogMutationResolver,
  TrackResolver,
  DashboardResolver,
  DatasetUsageResolver,
  ReuseResolver,
  AdminResolver,
  ReportResolver,
  UsageTableResolver,
  UserStatsResolver,
  UserUpsertResolver,
  PrivacyResolver,
  FileUsageResolver,
  CollectionUsageResolver,
  PortalUsageResolver,
  NetworkUsageResolver,
  DashboardCountriesResolver,
  UsageStatsResolver,
] as const;

export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS] as unknown as [Function, ...Function[]],
    validate: false,
    emitSchemaFile: false,
  });
}
