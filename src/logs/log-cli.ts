/**
 * CLI commands of the field formats (registered by src/cli.ts):
 *
 *   usage-gateway import-logs --mapping rules.json [--portal p] [--format auto|combined|mdc] FILE...
 *   usage-gateway export-events [--since d] [--until d] [--format jsonl|csv] [--portal p] [--out FILE]
 *   usage-gateway import-events FILE.jsonl...
 *
 * They open the database like the other commands (stop the gateway first
 * when it runs on the embedded database).
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { CliIo } from '../cli';
import type { Store } from '../store/store';
import type { Caller } from '../auth/caller';
import { loadConfig } from '../config';
import { createServices, type Services } from '../services';
import { SushiRepository } from '../store/sushi.repository';
import { EventExportRepository } from '../store/event-export.repository';
import { EventExportService } from '../events/event-export.service';
import { EVENT_EXPORT_COLUMNS } from '../events/event-rows';
import { writeCsv } from '../reports/csv-stream';
import { parseInstantWindow } from '../dates/date-input';
import { compileUrlRules } from './url-rules';
import { formatImportSummary, hasRejections, importLogFiles, type LogFormat } from './log-import';
import { importEventFiles, type EventRestorer } from '../events/event-import';
import { EventLogRestorer } from '../events/event-restore';

/**
 * Exit codes of the import commands: 0 everything read was stored (or was
 * already there, or, for logs, is no dataset request); 1 the command failed
 * (arguments, an unreadable or refused file, the database); 2 it ran to the
 * end but refused some lines (listed on stderr by file:line and code).
 */
export const EXIT_FAILED = 1;
export const EXIT_REJECTED = 2;

export type Connect = (env: NodeJS.ProcessEnv) => Promise<{ store: Store; close(): Promise<void> }>;

/** The sender of imported events: a system account, limited to `--portal` when given. */
export function importCaller(portal: string | null): Caller {
  return { kind: 'user', userId: portal ? `log-import-${portal}` : 'log-import', role: 'TRACKER', automated: false, spaceIds: [], portalIds: portal ? [portal] : null };
}

const ADMIN: Caller = { kind: 'user', userId: 'cli', role: 'ADMIN', automated: false, spaceIds: [] };

async function withServices(io: CliIo, connect: Connect, fn: (s: Services) => Promise<number>): Promise<number> {
  let conn: Awaited<ReturnType<Connect>> | null = null;
  let services: Services | null = null;
  try {
    conn = await connect(io.env);
    services = createServices(conn.store, loadConfig(io.env));
    return await fn(services);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    io.err(`error: ${err.message || String(err)}\n`);
    return EXIT_FAILED;
  } finally {
    // Acknowledged events are stored; derive their figures before leaving,
    // so reports read right after the command see them.
    await services?.ingest.drain().catch(() => undefined);
    await services?.aggregator.settle().catch((err: Error) => io.err(`warning: figures not yet derived (${err.message}); the gateway derives them when it runs\n`));
    await conn?.close();
  }
}

export interface ImportLogsOptions {
  mapping: string;
  portal?: string | null;
  format?: LogFormat;
  progress?: boolean;
}

export async function importLogsCommand(files: string[], o: ImportLogsOptions, io: CliIo, connect: Connect): Promise<number> {
  let rules;
  try {
    rules = compileUrlRules(JSON.parse(fs.readFileSync(o.mapping, 'utf8')));
    for (const f of files) fs.accessSync(f, fs.constants.R_OK);
  } catch (err) {
    io.err(`error: ${(err as Error).message}\n`);
    return 1;
  }
  return withServices(io, connect, async (services) => {
    const total = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
    const bar = o.progress === false ? null : new SingleBar({ stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} MB | ETA {eta}s', hideCursor: true }, Presets.shades_classic);
    bar?.start(Math.max(1, Math.round(total / 1e6)), 0);
    const started = Date.now();
    const summary = await importLogFiles(
      files,
      { track: (inputs, caller) => services.ingest.track(inputs, caller), datasetDois: () => new SushiRepository(services.store).datasetDois() },
      { rules, caller: importCaller(o.portal ?? null), format: o.format ?? 'auto', onProgress: (n) => bar?.update(Math.round(n / 1e6)) },
    );
    bar?.stop();
    const secs = (Date.now() - started) / 1000;
    io.err(formatImportSummary(summary));
    io.err(`time: ${secs.toFixed(1)} s (${Math.round(summary.lines / Math.max(secs, 0.001))} lines/s), peak RSS ${Math.round(summary.peakRssBytes / 1e6)} MB\n`);
    io.out(`${JSON.stringify({ lines: summary.lines, recorded: summary.recorded, duplicates: summary.duplicates, skipped: summary.skipped, refused: summary.refused.map((r) => r.file) })}\n`);
    return summary.refused.length ? EXIT_FAILED : hasRejections(summary) ? EXIT_REJECTED : 0;
  });
}

export interface ExportEventsOptions {
  since?: string;
  until?: string;
  format?: string;
  portal?: string;
  out?: string;
}

export async function exportEventsCommand(o: ExportEventsOptions, io: CliIo, connect: Connect): Promise<number> {
  let window;
  const format = (o.format ?? 'jsonl').toLowerCase();
  try {
    if (format !== 'jsonl' && format !== 'csv') throw new Error('--format must be jsonl or csv');
    window = parseInstantWindow(o.since, o.until);
  } catch (err) {
    io.err(`error: ${(err as Error).message}\n`);
    return 1;
  }
  return withServices(io, connect, async (services) => {
    const open = new EventExportService(new EventExportRepository(services.store)).open(ADMIN, window, o.portal ?? null);
    const out = o.out ? fs.createWriteStream(o.out) : null;
    let n = 0;
    if (format === 'csv') {
      const target = out ?? textSink(io);
      n = await writeCsv(open.csv(), EVENT_EXPORT_COLUMNS, target, { bom: false });
    } else {
      for await (const line of open.jsonl()) {
        n++;
        if (out) {
          if (!out.write(line)) await once(out, 'drain');
        } else io.out(line);
      }
      if (out) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    io.err(`exported ${n} event${n === 1 ? '' : 's'}\n`);
    return 0;
  });
}

/** A Writable that hands text to `io.out` (CSV to stdout). */
function textSink(io: CliIo): NodeJS.WritableStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Writable } = require('node:stream') as typeof import('node:stream');
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      io.out(chunk.toString('utf8'));
      cb();
    },
  });
}

/** How restored events reach the event log. */
function restorerOf(services: Services): EventRestorer {
  return new EventLogRestorer(services.eventLog, () => services.aggregator.notify());
}

export async function importEventsCommand(files: string[], io: CliIo, connect: Connect): Promise<number> {
  return withServices(io, connect, async (services) => {
    const config = loadConfig(io.env);
    const r = await importEventFiles(files, restorerOf(services), {
      limits: { maxFutureSkewMs: config.maxFutureSkewMs, maxEventAgeDays: config.maxEventAgeDays },
    });
    io.err(`events: ${r.lines} lines, ${r.imported} imported, ${r.duplicates} already present, ${r.invalid} invalid\n`);
    const codes = Object.entries(r.rejectedByCode).map(([c, n]) => `${c}: ${n}`);
    if (codes.length) io.err(`  refused by code: ${codes.join(', ')}\n`);
    for (const e of r.examples) io.err(`  ${e}\n`);
    if (r.invalid > r.examples.length) io.err(`  … and ${r.invalid - r.examples.length} more\n`);
    return r.invalid ? EXIT_REJECTED : 0;
  });
}

/** Adds the commands to the CLI program. */
export function registerFormatCommands(program: Command, io: CliIo, connect: Connect, setCode: (c: number) => void): void {
  program
    .command('import-logs')
    .description('Import web-server (Combined Log Format) or Make Data Count logs, plain or gzipped, through the ingestion path. Idempotent.')
    .argument('<files...>', 'log files')
    .requiredOption('--mapping <file>', 'URL-to-resource rules, JSON (see examples/log-mapping.json)')
    .option('--portal <id>', 'only resources of this portal (others are rejected)')
    .option('--format <format>', 'auto, combined or mdc', 'auto')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], o: ImportLogsOptions) => {
      setCode(await importLogsCommand(files, o, io, connect));
    });
  program
    .command('export-events')
    .description('Write stored events (JSON Lines or CSV) of a window to stdout or --out.')
    .option('--since <date>', 'YYYY-MM, YYYY-MM-DD or ISO date-time (UTC)')
    .option('--until <date>', 'inclusive; same forms')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('--portal <id>', 'only this portal')
    .option('--out <file>', 'output file (default stdout)')
    .action(async (o: ExportEventsOptions) => {
      setCode(await exportEventsCommand(o, io, connect));
    });
  program
    .command('import-events')
    .description('Import a JSON Lines event export (export-events) into this database; events already present are skipped.')
    .argument('<files...>', 'JSON Lines files')
    .action(async (files: string[]) => {
      setCode(await importEventsCommand(files, io, connect));
    });
}
