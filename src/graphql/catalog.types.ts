import { Field, ID, ObjectType } from 'type-graphql';
import { NonNegativeIntResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import { Visibility } from './enums';

/*
 * Catalog object types. Resolvers hand back the stored documents; `_id` is
 * exposed as `id`. Relations are field resolvers in the *.resolver.ts files.
 */

@ObjectType({ description: 'A data portal whose datasets the gateway tracks.' })
export class Portal {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  url!: string | null;
}

@ObjectType({ description: 'A dataset theme (Opendatasoft/data.gouv.fr "thème").' })
export class Theme {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  name!: string;
}

@ObjectType({ description: 'A group of users sharing datasets and collections (Clowder "space").' })
export class Space {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType({ description: 'A person or a service account.' })
export class User {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field(() => String, { nullable: true, description: 'Null for a portal user known only by the events sent under its id (never registered).' })
  name!: string | null;
}

@ObjectType({ description: 'A collection of datasets; collections nest.' })
export class Collection {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType({ description: 'A published (or not yet published) dataset of a portal.' })
export class Dataset {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  licence!: string | null;

  @Field(() => String, { nullable: true })
  publisher!: string | null;

  @Field(() => String, { nullable: true, description: 'DOI, lower case without prefix (`10.5061/dryad.x1`).' })
  doi?: string | null;

  @Field()
  published!: boolean;

  @Field(() => Visibility)
  visibility!: Visibility;

  @Field(() => NonNegativeIntResolver)
  recordCount!: number;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  modifiedAt!: Date;
}

@ObjectType({ description: 'A file (distribution, resource) of one or more datasets.' })
export class File {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  title!: string;

  @Field(() => NonNegativeIntResolver, { description: 'Size in bytes.' })
  sizeBytes!: number;

  @Field(() => String, { nullable: true })
  contentType!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}
