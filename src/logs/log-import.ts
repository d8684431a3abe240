/**
 * Imports web-server and Make Data Count logs: streams each file line by
 * line (gzip by magic number), parses, maps URLs to resources, and sends
 * the events through the ingestion service in batches — the same path as
 * `trackAccesses`, so the same validation, counting and de-duplication
 * apply. Memory stays flat: one batch and the occurrence window are all it
 * keeps (docs/formats.md).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { Transform } from 'node:stream';
import { ErrorCode } from '../errors/error-codes';
import type { Caller } from '../domain/caller';
import type { TrackOutcome } from '../ingest/ingest.service';
import type { TrackEventInput } from '../domain/tracking';
import { ResourceType } from '../domain/resources';
import { normalizeDoi } from '../catalog/doi';
import { parseCombinedLine, type ParseResult } from './combined-log';
import { isMdcComment, parseMdcLine } from './mdc-log';
import { matchUrl, type CompiledRule } from './url-rules';
import { OccurrenceCounter, logEventId, requestHash, toLogEvent, type LogEventInput, type SkipReason } from './log-events';
import { legacyRequestHash } from './legacy-log-ids';
import { MAX_LINE_BYTES, TextEncodingError, readTextLines } from '../util/text-lines';

/**
 * The sender of imported events: one system account whatever the flags
 * (its id is the scope of eventIds and of double-click and session keys,
 * so a re-import under another `--portal` is still a duplicate), limited
 * to `--portal`'s resources when given.
 */
export const IMPORT_SENDER = 'log-import';

export function importCaller(portal: string | null): Caller {
  return { kind: 'user', userId: IMPORT_SENDER, role: 'TRACKER', automated: false, spaceIds: [], portalIds: portal ? [portal] : null };
}

export type LogFormat = 'combined' | 'mdc' | 'auto';

export interface LogImportDeps {
  track(inputs: readonly TrackEventInput[], caller: Caller): Promise<TrackOutcome[]>;
  /** Every dataset DOI of the catalog (normalised, see {@link normalizeDoi}) → dataset id. */
  datasetDois(): Promise<Map<string, string>>;
  /**
   * Which of these eventIds the caller's sender has stored. Given, a line
   * whose id under the scheme before issue 19 is stored is a duplicate and
   * is not sent (src/logs/legacy-log-ids.ts; remove with it).
   */
  storedEventIds?(eventIds: readonly string[]): Promise<ReadonlySet<string>>;
}

export interface LogImportOptions {
  rules: readonly CompiledRule[];
  caller: Caller;
  format?: LogFormat;
  /** Events per ingestion call, ≤ 500. */
  batchSize?: number;
  /** Called as input bytes are read (compressed bytes for .gz). */
  onProgress?(bytesRead: number): void;
  /** Longest line read, bytes; longer ones are skipped as `too long`. Default 65536. */
  maxLineBytes?: number;
  /**
   * What an operator can change about a rejection (the setting or flag),
   * appended to its message; null when only the line can be fixed.
   */
  hint?(code: string, message: string): string | null;
}

export interface LogImportSummary {
  files: number;
  lines: number;
  recorded: number;
  /** Already imported (or sent before with the same eventId). */
  duplicates: number;
  /** Of `duplicates`: imported by a version before issue 19, recognised by their old eventId (not sent). */
  legacyDuplicates: number;
  /** Imported before with other content (status, bytes…): EVENT_ID_CONFLICT, not recorded (also in `rejectedByCode`). */
  conflicts: number;
  /** Recorded events classified as robots, as machines (counted apart, docs/counting.md). */
  robots: number;
  machines: number;
  skipped: Record<SkipReason, number>;
  /** Rejections by error code (INVALID_TIMESTAMP: older than MAX_EVENT_AGE_DAYS, …). */
  rejectedByCode: Record<string, number>;
  /** What changes a rejection, by code (the first hint given, {@link LogImportOptions.hint}). */
  hints: Record<string, string>;
  /** A few skipped lines per reason, with their line numbers, to fix a mapping. */
  examples: { file: string; lineNo: number; reason: SkipReason; detail: string }[];
  /** Files not read (from the line given on), and why: an encoding we do not read. */
  refused: { file: string; lineNo: number; reason: string }[];
  peakRssBytes: number;
}

/**
 * Whether some lines were refused as invalid (`rejected` by validation, or
 * `too long`), or a file was refused: the CLI's exit code says so. Lines
 * skipped as `unparsable`, `no rule matched` or `unknown resource` are what
 * any web-server log holds (assets, scanners' garbage) and do not count.
 */
export function hasRejections(s: LogImportSummary): boolean {
  return s.skipped.rejected > 0 || s.skipped['too long'] > 0 || s.refused.length > 0;
}

const EXAMPLES_PER_REASON = 5;


/** Opens a file as a stream of text, gunzipping when it starts with the gzip magic number. */
function openText(path: string, onBytes: (n: number) => void): NodeJS.ReadableStream {
  const fd = fs.openSync(path, 'r');
  const head = Buffer.alloc(2);
  const n = fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  const counting = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
  const raw = fs.createReadStream(path, { highWaterMark: 256 * 1024 }).pipe(counting);
  if (n === 2 && head[0] === 0x1f && head[1] === 0x8b) return raw.pipe(zlib.createGunzip());
  return raw;
}

function detect(raw: string): 'combined' | 'mdc' {
  return raw.split('\t').length >= 10 ? 'mdc' : 'combined';
}

interface Pending {
  event: LogEventInput;
  /** The eventId an import before issue 19 gave this line. */
  legacyId: string;
  file: string;
  lineNo: number;
}

interface FileState {
  path: string;
  /** Decided from the first line when `auto`. */
  format: 'combined' | 'mdc' | null;
  occurrences: OccurrenceCounter;
  /** The same numbering over legacy request hashes, to rebuild the old ids. */
  legacyOccurrences: OccurrenceCounter;
}

export async function importLogFiles(paths: readonly string[], deps: LogImportDeps, opts: LogImportOptions): Promise<LogImportSummary> {
  const batchSize = Math.min(opts.batchSize ?? 500, 500);
  const summary: LogImportSummary = {
    files: 0,
    lines: 0,
    recorded: 0,
    duplicates: 0,
    legacyDuplicates: 0,
    conflicts: 0,
    robots: 0,
    machines: 0,
    skipped: { unparsable: 0, 'too long': 0, 'no rule matched': 0, 'unknown resource': 0, rejected: 0 },
    rejectedByCode: {},
    hints: {},
    examples: [],
    refused: [],
    peakRssBytes: process.memoryUsage().rss,
  };
  const exampleCount: Partial<Record<SkipReason, number>> = {};
  const skip = (reason: SkipReason, file: string, lineNo: number, detail: string): null => {
    summary.skipped[reason]++;
    const n = exampleCount[reason] ?? 0;
    if (n < EXAMPLES_PER_REASON) {
      exampleCount[reason] = n + 1;
      summary.examples.push({ file, lineNo, reason, detail: detail.slice(0, 300) });
    }
    return null;
  };
  let dois: Map<string, string> | null = null;
  let bytesRead = 0;

  let batch: Pending[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    let sent = batch;
    batch = [];
    if (deps.storedEventIds) {
      // One `_id $in` read per batch; lines an earlier version stored count as duplicates.
      const old = await deps.storedEventIds(sent.map((p) => p.legacyId));
      if (old.size) {
        const before = sent.length;
        sent = sent.filter((p) => !old.has(p.legacyId));
        summary.duplicates += before - sent.length;
        summary.legacyDuplicates += before - sent.length;
        if (!sent.length) return;
      }
    }
    const outcomes = await deps.track(sent.map((p) => p.event as unknown as TrackEventInput), opts.caller);
    outcomes.forEach((o, i) => {
      if (o.status === 'RECORDED') {
        summary.recorded++;
        if (o.trafficClass === 'robot') summary.robots++;
        else if (o.trafficClass === 'machine') summary.machines++;
      } else if (o.status === 'DUPLICATE') summary.duplicates++;
      else {
        const code = o.error?.code ?? 'UNKNOWN';
        const p = sent[i];
        const message = o.error?.message ?? '';
        const hint = opts.hint?.(code, message);
        if (hint && !summary.hints[code]) summary.hints[code] = hint;
        const detail = hint ? `${message} (${hint})` : message;
        if (code === ErrorCode.UNKNOWN_RESOURCE) skip('unknown resource', p.file, p.lineNo, detail);
        else {
          if (code === ErrorCode.EVENT_ID_CONFLICT) summary.conflicts++;
          summary.rejectedByCode[code] = (summary.rejectedByCode[code] ?? 0) + 1;
          skip('rejected', p.file, p.lineNo, `${code}: ${detail}`);
        }
      }
    });
    const rss = process.memoryUsage().rss;
    if (rss > summary.peakRssBytes) summary.peakRssBytes = rss;
  };

  const maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  for (const path of paths) {
    summary.files++;
    const occurrences = new OccurrenceCounter();
    const input = openText(path, (n) => {
      bytesRead += n;
      opts.onProgress?.(bytesRead);
    });
    const state: FileState = { path, format: opts.format && opts.format !== 'auto' ? opts.format : null, occurrences, legacyOccurrences: new OccurrenceCounter() };
    let lineNo = 0;
    try {
      for await (const lines of readTextLines(input as AsyncIterable<Buffer>, { maxLineBytes })) {
        for (const l of lines) {
          lineNo = l.lineNo;
          if (l.tooLong) {
            summary.lines++;
            skip('too long', path, lineNo, `${l.bytes} bytes, longer than ${maxLineBytes}: not read${opts.hint?.('TOO_LONG', '') ? ` (${opts.hint('TOO_LONG', '')})` : ''}`);
            continue;
          }
          const p = await toPending(l.text, lineNo, state);
          if (!p) continue;
          batch.push(p);
          if (batch.length >= batchSize) await flush();
        }
      }
    } catch (err) {
      if (!(err instanceof TextEncodingError)) throw err;
      summary.refused.push({ file: path, lineNo: lineNo + 1, reason: err.message });
      (input as unknown as { destroy(): void }).destroy();
    }
    await flush();
  }
  return summary;

  /** A line to the event to send, or null when skipped (counted in the summary) or not a line at all. */
  async function toPending(raw: string, lineNo: number, f: FileState): Promise<Pending | null> {
    const path = f.path;
    if (raw.trim() === '') return null;
    if (f.format === null) {
      if (raw.startsWith('#')) return null;
      f.format = detect(raw);
    }
    if (f.format === 'mdc' && isMdcComment(raw)) return null;
    summary.lines++;
    const parsed: ParseResult = f.format === 'mdc' ? parseMdcLine(raw) : parseCombinedLine(raw);
    if (!parsed.ok) return skip('unparsable', path, lineNo, parsed.reason);
    const line = parsed.line;
    const m = matchUrl(opts.rules, line.method, line.url);
    if (!m.ok) return skip('no rule matched', path, lineNo, `${line.method ?? ''} ${line.url}`);
    let resourceId = m.id;
    const doi = m.doi ?? (m.id === null ? line.doi ?? null : null);
    if (resourceId === null && doi !== null) {
      if (m.resourceType !== ResourceType.DATASET) {
        return skip('unknown resource', path, lineNo, `a DOI names a dataset, but rule ${m.rule + 1} maps to ${m.resourceType}`);
      }
      dois ??= await deps.datasetDois();
      resourceId = dois.get(normalizeDoi(doi)) ?? null;
      if (resourceId === null) return skip('unknown resource', path, lineNo, `no dataset with DOI ${doi}`);
    }
    if (resourceId === null) return skip('no rule matched', path, lineNo, `rule ${m.rule + 1} matched ${line.url} but gave no id or doi`);
    const hash = requestHash(line);
    const eventId = logEventId(hash, f.occurrences.next(hash, line.time.getTime()));
    const legacyHash = legacyRequestHash(line);
    const legacyId = logEventId(legacyHash, f.legacyOccurrences.next(legacyHash, line.time.getTime()));
    return { event: toLogEvent(line, { resourceType: m.resourceType, resourceId, action: m.action }, eventId), legacyId, file: path, lineNo };
  }
}

/** The summary as the CLI prints it: a two-column table, then refused files and examples. */
export function formatImportSummary(s: LogImportSummary): string {
  const row = (label: string, value: string | number, note = ''): string =>
    `  ${label.padEnd(26)} ${String(value).padStart(9)}${note ? `  ${note}` : ''}`;
  const lines = [
    'import summary',
    row('lines read', s.lines, `${s.files} file${s.files === 1 ? '' : 's'}`),
    row('recorded', s.recorded),
    row('  of which robots', s.robots, 'counted apart (docs/counting.md)'),
    row('  of which machines', s.machines),
    row('duplicates', s.duplicates, 'already imported, or sent with the same eventId'),
    ...(s.legacyDuplicates ? [row('  of which earlier ids', s.legacyDuplicates, 'imported by a version before issue 19 (docs/formats.md)')] : []),
    row('conflicts', s.conflicts, s.conflicts ? 'EVENT_ID_CONFLICT: imported before with other content; not recorded' : ''),
    row('skipped', Object.values(s.skipped).reduce((a, b) => a + b, 0)),
    ...Object.entries(s.skipped)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => row(`  ${r}`, n)),
  ];
  const codes = Object.entries(s.rejectedByCode);
  if (codes.length) lines.push('  rejected by code', ...codes.map(([c, n]) => row(`    ${c}`, n, s.hints[c] ?? '')));
  for (const r of s.refused) lines.push(`error: ${r.file}: not read from line ${r.lineNo} on: ${r.reason}`);
  if (s.examples.length) {
    lines.push('examples of skipped lines:');
    for (const e of s.examples) lines.push(`  ${e.file}:${e.lineNo} [${e.reason}] ${e.detail}`);
  }
  return lines.join('\n') + '\n';
}
