/** What the credential headers of a request say. */
export type Credentials = { kind: 'none' } | { kind: 'key'; key: string } | { kind: 'malformed'; reason: string };

/** Characters of a key as presented: the base64url alphabet and a few separators, nothing else. */
const KEY_TOKEN = /^[A-Za-z0-9._~+/=-]{1,512}$/;

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? (v.length === 1 ? v[0] : v.join(',')) : v;
}

/**
 * Strict reading of the credential headers (docs/permissions.md):
 * `Authorization: Bearer <key>` (exactly one space-separated token, scheme
 * case-insensitive) or `X-API-Key: <key>`. A header that is present but not
 * in this form (`Token <key>`, `Bearer <key> extra`, a bare key, an empty
 * value) is **malformed** — the request is refused with 401, never treated
 * as anonymous. Both headers with different keys are malformed too.
 */
export function credentialsFromHeaders(headers: Record<string, string | string[] | undefined>): Credentials {
  const auth = single(headers['authorization']);
  const x = single(headers['x-api-key']);
  let fromAuth: string | null = null;
  if (auth !== undefined) {
    const m = /^Bearer ([^\s]+)$/i.exec(auth.trim());
    if (!m || !KEY_TOKEN.test(m[1] as string)) {
      return { kind: 'malformed', reason: 'the Authorization header must be "Bearer <key>"' };
    }
    fromAuth = m[1] as string;
  }
  let fromX: string | null = null;
  if (x !== undefined) {
    const k = x.trim();
    if (!KEY_TOKEN.test(k)) return { kind: 'malformed', reason: 'the X-API-Key header must hold one key' };
    fromX = k;
  }
  if (fromAuth !== null && fromX !== null && fromAuth !== fromX) {
    return { kind: 'malformed', reason: 'Authorization and X-API-Key name different keys' };
  }
  const key = fromAuth ?? fromX;
  return key === null ? { kind: 'none' } : { kind: 'key', key };
}
