import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { URLResolver } from 'graphql-scalars';
import { DateTimeResolver } from './date-time.scalar';
import { Connection } from './connection';

export enum ReuseType {
  API = 'API',
  APPLICATION = 'APPLICATION',
  VISUALIZATION = 'VISUALIZATION',
  ARTICLE = 'ARTICLE',
  PAPER = 'PAPER',
  OTHER = 'OTHER',
}
registerEnumType(ReuseType, { name: 'ReuseType', description: 'What kind of work reuses the datasets.' });

@ObjectType({
  description:
    'A reuse of datasets (an application, a visualisation, an article…). Visible to admins, its author and whoever ' +
    'may see one of its datasets. Each distinct normalised URL counts once for each of its datasets in the ' +
    'dashboard and popularity, however many times it was registered.',
})
export class Reuse {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  title!: string;

  @Field(() => URLResolver)
  url!: string;

  @Field(() => ReuseType)
  type!: ReuseType;

  @Field(() => DateTimeResolver, { description: 'When it was registered; the reuse counts in windows ending on or after this day.' })
  createdAt!: Date;

  @Field(() => DateTimeResolver)
  modifiedAt!: Date;
}

@ObjectType({ description: 'A page of reuses, by id.' })
export class ReuseConnection extends Connection('Reuse', Reuse) {}

@InputType()
export class RegisterReuseInput {
  @Field({ description: '1-300 characters.' })
  title!: string;

  @Field(() => URLResolver, { description: 'An http or https URL.' })
  url!: URL;

  @Field(() => ReuseType)
  type!: ReuseType;

  @Field(() => [ID], { description: '1-100 datasets the caller may see.' })
  datasetIds!: string[];

  @Field(() => ID, {
    nullable: true,
    description: 'Default: the caller for a USER (who may name only themselves), nobody (an organisation) for an ADMIN.',
  })
  authorId?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'ADMIN only, to back-fill older reuses. Default: now.' })
  createdAt?: Date | null;
}

@InputType({ description: 'Fields to change; omitted fields are kept.' })
export class UpdateReuseInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => URLResolver, { nullable: true })
  url?: URL | null;

  @Field(() => ReuseType, { nullable: true })
  type?: ReuseType | null;

  @Field(() => [ID], { nullable: true, description: 'Replaces the list; added datasets must be visible to the caller.' })
  datasetIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'ADMIN: any user, or null for none. USER: only themselves.' })
  authorId?: string | null;
}
