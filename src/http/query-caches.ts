import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';

/**
 * Bounded caches of Apollo's request pipeline (docs/security.md, "Query
 * caches"). Both are least-recently-used and sized in bytes of query text.
 *
 * Why not Apollo's defaults: its parsed-document cache sizes an entry by the
 * JSON of the AST, which leaves out the source text every `loc` keeps
 * alive; a 100 KB query that is mostly a comment counted ~100 bytes, and
 * 9,000 distinct ones held ~1 GB.
 */

/** Parsed and validated documents kept, bytes (source text + AST JSON). */
export const DOCUMENT_CACHE_BYTES = 16 * 1024 * 1024;

/** What a parsed document holds on to: its source text and its nodes. */
export function documentSize(doc: DocumentNode): number {
  return (doc.loc?.source.body.length ?? 0) + InMemoryLRUCache.sizeCalculation(doc);
}

/** The parsed-document cache (Apollo's `documentStore`). */
export function documentCache(): InMemoryLRUCache<DocumentNode> {
  return new InMemoryLRUCache<DocumentNode>({ maxSize: DOCUMENT_CACHE_BYTES, sizeCalculation: documentSize });
}

/** The automatic persisted query cache, `maxBytes` of query text; null (APQ off) for 0. */
export function persistedQueryCache(maxBytes: number): InMemoryLRUCache<string> | null {
  return maxBytes > 0 ? new InMemoryLRUCache<string>({ maxSize: maxBytes }) : null;
}
