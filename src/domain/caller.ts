export type Role = 'ADMIN' | 'USER' | 'TRACKER';

/** Who sent a request, resolved from its API key (or nobody). */
export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      role: Role;
      /** The account or the key is flagged automated (extractor, harvester). */
      automated: boolean;
      /** Spaces the user is a member of (private datasets shared there). */
      spaceIds: readonly string[];
      /**
       * A TRACKER's portals: it records events only on their resources
       * (unpublished and private ones included). Null: every portal.
       */
      portalIds?: readonly string[] | null;
    };

export const ANONYMOUS: Caller = { kind: 'anonymous' };

export function isAdmin(c: Caller): boolean {
  return c.kind === 'user' && c.role === 'ADMIN';
}
