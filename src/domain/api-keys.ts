import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `ugk_<43 url-safe chars>`: 256 random bits. */
export function generateApiKey(): string {
  return `ugk_${randomBytes(32).toString('base64url')}`;
}

/** Only this hash is stored; a stolen database yields no usable key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
