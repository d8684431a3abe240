import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `ugk_<43 url-safe chars>`: 256 random bits. */
export function generateApiKey(): string {
  return `ugk_${randomBytes(32).toString('base64url')}`;
}

/** Only this hash is stored; a stolen database yields no usable key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`, if any. */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers['authorization'];
  const a = Array.isArray(auth) ? auth[0] : auth;
  if (a) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(a);
    if (m) return m[1];
  }
  const x = headers['x-api-key'];
  const k = Array.isArray(x) ? x[0] : x;
  return k ? k.trim() || null : null;
}
