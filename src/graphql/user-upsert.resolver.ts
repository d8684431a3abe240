import { Arg, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { UpsertPayload } from './catalog.inputs';
import { UserRole } from './admin.types';
import { GatewayError } from '../errors/gateway-error';
import { ErrorCode } from '../errors/error-codes';
import { isValidId, ID_RULE } from '../domain/ids';

@InputType({ description: 'An end user of a portal, pushed with the catalog: names and roles for ids events already use.' })
export class UpsertUserInput {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => UserRole, { defaultValue: 'USER' }) role!: UserRole;
  @Field({ defaultValue: false, description: 'Extractors and harvesters: their traffic counts as machine traffic.' })
  automated!: boolean;
}

@Resolver()
export class UserUpsertResolver {
  @Mutation(() => UpsertPayload, {
    description:
      'Adds or updates users by id (ADMIN), idempotently. Events may name users before they are registered: they are counted under their id, and this gives them a name and a role later.',
  })
  async upsertUsers(@Arg('users', () => [UpsertUserInput]) users: UpsertUserInput[], @Ctx() ctx: GatewayContext): Promise<UpsertPayload> {
    requireRole(ctx, 'ADMIN');
    for (const u of users) {
      if (!isValidId(u.id)) throw new GatewayError(ErrorCode.BAD_USER_INPUT, `user id "${u.id}": ${ID_RULE}`);
      if (!u.name.trim() || u.name.length > 200) throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'name must be 1-200 characters');
    }
    return ctx.services.catalogWriter.users(
      users.map((u) => ({ _id: u.id, name: u.name.trim(), email: u.email ?? null, role: u.role as 'ADMIN' | 'USER' | 'TRACKER', automated: u.automated })),
    );
  }
}
