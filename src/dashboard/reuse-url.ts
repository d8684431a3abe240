import { createHash } from 'node:crypto';

/**
 * The identity of a reuse's URL: two URLs with the same key are the same
 * reuse (issue 17: one user registered one URL five times and got five
 * reuses, enough to top the public "Top 5 by reuses").
 *
 * Pure; parsing is Node's WHATWG `URL` (never a parser of our own), which
 * already lower-cases the scheme and the host, decodes IDN hosts to
 * punycode, drops the default port and resolves `.` / `..` path segments.
 * On top of it the key:
 *
 * - uses `https` for `http` (the same page is served on both; otherwise one
 *   URL registered twice would count twice);
 * - drops the user info, a trailing dot of the host and the fragment (an
 *   anchor on the same page);
 * - drops trailing slashes of the path (`/app/` is `/app`; the root stays `/`);
 * - upper-cases percent escapes (`%2f` is `%2F`, RFC 3986 §6.2.2.1);
 * - drops the tracking parameters of {@link TRACKING_PARAMS} and
 *   {@link TRACKING_PREFIXES} and sorts the others by name (stable: repeated
 *   names keep their order).
 *
 * Kept as is, because two such URLs may well be different pages: the case
 * of the path and of the query (`/Data` and `/data` differ on most servers),
 * `www.` or not, any other query parameter (`ref`, `id`, `page`…).
 */

/** Query parameters that only say where a visitor came from (compared lower-cased). */
export const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  'fbclid', // Facebook
  'gclid', // Google Ads
  'dclid', // Google Display
  'gbraid', // Google Ads (iOS)
  'wbraid', // Google Ads (iOS)
  'msclkid', // Microsoft Ads
  'yclid', // Yandex
  'igshid', // Instagram
  'mc_cid', // Mailchimp campaign
  'mc_eid', // Mailchimp recipient
]);

/** Prefixes of tracking parameter names (compared lower-cased): Google Analytics campaigns. */
export const TRACKING_PREFIXES: readonly string[] = ['utm_'];

function isTracking(name: string): boolean {
  const n = name.toLowerCase();
  return TRACKING_PARAMS.has(n) || TRACKING_PREFIXES.some((p) => n.startsWith(p));
}

const upperEscapes = (s: string): string => s.replace(/%[0-9a-fA-F]{2}/g, (e) => e.toUpperCase());

/**
 * The normalised key of an http(s) URL (see the module comment).
 *
 * @throws (from `new URL`, "Invalid URL") when `url` is not a valid absolute URL.
 */
export function reuseUrlKey(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'http:') u.protocol = 'https:';
  u.username = '';
  u.password = '';
  u.hash = '';
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.replace(/\.+$/, '');
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = path === '' ? '/' : path;
  const params = new URLSearchParams(u.search);
  for (const name of [...new Set(params.keys())]) if (isTracking(name)) params.delete(name);
  params.sort();
  const search = params.toString();
  u.search = search ? `?${search}` : '';
  return upperEscapes(u.toString());
}

/**
 * The key of a stored reuse: its `urlKey`, or for a reuse stored before
 * keys existed, the key of its `url` (an unparsable legacy URL is its own key).
 */
export function storedReuseKey(r: { url: string; urlKey?: string | null }): string {
  if (r.urlKey) return r.urlKey;
  try {
    return reuseUrlKey(r.url);
  } catch {
    return r.url;
  }
}

/**
 * The id of a new reuse, derived from what identifies it, so that the same
 * registration sent twice at the same moment writes one document (the
 * database's `_id` uniqueness decides, not a look-up that both could miss).
 */
export function reuseIdFor(urlKey: string, datasetIds: readonly string[]): string {
  const h = createHash('sha256');
  h.update(urlKey);
  for (const id of [...new Set(datasetIds)].sort()) h.update(`\n${id}`);
  return `reuse-${h.digest('hex').slice(0, 40)}`;
}

/** A reuse as counting sees it, with the key of its URL. */
export interface KeyedReuseLink {
  id: string;
  datasetIds: readonly string[];
  key: string;
}

/**
 * One link per distinct URL key: the datasets of the links sharing a key
 * are merged, so the same work counts once per dataset and once in the
 * totals, however many times it was stored (duplicates written before
 * registration was idempotent, or two registrations racing). The merged
 * link keeps the smallest id.
 */
export function distinctReuseLinks(links: readonly KeyedReuseLink[]): { id: string; datasetIds: string[] }[] {
  const byKey = new Map<string, { id: string; datasetIds: Set<string> }>();
  for (const l of links) {
    const seen = byKey.get(l.key);
    if (!seen) {
      byKey.set(l.key, { id: l.id, datasetIds: new Set(l.datasetIds) });
      continue;
    }
    if (l.id < seen.id) seen.id = l.id;
    for (const d of l.datasetIds) seen.datasetIds.add(d);
  }
  return [...byKey.values()].map((v) => ({ id: v.id, datasetIds: [...v.datasetIds] }));
}
