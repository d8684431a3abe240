/**
 * Imports web-server and Make Data Count logs: streams each file line by
 * line (gzip by magic number), parses, maps URLs to resources, and sends
 * the events through the ingestion service in batches — the same path as
 * `trackAccesses`, so the same validation, counting and de-duplication
 * apply. Memory stays flat: one batch and the occurrence window are all it
 * keeps (docs/formats.md).
 */
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { Transform } from 'node:stream';
import { ErrorCode } from '../errors/error-codes';
import type { Caller } from '../auth/caller';
import type { TrackOutcome } from '../ingest/ingest.service';
import type { TrackEventInput } from '../domain/tracking';
import { ResourceType } from '../domain/resources';
import { normalizeDoi } from '../catalog/doi';
import { parseCombinedLine, type ParseResult } from './combined-log';
import { isMdcComment, parseMdcLine } from './mdc-log';
import { matchUrl, type CompiledRule } from './url-rules';
import { OccurrenceCounter, lineHash, logEventId, toLogEvent, type LogEventInput, type SkipReason } from './log-events';

export type LogFormat = 'combined' | 'mdc' | 'auto';

export interface LogImportDeps {
  track(inputs: readonly TrackEventInput[], caller: Caller): Promise<TrackOutcome[]>;
  /** Every dataset DOI of the catalog (normalised, see {@link normalizeDoi}) → dataset id. */
  datasetDois(): Promise<Map<string, string>>;
}

export interface LogImportOptions {
  rules: readonly CompiledRule[];
  caller: Caller;
  format?: LogFormat;
  /** Events per ingestion call, ≤ 500. */
  batchSize?: number;
  /** Called as input bytes are read (compressed bytes for .gz). */
  onProgress?(bytesRead: number): void;
}

export interface LogImportSummary {
  files: number;
  lines: number;
  recorded: number;
  /** Already imported (or sent before with the same eventId). */
  duplicates: number;
  skipped: Record<SkipReason, number>;
  /** Rejections by error code (INVALID_TIMESTAMP: older than MAX_EVENT_AGE_DAYS, …). */
  rejectedByCode: Record<string, number>;
  /** A few skipped lines per reason, with their line numbers, to fix a mapping. */
  examples: { file: string; lineNo: number; reason: SkipReason; detail: string }[];
  peakRssBytes: number;
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
  file: string;
  lineNo: number;
}

export async function importLogFiles(paths: readonly string[], deps: LogImportDeps, opts: LogImportOptions): Promise<LogImportSummary> {
  const batchSize = Math.min(opts.batchSize ?? 500, 500);
  const summary: LogImportSummary = {
    files: 0,
    lines: 0,
    recorded: 0,
    duplicates: 0,
    skipped: { unparsable: 0, 'no rule matched': 0, 'unknown resource': 0, rejected: 0 },
    rejectedByCode: {},
    examples: [],
    peakRssBytes: process.memoryUsage().rss,
  };
  const exampleCount: Partial<Record<SkipReason, number>> = {};
  const skip = (reason: SkipReason, file: string, lineNo: number, detail: string): void => {
    summary.skipped[reason]++;
    const n = exampleCount[reason] ?? 0;
    if (n < EXAMPLES_PER_REASON) {
      exampleCount[reason] = n + 1;
      summary.examples.push({ file, lineNo, reason, detail: detail.slice(0, 300) });
    }
  };
  let dois: Map<string, string> | null = null;
  let bytesRead = 0;

  let batch: Pending[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const sent = batch;
    batch = [];
    const outcomes = await deps.track(sent.map((p) => p.event as unknown as TrackEventInput), opts.caller);
    outcomes.forEach((o, i) => {
      if (o.status === 'RECORDED') summary.recorded++;
      else if (o.status === 'DUPLICATE') summary.duplicates++;
      else {
        const code = o.error?.code ?? 'UNKNOWN';
        const p = sent[i];
        if (code === ErrorCode.UNKNOWN_RESOURCE) skip('unknown resource', p.file, p.lineNo, o.error?.message ?? '');
        else {
          summary.rejectedByCode[code] = (summary.rejectedByCode[code] ?? 0) + 1;
          skip('rejected', p.file, p.lineNo, `${code}: ${o.error?.message ?? ''}`);
        }
      }
    });
    const rss = process.memoryUsage().rss;
    if (rss > summary.peakRssBytes) summary.peakRssBytes = rss;
  };

  for (const path of paths) {
    summary.files++;
    const occurrences = new OccurrenceCounter();
    const input = openText(path, (n) => {
      bytesRead += n;
      opts.onProgress?.(bytesRead);
    });
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    let format: 'combined' | 'mdc' | null = opts.format && opts.format !== 'auto' ? opts.format : null;
    let lineNo = 0;
    for await (const raw of rl) {
      lineNo++;
      if (raw.trim() === '') continue;
      if (format === null) {
        if (raw.startsWith('#')) continue;
        format = detect(raw);
      }
      if (format === 'mdc' && isMdcComment(raw)) continue;
      summary.lines++;
      const parsed: ParseResult = format === 'mdc' ? parseMdcLine(raw) : parseCombinedLine(raw);
      if (!parsed.ok) {
        skip('unparsable', path, lineNo, parsed.reason);
        continue;
      }
      const line = parsed.line;
      const m = matchUrl(opts.rules, line.method, line.url);
      if (!m.ok) {
        skip('no rule matched', path, lineNo, `${line.method ?? ''} ${line.url}`);
        continue;
      }
      let resourceId = m.id;
      const doi = m.doi ?? (m.id === null ? line.doi ?? null : null);
      if (resourceId === null && doi !== null) {
        if (m.resourceType !== ResourceType.DATASET) {
          skip('unknown resource', path, lineNo, `a DOI names a dataset, but rule ${m.rule + 1} maps to ${m.resourceType}`);
          continue;
        }
        dois ??= await deps.datasetDois();
        resourceId = dois.get(normalizeDoi(doi)) ?? null;
        if (resourceId === null) {
          skip('unknown resource', path, lineNo, `no dataset with DOI ${doi}`);
          continue;
        }
      }
      if (resourceId === null) {
        skip('no rule matched', path, lineNo, `rule ${m.rule + 1} matched ${line.url} but gave no id or doi`);
        continue;
      }
      const hash = lineHash(raw);
      const eventId = logEventId(hash, occurrences.next(hash, line.time.getTime()));
      batch.push({ event: toLogEvent(line, { resourceType: m.resourceType, resourceId, action: m.action }, eventId), file: path, lineNo });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }
  return summary;
}

/** The summary as the CLI prints it. */
export function formatImportSummary(s: LogImportSummary): string {
  const skipped = Object.entries(s.skipped)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `  ${r}: ${n}`);
  const codes = Object.entries(s.rejectedByCode).map(([c, n]) => `    ${c}: ${n}`);
  const lines = [
    `files: ${s.files}, lines: ${s.lines}`,
    `recorded: ${s.recorded}, already imported: ${s.duplicates}`,
    `skipped: ${Object.values(s.skipped).reduce((a, b) => a + b, 0)}`,
    ...skipped,
    ...(codes.length ? ['  rejected by code:', ...codes] : []),
  ];
  if (s.examples.length) {
    lines.push('examples of skipped lines:');
    for (const e of s.examples) lines.push(`  ${e.file}:${e.lineNo} [${e.reason}] ${e.detail}`);
  }
  return lines.join('\n') + '\n';
}
