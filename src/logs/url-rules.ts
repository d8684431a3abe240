/**
 * URL-to-resource mapping of imported logs: an ordered list of regular
 * expressions, the first that matches decides the resource type, the
 * action and (named group `id`) the resource id — or (named group `doi`)
 * a DOI that the catalog resolves to a dataset. Pure; the config is a small
 * JSON file (docs/formats.md, examples/log-mapping.json):
 *
 *   { "rules": [ { "match": "^/datasets/(?<id>[^/]+)/?$", "resourceType": "DATASET", "action": "VIEW" }, … ] }
 *
 * Rules match the URL's path (percent-decoded groups), or path and query
 * with `"withQuery": true`; an absolute URL is reduced to its path first.
 * `methods` (default GET, HEAD, POST) limits the HTTP methods a rule takes.
 */
import { AccessAction, ResourceType } from '../domain/resources';

export interface UrlRuleSpec {
  match: string;
  resourceType: keyof typeof ResourceType;
  action: keyof typeof AccessAction;
  withQuery?: boolean;
  methods?: string[];
  /** Regex flags (e.g. `i`). */
  flags?: string;
}

export interface UrlMappingConfig {
  rules: UrlRuleSpec[];
}

export interface CompiledRule {
  index: number;
  re: RegExp;
  resourceType: ResourceType;
  action: AccessAction;
  withQuery: boolean;
  methods: Set<string> | null;
}

export type UrlMatch =
  | { ok: true; rule: number; resourceType: ResourceType; action: AccessAction; id: string | null; doi: string | null }
  | { ok: false };

const DEFAULT_METHODS = ['GET', 'HEAD', 'POST'];

/** Validates and compiles a mapping config; throws Error naming the bad rule. */
export function compileUrlRules(config: unknown): CompiledRule[] {
  const rules = (config as UrlMappingConfig | null)?.rules;
  if (!Array.isArray(rules) || rules.length === 0) throw new Error('log mapping: "rules" must be a non-empty array');
  return rules.map((r, index) => {
    const where = `log mapping rule ${index + 1}`;
    if (typeof r?.match !== 'string') throw new Error(`${where}: "match" must be a regular expression string`);
    if (!Object.hasOwn(ResourceType, r.resourceType)) throw new Error(`${where}: resourceType must be one of ${Object.keys(ResourceType).join(', ')}`);
    if (!Object.hasOwn(AccessAction, r.action)) throw new Error(`${where}: action must be one of ${Object.keys(AccessAction).join(', ')}`);
    let re: RegExp;
    try {
      re = new RegExp(r.match, r.flags ?? '');
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    // A rule without an `id` or `doi` group takes the DOI column of Make
    // Data Count lines; on web-server lines it matches but names nothing.
    return {
      index,
      re,
      resourceType: ResourceType[r.resourceType],
      action: AccessAction[r.action],
      withQuery: r.withQuery === true,
      methods: r.methods ? new Set(r.methods.map((m) => m.toUpperCase())) : new Set(DEFAULT_METHODS),
    };
  });
}

/** Path (and query) of a request target or an absolute URL. */
function targetParts(url: string): { path: string; query: string } {
  let rest = url;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (abs) rest = rest.slice(abs[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q >= 0 ? { path: rest.slice(0, q), query: rest.slice(q) } : { path: rest, query: '' };
}

function decode(s: string | undefined): string | null {
  if (s === undefined || s === '') return null;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The first rule that matches a request; `{ok: false}` when none does. */
export function matchUrl(rules: readonly CompiledRule[], method: string | null, url: string): UrlMatch {
  const { path, query } = targetParts(url);
  const m = (method ?? 'GET').toUpperCase();
  for (const r of rules) {
    if (r.methods && !r.methods.has(m)) continue;
    const hit = r.re.exec(r.withQuery ? path + query : path);
    if (!hit) continue;
    return {
      ok: true,
      rule: r.index,
      resourceType: r.resourceType,
      action: r.action,
      id: decode(hit.groups?.id),
      doi: decode(hit.groups?.doi),
    };
  }
  return { ok: false };
}
