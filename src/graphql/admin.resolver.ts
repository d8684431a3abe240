import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from './context';
import { requireRole } from './guards';
import { present } from './present';
import { ApiKey, CreateUserInput, IssuedApiKey, Me, UserAccount, UserRole } from './admin.types';
import type { Space } from './catalog.types';
import type { UserDoc } from '../store/catalog.documents';
import type { ApiKeyDoc } from '../store/api-key.documents';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/** Key metadata only: the hash (`_id`) never leaves the server. */
function keyMeta(d: ApiKeyDoc): ApiKey {
  return { prefix: d.prefix, userId: d.userId, label: d.label, automated: d.automated, createdAt: d.createdAt, revokedAt: d.revokedAt };
}

/**
 * Users, API keys and the caller's identity (docs/permissions.md). Admin
 * mutations need an ADMIN key; `me` and `apiKeys` (own keys) need any key.
 */
@Resolver()
export class AdminResolver {
  @Query(() => Me, { description: 'The caller. UNAUTHENTICATED without an API key.' })
  async me(@Ctx() ctx: GatewayContext): Promise<Me> {
    requireRole(ctx, 'ADMIN', 'USER', 'TRACKER');
    const caller = ctx.caller as Extract<GatewayContext['caller'], { kind: 'user' }>;
    const [user, spaces] = await Promise.all([ctx.loaders.user.load(caller.userId), ctx.loaders.space.loadMany([...caller.spaceIds])]);
    if (!user) throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'the user of this API key no longer exists');
    return {
      id: user._id,
      name: user.name,
      email: user.email ?? null,
      role: caller.role as UserRole,
      automated: caller.automated,
      spaces: present(spaces).sort((a, b) => (a._id < b._id ? -1 : 1)) as unknown as Space[],
    };
  }

  @Query(() => [ApiKey], {
    description: 'API keys of a user (default: the caller), oldest first, revoked ones included. Admins may list anyone\'s; others only their own.',
  })
  async apiKeys(@Arg('userId', () => ID, { nullable: true }) userId: string | null, @Ctx() ctx: GatewayContext): Promise<ApiKey[]> {
    requireRole(ctx, 'ADMIN', 'USER', 'TRACKER');
    const caller = ctx.caller as Extract<GatewayContext['caller'], { kind: 'user' }>;
    const target = userId ?? caller.userId;
    if (target !== caller.userId && caller.role !== 'ADMIN') {
      throw new GatewayError(ErrorCode.FORBIDDEN, 'only admins may list the keys of another user');
    }
    return (await ctx.services.userAdmin.keysOf(target)).map(keyMeta);
  }

  @Mutation(() => UserAccount, { description: 'Creates a user or service account (ADMIN). BAD_USER_INPUT when the id is taken.' })
  createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: GatewayContext): Promise<UserDoc> {
    requireRole(ctx, 'ADMIN');
    return ctx.services.userAdmin.createUser({ ...input, role: input.role });
  }

  @Mutation(() => IssuedApiKey, { description: 'Issues an API key for a user (ADMIN). The clear key is in this answer only.' })
  async issueApiKey(
    @Arg('userId', () => ID) userId: string,
    @Arg('label', () => String, { nullable: true }) label: string | null,
    @Arg('automated', () => Boolean, { defaultValue: false, description: 'Traffic sent with the key is machine traffic.' }) automated: boolean,
    @Ctx() ctx: GatewayContext,
  ): Promise<IssuedApiKey> {
    requireRole(ctx, 'ADMIN');
    const { key, doc } = await ctx.services.userAdmin.issueKey(userId, { label, automated });
    return { key, apiKey: keyMeta(doc) };
  }

  @Mutation(() => Int, { description: 'Revokes the key(s) with this prefix (ADMIN); the key stops working at once. Returns how many were revoked.' })
  revokeApiKey(@Arg('prefix') prefix: string, @Ctx() ctx: GatewayContext): Promise<number> {
    requireRole(ctx, 'ADMIN');
    return ctx.services.userAdmin.revokeKey(prefix);
  }
}
