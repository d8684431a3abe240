/**
 * What an id may look like, for every id a caller gives us (catalog ids,
 * user ids, event ids, portal ids).
 *
 * Why a restricted alphabet: ids are joined into storage keys
 * (`DATASET|2026-01-31|ds-1`), report cells and log lines. With `|` or
 * control characters in ids, two different (user, resource) pairs could
 * produce the same key and share counters; with a leading `=`, `+`, `-`,
 * `@` they could become live spreadsheet formulas. Letters, digits and
 * `. _ - : @ ~ + /` cover UUIDs, slugs, DOIs' suffixes, CKAN and udata ids.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-:@~+/]{0,199}$/;

/** Human-readable rule, for error messages. */
export const ID_RULE =
  'ids are 1-200 characters: letters, digits and . _ - : @ ~ + /, starting with a letter or digit';

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}
