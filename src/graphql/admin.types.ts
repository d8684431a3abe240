import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from './date-time.scalar';
import { Space } from './catalog.types';

/** Roles of users and service accounts (same strings as `Role` in src/domain/caller.ts). */
export enum UserRole {
  ADMIN = 'ADMIN',
  USER = 'USER',
  TRACKER = 'TRACKER',
}

registerEnumType(UserRole, {
  name: 'Role',
  description: 'ADMIN: everything; USER: a person (reports on what they may see); TRACKER: a portal that records access events.',
});

@InputType({ description: 'A new user or service account.' })
export class CreateUserInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => UserRole) role!: UserRole;

  @Field({ defaultValue: false, description: 'Extractors and harvesters: their traffic counts as machine traffic, never in per-user statistics.' })
  automated!: boolean;

  @Field(() => [ID], {
    nullable: true,
    description: 'For a TRACKER: the portals it may record events for (their private and unpublished resources included). Absent: every portal.',
  })
  portalIds?: string[] | null;
}

@ObjectType({ description: 'A user account as admins see it.' })
export class UserAccount {
  @Field(() => ID, { name: 'id' })
  _id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => UserRole)
  role!: UserRole;

  @Field({ description: 'The account is flagged automated (machine traffic).' })
  automated!: boolean;

  @Field(() => [ID], { nullable: true, description: 'For a TRACKER: the portals it records events for; null = every portal.' })
  portalIds?: string[] | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType({ description: 'The caller, as resolved from the API key of the request.' })
export class Me {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => UserRole)
  role!: UserRole;

  @Field({ description: 'Traffic sent with this key is machine traffic: the account or the key is flagged automated.' })
  automated!: boolean;

  @Field(() => [Space], { description: 'Spaces the caller is a member of.' })
  spaces!: Space[];
}

@ObjectType({ description: 'An API key. The key itself is never stored (only its SHA-256) and never shown again after issueApiKey.' })
export class ApiKey {
  @Field({ description: 'First characters of the key, to tell keys apart; what revokeApiKey takes.' })
  prefix!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field({ description: 'Traffic sent with this key is machine traffic even for a person\'s account.' })
  automated!: boolean;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A newly issued API key.' })
export class IssuedApiKey {
  @Field({ description: 'The key, to send as `Authorization: Bearer <key>` or `X-API-Key`. Shown this once only.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
