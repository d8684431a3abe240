/**
 * `import-events`: reads a JSON Lines export (event-rows.ts) back into the
 * event log of another (or the same) gateway, keeping each event as it was
 * stored — its sender, id, traffic class and COUNTER identity keys — so
 * the derived figures come out the same. Events already present (same
 * sender and id) are skipped: importing twice changes nothing. Streamed
 * line by line (lines over 64 KiB are refused unread), in batches.
 *
 * Every line is checked like a `trackAccesses` event before it is stored
 * (src/aggregate/stored-event-check.ts: ids, enums, time window, numbers):
 * an export edited by hand must not put into the log what the aggregator
 * cannot count. A refused line is reported with its number and error code.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { ErrorCode } from '../errors/error-codes';
import type { LoggedEvent } from '../domain/logged-event';
import { eventKey } from '../store/storage-keys';
import { MAX_USER_AGENT, truncateText, type EventLimits } from '../ingest/validate-event';
import { checkImportedEvent } from '../aggregate/stored-event-check';
import { MAX_LINE_BYTES, readTextLines } from '../util/text-lines';
import { eventFromJson } from './event-rows';
import { storedUrl } from '../privacy/stored-form';

/** REJECTED: the event fails the stored-event rules (stored-event-check.ts) and was not stored. */
export type RestoreStatus = 'RECORDED' | 'DUPLICATE' | 'CONFLICT' | 'REJECTED';

export interface EventRestorer {
  /** Stores events as they are; one status per event. */
  restore(events: LoggedEvent[]): Promise<RestoreStatus[]>;
}

export interface EventImportResult {
  lines: number;
  imported: number;
  duplicates: number;
  /** Lines refused: malformed, invalid (by code in `rejectedByCode`), too long, or an event id stored with other content. */
  invalid: number;
  rejectedByCode: Record<string, number>;
  /** The first few refused lines: `file:line: CODE: reason`. */
  examples: string[];
}

export interface EventImportOptions {
  /** The ingestion window (MAX_FUTURE_SKEW_MS, MAX_EVENT_AGE_DAYS). */
  limits: EventLimits;
  now?: () => Date;
  /** Longest line read, bytes. Default 65536. */
  maxLineBytes?: number;
  /** Refused lines listed in `examples`. Default 20. */
  maxExamples?: number;
  /** Store URLs with their query string and fragment (`KEEP_URL_QUERY`); the stored click keys already hold the full URL. Default false. */
  keepUrlQuery?: boolean;
}

const BATCH = 500;

export async function importEventFiles(files: readonly string[], restorer: EventRestorer, opts: EventImportOptions): Promise<EventImportResult> {
  const now = opts.now ?? (() => new Date());
  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const maxExamples = opts.maxExamples ?? 20;
  const r: EventImportResult = { lines: 0, imported: 0, duplicates: 0, invalid: 0, rejectedByCode: {}, examples: [] };
  const refuse = (where: string, code: string, message: string): void => {
    r.invalid++;
    r.rejectedByCode[code] = (r.rejectedByCode[code] ?? 0) + 1;
    if (r.examples.length < maxExamples) r.examples.push(`${where}: ${code}: ${message}`);
  };
  let batch: { event: LoggedEvent; where: string }[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const sent = batch;
    batch = [];
    const statuses = await restorer.restore(sent.map((b) => b.event));
    statuses.forEach((s, i) => {
      if (s === 'RECORDED') r.imported++;
      else if (s === 'DUPLICATE') r.duplicates++;
      else if (s === 'REJECTED') refuse(sent[i].where, ErrorCode.BAD_USER_INPUT, 'refused by the event log');
      else refuse(sent[i].where, ErrorCode.EVENT_ID_CONFLICT, `${sent[i].event._id} is stored with other content`);
    });
  };
  for (const file of files) {
    let input: NodeJS.ReadableStream = fs.createReadStream(file);
    if (/\.gz$/i.test(file)) input = input.pipe(zlib.createGunzip());
    for await (const lines of readTextLines(input as AsyncIterable<Buffer>, { maxLineBytes })) {
      for (const l of lines) {
        const where = `${file}:${l.lineNo}`;
        if (l.tooLong) {
          r.lines++;
          refuse(where, ErrorCode.VALUE_OUT_OF_RANGE, `line of ${l.bytes} bytes, longer than ${maxLineBytes}: not read`);
          continue;
        }
        if (l.text.trim() === '') continue;
        r.lines++;
        const parsed = parseLine(l.text, now(), opts.limits, opts.keepUrlQuery === true);
        if ('code' in parsed) refuse(where, parsed.code, parsed.message);
        else batch.push({ event: parsed, where });
        if (batch.length >= BATCH) await flush();
      }
    }
  }
  await flush();
  return r;
}

/** One JSON Lines record to the event to store, or why not. */
function parseLine(text: string, now: Date, limits: EventLimits, keepUrlQuery: boolean): LoggedEvent | { code: string; message: string } {
  let e: LoggedEvent;
  try {
    const rec: unknown = JSON.parse(text);
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new Error('not a JSON object');
    const f = eventFromJson(rec as Record<string, unknown>);
    // The content hash tells a sender's retry from a conflicting
    // re-send; exports from before it was exported have none.
    e = {
      ...f,
      _id: eventKey(f.scope, f.eventId),
      h: f.h ?? 'import',
      userAgent: f.userAgent === null ? null : truncateText(f.userAgent, MAX_USER_AGENT),
      url: storedUrl(f.url, keepUrlQuery),
      receivedAt: now,
    };
  } catch (err) {
    return { code: ErrorCode.BAD_USER_INPUT, message: (err as Error).message };
  }
  return checkImportedEvent(e, now, limits) ?? e;
}
