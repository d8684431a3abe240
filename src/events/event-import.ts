/**
 * `import-events`: reads a JSON Lines export (event-rows.ts) back into the
 * event log of another (or the same) gateway, keeping each event as it was
 * stored — its sender, id, traffic class and COUNTER identity keys — so
 * the derived figures come out the same. Events already present (same
 * sender and id) are skipped: importing twice changes nothing. Streamed
 * line by line, in batches.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type { LoggedEvent } from '../domain/logged-event';
import { eventFromJson } from './event-rows';

export interface EventRestorer {
  /** Stores events as they are; one status per event. */
  restore(events: LoggedEvent[]): Promise<('RECORDED' | 'DUPLICATE' | 'CONFLICT')[]>;
}

export interface EventImportResult {
  lines: number;
  imported: number;
  duplicates: number;
  invalid: number;
  examples: string[];
}

const BATCH = 500;

export async function importEventFiles(files: readonly string[], restorer: EventRestorer, now: () => Date = () => new Date()): Promise<EventImportResult> {
  const r: EventImportResult = { lines: 0, imported: 0, duplicates: 0, invalid: 0, examples: [] };
  let batch: LoggedEvent[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const statuses = await restorer.restore(batch);
    statuses.forEach((s, i) => {
      if (s === 'RECORDED') r.imported++;
      else if (s === 'DUPLICATE') r.duplicates++;
      else {
        r.invalid++;
        if (r.examples.length < 10) r.examples.push(`${batch[i]._id}: stored with other content`);
      }
    });
    batch = [];
  };
  for (const file of files) {
    let input: NodeJS.ReadableStream = fs.createReadStream(file);
    if (/\.gz$/i.test(file)) input = input.pipe(zlib.createGunzip());
    let lineNo = 0;
    for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      if (raw.trim() === '') continue;
      r.lines++;
      try {
        const e = eventFromJson(JSON.parse(raw) as Record<string, unknown>);
        // The content hash tells a sender's retry from a conflicting
        // re-send; exports from before it was exported have none.
        batch.push({ ...e, _id: `${e.scope}|${e.eventId}`, h: e.h ?? 'import', receivedAt: now() });
      } catch (err) {
        r.invalid++;
        if (r.examples.length < 10) r.examples.push(`${file}:${lineNo}: ${(err as Error).message}`);
      }
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  return r;
}
