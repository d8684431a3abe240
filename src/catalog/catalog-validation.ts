import { ID_RULE, isValidId } from '../domain/ids';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/**
 * Checks of what an admin pushes into the catalog (pure, no I/O): ids in
 * the shared id alphabet (src/domain/ids.ts), bounded texts, finite
 * integers, http(s) URLs, dates within the years 1900–9999. Each failure
 * names the item and field, with a stable code:
 * `INVALID_ID`, `VALUE_OUT_OF_RANGE` (docs/security.md).
 */

/** Longest name or title, characters. */
export const MAX_NAME = 500;
/** Longest description, characters. */
export const MAX_DESCRIPTION = 20_000;
/** Longest short text (licence, publisher, content type, DOI), characters. */
export const MAX_SHORT_TEXT = 500;
/** Longest URL, characters. */
export const MAX_URL = 2048;
/** Most references in one list (parents, spaces, themes, members). */
export const MAX_REFERENCES = 1000;

const MIN_YEAR = 1900;
const MAX_YEAR = 9999;

function outOfRange(where: string, message: string): GatewayError {
  return new GatewayError(ErrorCode.VALUE_OUT_OF_RANGE, `${where}: ${message}`, { http: { status: 400 } });
}

export class CatalogCheck {
  constructor(private readonly kind: string) {}

  private where(id: string | undefined, field: string): string {
    return `${this.kind} "${id ?? '?'}" ${field}`;
  }

  id(id: unknown, field: string, owner?: string): void {
    if (!isValidId(id)) {
      const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 60)) : String(id);
      throw new GatewayError(ErrorCode.INVALID_ID, `${this.where(owner ?? (typeof id === 'string' ? id.slice(0, 60) : undefined), field)} ${shown}: ${ID_RULE}`, {
        field,
        http: { status: 400 },
      });
    }
  }

  ids(ids: readonly unknown[] | null | undefined, field: string, owner: string): void {
    if (!ids) return;
    if (ids.length > MAX_REFERENCES) throw outOfRange(this.where(owner, field), `at most ${MAX_REFERENCES} ids`);
    for (const id of ids) this.id(id, field, owner);
  }

  text(value: unknown, field: string, owner: string, max: number, required = false): void {
    if (value === null || value === undefined) {
      if (required) throw outOfRange(this.where(owner, field), 'is required');
      return;
    }
    if (typeof value !== 'string') throw outOfRange(this.where(owner, field), 'must be text');
    if (required && value.trim() === '') throw outOfRange(this.where(owner, field), 'must not be blank');
    if (value.length > max) throw outOfRange(this.where(owner, field), `is ${value.length} characters; at most ${max}`);
    if (value.includes('\0')) throw outOfRange(this.where(owner, field), 'must not contain NUL characters');
  }

  count(value: unknown, field: string, owner: string): void {
    if (value === null || value === undefined) return;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw outOfRange(this.where(owner, field), `must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
    }
  }

  url(value: unknown, field: string, owner: string): void {
    if (value === null || value === undefined) return;
    const text = value instanceof URL ? value.toString() : String(value);
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      throw outOfRange(this.where(owner, field), 'is not a URL');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw outOfRange(this.where(owner, field), 'must be an http or https URL');
    if (text.length > MAX_URL) throw outOfRange(this.where(owner, field), `at most ${MAX_URL} characters`);
  }

  date(value: unknown, field: string, owner: string): void {
    if (value === null || value === undefined) return;
    const d = value instanceof Date ? value : new Date(String(value));
    const y = d.getUTCFullYear();
    if (Number.isNaN(d.getTime()) || y < MIN_YEAR || y > MAX_YEAR) {
      throw outOfRange(this.where(owner, field), `must be a date in the years ${MIN_YEAR}-${MAX_YEAR}`);
    }
  }
}

type Item = Record<string, unknown> & { id: string };

/** Field rules per catalog kind: which fields are ids, id lists, names, texts, counts, URLs, dates. */
const RULES: Record<string, { ids?: string[]; idLists?: string[]; names?: string[]; texts?: string[]; shortTexts?: string[]; shortTextLists?: string[]; counts?: string[]; urls?: string[]; dates?: string[] }> = {
  portal: { names: ['name'], urls: ['url'] },
  theme: { names: ['name'] },
  space: { names: ['name'], texts: ['description'], idLists: ['memberIds'], dates: ['createdAt'] },
  collection: { names: ['name'], texts: ['description'], ids: ['ownerId'], idLists: ['parentCollectionIds', 'spaceIds'], dates: ['createdAt'] },
  dataset: {
    names: ['title'],
    texts: ['description'],
    shortTexts: ['licence', 'publisher', 'publisherId', 'doi'],
    shortTextLists: ['contributors'],
    ids: ['portalId', 'ownerId'],
    idLists: ['spaceIds', 'collectionIds', 'themeIds'],
    counts: ['recordCount'],
    urls: ['landingPageUrl'],
    dates: ['createdAt', 'modifiedAt', 'publicationDate'],
  },
  file: { names: ['title'], shortTexts: ['contentType'], ids: ['ownerId'], idLists: ['datasetIds'], counts: ['sizeBytes'], dates: ['createdAt'] },
};

/**
 * Validates the items of one admin upsert (GraphQL input shape, `id`
 * field). Throws on the first problem; nothing is written then.
 */
export function validateCatalogInput(kind: keyof typeof RULES, inputs: readonly object[]): void {
  const items = inputs as readonly Item[];
  const rules = RULES[kind];
  if (!rules) throw new Error(`no catalog rules for ${kind}`);
  const check = new CatalogCheck(kind);
  for (const item of items) {
    check.id(item.id, 'id');
    const owner = item.id;
    for (const f of rules.ids ?? []) if (item[f] !== null && item[f] !== undefined) check.id(item[f], f, owner);
    for (const f of rules.idLists ?? []) check.ids(item[f] as unknown[] | undefined, f, owner);
    for (const f of rules.names ?? []) check.text(item[f], f, owner, MAX_NAME, true);
    for (const f of rules.texts ?? []) check.text(item[f], f, owner, MAX_DESCRIPTION);
    for (const f of rules.shortTexts ?? []) check.text(item[f], f, owner, MAX_SHORT_TEXT);
    for (const f of rules.shortTextLists ?? []) {
      const list = item[f] as unknown[] | null | undefined;
      if (list && list.length > MAX_REFERENCES) throw outOfRange(`${kind} "${owner}" ${f}`, `at most ${MAX_REFERENCES} entries`);
      for (const v of list ?? []) check.text(v, f, owner, MAX_SHORT_TEXT, true);
    }
    for (const f of rules.counts ?? []) check.count(item[f], f, owner);
    for (const f of rules.urls ?? []) check.url(item[f], f, owner);
    for (const f of rules.dates ?? []) check.date(item[f], f, owner);
  }
}

/**
 * The first cycle that `items`' parent links would create, given the
 * parents of existing collections (`parentsOf`, for ids not in `items`).
 * @returns the ids along the cycle (first = last), or null.
 */
export function findCollectionCycle(
  items: readonly { _id: string; parentCollectionIds: readonly string[] }[],
  parentsOf: (id: string) => readonly string[],
): string[] | null {
  const pushed = new Map(items.map((c) => [c._id, c.parentCollectionIds]));
  const parents = (id: string) => pushed.get(id) ?? parentsOf(id);
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    const s = state.get(id);
    if (s === 2) return null;
    if (s === 1) return [...path.slice(path.indexOf(id)), id];
    state.set(id, 1);
    path.push(id);
    for (const p of parents(id)) {
      const found = visit(p);
      if (found) return found;
    }
    path.pop();
    state.set(id, 2);
    return null;
  };
  for (const c of items) {
    const found = visit(c._id);
    if (found) return found;
  }
  return null;
}
