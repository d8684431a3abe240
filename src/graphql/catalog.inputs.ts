import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SafeIntResolver, URLResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import { Visibility } from './enums';

@InputType()
export class PortalInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => URLResolver, { nullable: true }) url?: URL | null;
  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'The portal shows its dataset owners publicly: `Dataset.owner` is then given to anonymous callers and TRACKER keys too. Default false: signed-in people only. An upsert without it sets it back to false.',
  })
  publicOwnerNames!: boolean;
}

@InputType()
export class ThemeInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
}

@InputType()
export class SpaceInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [ID], { defaultValue: [] }) memberIds!: string[];
  @Field(() => DateTimeResolver, { nullable: true }) createdAt?: Date | null;
}

@InputType()
export class CollectionInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => [ID], { defaultValue: [] }) parentCollectionIds!: string[];
  @Field(() => [ID], { defaultValue: [] }) spaceIds!: string[];
  @Field(() => DateTimeResolver, { nullable: true }) createdAt?: Date | null;
}

@InputType()
export class DatasetInput {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => ID) portalId!: string;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => [ID], { defaultValue: [] }) spaceIds!: string[];
  @Field(() => [ID], { defaultValue: [] }) collectionIds!: string[];
  @Field(() => [ID], { defaultValue: [] }) themeIds!: string[];
  @Field(() => String, { nullable: true }) licence?: string | null;
  @Field(() => String, { nullable: true }) publisher?: string | null;
  @Field(() => String, { nullable: true, description: "The publisher's id in COUNTER reports: a GRID id (`grid.…`), an ISNI (16 digits) or any URN/URL such as a ROR id. Absent: the portal's id." })
  publisherId?: string | null;
  @Field(() => [String], { nullable: true, description: "Creators' names, in order (COUNTER dataset-contributors); at most 1000." })
  contributors?: string[] | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'First publication (COUNTER dataset-dates pub-date and yop).' })
  publicationDate?: Date | null;
  @Field(() => String, { nullable: true, description: "The dataset's landing page, http(s) (COUNTER uri)." })
  landingPageUrl?: string | null;
  @Field(() => String, { nullable: true, description: 'DOI (`10.5061/dryad.x1`, `doi:…` or `https://doi.org/…`); stored lower case without prefix; the dataset id in COUNTER SUSHI reports.' })
  doi?: string | null;
  @Field({ defaultValue: true }) published!: boolean;
  @Field(() => Visibility, { defaultValue: Visibility.PUBLIC }) visibility!: Visibility;
  @Field(() => SafeIntResolver, { defaultValue: 0, description: 'Records, 0 to 2^53-1 (VALUE_OUT_OF_RANGE otherwise).' }) recordCount!: number;
  @Field(() => DateTimeResolver, { nullable: true }) createdAt?: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) modifiedAt?: Date | null;
}

@InputType()
export class FileInput {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field(() => SafeIntResolver, { defaultValue: 0, description: 'Size in bytes, 0 to 2^53-1.' }) sizeBytes!: number;
  @Field(() => String, { nullable: true }) contentType?: string | null;
  @Field(() => [ID]) datasetIds!: string[];
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => DateTimeResolver, { nullable: true }) createdAt?: Date | null;
}

@ObjectType({ description: 'What a catalog upsert did.' })
export class UpsertPayload {
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => [ID]) ids!: string[];
}
