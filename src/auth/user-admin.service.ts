import type { UserDoc } from '../store/catalog.documents';
import type { ApiKeyDoc } from '../store/api-key.documents';
import type { AuthRepository } from '../store/auth.repository';
import type { Role } from '../domain/caller';
import { hashApiKey } from '../domain/api-keys';
import { ID_RULE, isValidId } from '../domain/ids';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError, badUserInput } from '../errors/gateway-error';

export const ROLES: readonly Role[] = ['ADMIN', 'USER', 'TRACKER'];

export interface NewUser {
  id: string;
  name: string;
  email?: string | null;
  role: Role;
  automated?: boolean;
  /** For a TRACKER: the portals it may record events for (null: every portal). */
  portalIds?: string[] | null;
}

export interface IssuedKey {
  /** The clear key: shown once, never stored. */
  key: string;
  doc: ApiKeyDoc;
}

const MAX_ID = 256;
const MAX_TEXT = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkText(name: string, v: string, max = MAX_TEXT): string {
  const t = v.trim();
  if (!t || t.length > max) throw badUserInput(`${name} must be 1-${max} characters`);
  return t;
}

/**
 * Users and their API keys, for admins (GraphQL mutations) and operators
 * (the `usage-gateway` CLI). Keys are stored hashed (AuthRepository): the
 * clear key exists only in the value returned by {@link issueKey}.
 */
export class UserAdminService {
  constructor(private readonly auth: AuthRepository) {}

  getUser(id: string): Promise<UserDoc | null> {
    return this.auth.user(id);
  }

  /** Some ADMIN user, if there is one. */
  anyAdmin(): Promise<UserDoc | null> {
    return this.auth.anyAdmin();
  }

  /** Creates a user; BAD_USER_INPUT when the id is taken or a field is invalid. */
  async createUser(input: NewUser, now = new Date()): Promise<UserDoc> {
    const doc = this.validUser(input, now);
    if (await this.getUser(doc._id)) throw badUserInput(`a user with id "${doc._id}" already exists`);
    if (!(await this.auth.insertUser(doc))) throw badUserInput(`a user with id "${doc._id}" already exists`);
    return doc;
  }

  private validUser(input: NewUser, now: Date): UserDoc {
    const id = input.id;
    if (!id || id.length > MAX_ID || id !== id.trim()) throw badUserInput(`id must be 1-${MAX_ID} characters without surrounding spaces`);
    if (!isValidId(id)) throw new GatewayError(ErrorCode.INVALID_ID, `user id "${input.id.slice(0, 60)}": ${ID_RULE}`);
    if (!ROLES.includes(input.role)) throw badUserInput(`role must be one of ${ROLES.join(', ')}`);
    const email = input.email?.trim() || null;
    if (email !== null && (email.length > 320 || !EMAIL.test(email))) throw badUserInput('email is not a valid address');
    return {
      _id: id,
      name: checkText('name', input.name),
      email,
      role: input.role,
      automated: input.automated ?? false,
      ...(input.role === 'TRACKER' && input.portalIds?.length ? { portalIds: [...new Set(input.portalIds)] } : {}),
      createdAt: now,
    };
  }

  /** Issues a key for an existing user; UNKNOWN_USER otherwise. */
  async issueKey(userId: string, opts: { label?: string | null; automated?: boolean } = {}): Promise<IssuedKey> {
    const label = opts.label == null || opts.label.trim() === '' ? null : checkText('label', opts.label);
    if (!(await this.getUser(userId))) throw new GatewayError(ErrorCode.UNKNOWN_USER, `no user with id "${userId}"`);
    return this.auth.issueKey(userId, { label, automated: opts.automated ?? false });
  }

  /**
   * Revokes the key(s) with this prefix (as listed by `apiKeys`); the full
   * key is accepted too. Returns how many keys were revoked (0: none active
   * matched).
   */
  async revokeKey(prefixOrKey: string): Promise<number> {
    const v = prefixOrKey.trim();
    if (v.length < 8) throw badUserInput('give the key prefix as listed by apiKeys (10 characters) or the full key');
    let n = await this.auth.revokeKey(v);
    if (n === 0 && v.length > 10) n = await this.auth.revokeKey(hashApiKey(v));
    return n;
  }

  keysOf(userId: string): Promise<ApiKeyDoc[]> {
    return this.auth.keysOf(userId);
  }

  /**
   * First-run set-up: creates the ADMIN user `id` (or, with `force`, makes
   * an existing user ADMIN) and issues a key. Refused when an ADMIN already
   * exists, unless `force`.
   */
  async bootstrapAdmin(
    input: { id: string; name: string; email?: string | null; label?: string | null },
    force: boolean,
  ): Promise<{ user: UserDoc; created: boolean; promoted: boolean; issued: IssuedKey }> {
    const existingAdmin = await this.anyAdmin();
    if (existingAdmin && !force) {
      throw new GatewayError(
        ErrorCode.FORBIDDEN,
        `an ADMIN user already exists ("${existingAdmin._id}"); use issue-key --user ${existingAdmin._id} for a new key, or --force to bootstrap anyway`,
      );
    }
    let user = await this.getUser(input.id);
    let created = false;
    let promoted = false;
    if (!user) {
      user = await this.createUser({ id: input.id, name: input.name, email: input.email, role: 'ADMIN', automated: false });
      created = true;
    } else if (user.role !== 'ADMIN' || user.automated) {
      if (!force) {
        throw new GatewayError(
          ErrorCode.FORBIDDEN,
          `user "${user._id}" exists with role ${user.role}${user.automated ? ' (automated)' : ''}; use --force to make it a human ADMIN`,
        );
      }
      await this.auth.makeHumanAdmin(user._id);
      user = { ...user, role: 'ADMIN', automated: false };
      promoted = true;
    }
    const issued = await this.issueKey(user._id, { label: input.label ?? 'bootstrap-admin' });
    return { user, created, promoted, issued };
  }
}
