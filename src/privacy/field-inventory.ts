/**
 * What the database holds, field by field: the measured half of
 * docs/privacy.md. Pure: the store samples documents, this names what it
 * saw. `usage-gateway stored-data` prints it, and `test/privacy-doc.test.ts`
 * fails when a stored field is missing from the written account.
 *
 * @packageDocumentation
 */

/** One kind of document: a collection, or a document kind inside `event_log`. */
export interface StoredKind {
  /** `collection` or `event_log:<kind>` (`event`, `~i`, `~q`, `~x`). */
  kind: string;
  /** Documents of this kind in the sample (the store reads both ends of each `_id` range, not the whole collection). */
  sampled: number;
  /** Top-level field names seen in the sample, sorted. A field holding a map keyed by data (countries) is one field. */
  fields: string[];
  /** The oldest and newest `day` field in the sample (exact for the event log's day indexes, which the store samples at both ends), when it has any. */
  oldestDay: string | null;
  newestDay: string | null;
}

/** The event log's document kinds: events, day indexes, queue entries and quarantine records, told apart by `_id`. */
export function eventLogKind(id: unknown): string {
  if (typeof id !== 'string') return 'event';
  if (id.startsWith('~')) return id.split('|', 1)[0] ?? id;
  return 'event';
}

function dayOf(doc: Record<string, unknown>): string | null {
  return typeof doc.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(doc.day) ? doc.day : null;
}

/** Folds one collection's sampled documents into kinds. */
export function inventory(collection: string, docs: Iterable<Record<string, unknown>>): StoredKind[] {
  const byKind = new Map<string, { sampled: number; fields: Set<string>; oldest: string | null; newest: string | null }>();
  for (const doc of docs) {
    const kind = collection === 'event_log' ? `event_log:${eventLogKind(doc._id)}` : collection;
    let k = byKind.get(kind);
    if (!k) {
      k = { sampled: 0, fields: new Set(), oldest: null, newest: null };
      byKind.set(kind, k);
    }
    k.sampled++;
    for (const f of Object.keys(doc)) k.fields.add(f);
    const day = dayOf(doc);
    if (day !== null) {
      if (k.oldest === null || day < k.oldest) k.oldest = day;
      if (k.newest === null || day > k.newest) k.newest = day;
    }
  }
  return [...byKind].map(([kind, k]) => ({
    kind,
    sampled: k.sampled,
    fields: [...k.fields].sort(),
    oldestDay: k.oldest,
    newestDay: k.newest,
  }));
}

/** A collection as the store counted it, with its kinds. */
export interface StoredCollection {
  name: string;
  documents: number;
  kinds: StoredKind[];
}

/** Plain text, one collection per paragraph: what an operator reads before answering a data-protection officer. */
export function formatInventory(collections: readonly StoredCollection[]): string {
  return collections
    .map((c) => {
      const kinds = c.kinds.map((k) => {
        const span = k.oldestDay ? `, days ${k.oldestDay} to ${k.newestDay}` : '';
        const label = k.kind === c.name ? '' : `${k.kind.slice(c.name.length + 1)}: `;
        return `  ${label}${k.fields.join(' ')}  (${k.sampled} sampled${span})\n`;
      });
      return `${c.name}: ${c.documents} documents\n${kinds.join('')}`;
    })
    .join('');
}
