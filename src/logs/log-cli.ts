/**
 * CLI commands of the field formats (registered by src/cli.ts):
 *
 *   usage-gateway import-logs --mapping rules.json [--portal p] [--format auto|combined|mdc] [--historical] [--create] FILE...
 *   usage-gateway export-events [--since d] [--until d] [--format jsonl|csv] [--portal p] [--out FILE]
 *   usage-gateway import-events [--historical] [--create] FILE.jsonl...
 *
 * They open the database like the other commands (stop the gateway first
 * when it runs on the embedded database).
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { CliIo, ConnectOptions } from '../cli';
import type { GatewayConfig } from '../config';
import type { Store } from '../store/store';
import type { Caller } from '../domain/caller';
import { identityKeyWindowDays, loadConfig } from '../config';
import { destroyExpiredSecrets } from '../ingest/secret-expiry';
import { reduceImportedDays } from '../maintenance';
import { utcDay } from '../util/utc-day';
import { createServices, type Services } from '../services';
import { SushiRepository } from '../store/sushi.repository';
import { EventExportRepository } from '../store/event-export.repository';
import { EventIdsRepository } from '../store/event-ids.repository';
import { EventExportService } from '../events/event-export.service';
import { EVENT_EXPORT_COLUMNS } from '../events/event-rows';
import { writeCsv } from '../reports/csv-stream';
import { parseInstantWindow } from '../dates/date-input';
import { compileUrlRules } from './url-rules';
import { MAX_LINE_BYTES } from '../util/text-lines';
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

export type Connect = (env: NodeJS.ProcessEnv, opts?: ConnectOptions) => Promise<{ store: Store; close(): Promise<void> }>;

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

const ADMIN: Caller = { kind: 'user', userId: 'cli', role: 'ADMIN', automated: false, spaceIds: [] };

interface WithServicesOptions {
  /** May start an embedded database in a DATA_DIR that has none (`--create`). */
  create?: boolean;
  createFlag?: string;
  /** Changes to the configuration for this command (`--historical`). */
  config?: (c: GatewayConfig) => GatewayConfig;
}

async function withServices(io: CliIo, connect: Connect, fn: (s: Services) => Promise<number>, o: WithServicesOptions = {}): Promise<number> {
  let conn: Awaited<ReturnType<Connect>> | null = null;
  let services: Services | null = null;
  try {
    conn = await connect(io.env, { create: o.create ?? false, createFlag: o.createFlag, log: io.err });
    const config = loadConfig(io.env);
    services = createServices(conn.store, o.config ? o.config(config) : config);
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
  /** Progress on stderr: a bar on a terminal, else a line every {@link PROGRESS_EVERY_MS}. Default true. */
  progress?: boolean;
  /** Accept lines older than MAX_EVENT_AGE_DAYS, back to {@link HISTORICAL_FROM}. Default false. */
  historical?: boolean;
  /** May start an embedded database in a DATA_DIR that has none. Default false. */
  create?: boolean;
  /** Longest line read, bytes (`--max-line-bytes`). Default 65536. */
  maxLineBytes?: number | string;
}

/** The earliest day `--historical` accepts: the aggregator counts dates from 2000 on (src/aggregate/stored-event-check.ts). */
export const HISTORICAL_FROM = Date.UTC(2000, 0, 1);
/** Progress lines when stderr is no terminal, ms. */
export const PROGRESS_EVERY_MS = 30_000;

/** MAX_EVENT_AGE_DAYS for an import that accepts archived logs: back to {@link HISTORICAL_FROM}. */
export function historicalMaxAgeDays(now = Date.now()): number {
  return Math.ceil((now - HISTORICAL_FROM) / 86_400_000);
}

/** What an operator can change about a rejected line: the setting or flag (docs/formats.md). */
export function importHint(code: string, message: string, c: { maxEventAgeDays: number; identityKeyDays?: number | null; maxFutureSkewMs: number; historical: boolean; portal: string | null; maxLineBytes: number }): string | null {
  switch (code) {
    case 'INVALID_TIMESTAMP':
      if (/older than/.test(message)) {
        return c.historical
          ? 'before 2000-01-01, the earliest day the gateway counts'
          : `older than ${c.identityKeyDays != null && c.identityKeyDays < c.maxEventAgeDays ? `IDENTITY_KEY_DAYS=${c.identityKeyDays}` : `MAX_EVENT_AGE_DAYS=${c.maxEventAgeDays}`} (use --historical to import archived logs)`;
      }
      if (/future/.test(message)) return `more than MAX_FUTURE_SKEW_MS=${c.maxFutureSkewMs} ms ahead: check the log's time zone or this machine's clock`;
      return null;
    case 'UNKNOWN_RESOURCE':
      return c.portal
        ? `not in the catalog, or not of --portal ${c.portal}: load the catalog first, or fix --mapping`
        : 'not in the catalog: load the catalog first, or fix --mapping';
    case 'EVENT_ID_CONFLICT':
      return 'the same request was imported before with other content (status, bytes) or under another --mapping; not recorded';
    case 'TOO_LONG':
      return `raise --max-line-bytes (now ${c.maxLineBytes})`;
    case 'BAD_USER_INPUT':
      return 'the line itself, or the --mapping rule that read it';
    default:
      return null;
  }
}

/** Progress on stderr: a bar on a terminal, else a line now and then (logs of cron jobs). */
function progressReporter(io: CliIo, totalBytes: number, enabled: boolean): { update(bytes: number): void; stop(): void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  if (process.stderr.isTTY === true) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
    const bar = new SingleBar({ stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} MB | ETA {eta}s', hideCursor: true }, Presets.shades_classic);
    bar.start(Math.max(1, Math.round(totalBytes / 1e6)), 0);
    return { update: (n) => bar.update(Math.round(n / 1e6)), stop: () => bar.stop() };
  }
  let last = Date.now();
  return {
    update(n) {
      if (Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      io.err(`import: ${mb(n)} of ${mb(totalBytes)} MB read (${Math.round((100 * n) / Math.max(totalBytes, 1))}%)\n`);
    },
    stop: () => undefined,
  };
}

export async function importLogsCommand(files: string[], o: ImportLogsOptions, io: CliIo, connect: Connect): Promise<number> {
  let rules;
  const maxLineBytes = o.maxLineBytes === undefined ? MAX_LINE_BYTES : Number(o.maxLineBytes);
  try {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1024 || maxLineBytes > 64 * 1024 * 1024) throw new Error('--max-line-bytes takes a whole number from 1024 to 67108864');
    rules = compileUrlRules(JSON.parse(fs.readFileSync(o.mapping, 'utf8')));
    for (const f of files) fs.accessSync(f, fs.constants.R_OK);
  } catch (err) {
    io.err(`error: ${(err as Error).message}\n`);
    return 1;
  }
  const portal = o.portal ?? null;
  const historical = o.historical === true;
  return withServices(
    io,
    connect,
    async (services) => {
      // Before anything is imported: an unknown --portal would reject every line as an unknown resource.
      if (portal !== null) {
        const portals = await new SushiRepository(services.store).portals();
        if (!portals.has(portal)) {
          const known = [...portals.keys()].sort();
          io.err(`error: unknown portal "${portal}" (--portal takes a portal id of the catalog${known.length ? `: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}` : '; it has none'}); nothing imported\n`);
          return EXIT_FAILED;
        }
      }
      const config = loadConfig(io.env);
      const hintContext = { maxEventAgeDays: config.maxEventAgeDays, identityKeyDays: config.identityKeyDays, maxFutureSkewMs: config.maxFutureSkewMs, historical, portal, maxLineBytes };
      const total = files.reduce((n, f) => n + fs.statSync(f).size, 0);
      const progress = progressReporter(io, total, o.progress !== false);
      const started = Date.now();
      const recordedDays = new Set<string>();
      const track: typeof services.ingest.track = async (inputs, caller) => {
        const outcomes = await services.ingest.track(inputs, caller);
        outcomes.forEach((o, i) => o.status === 'RECORDED' && inputs[i].timestamp && recordedDays.add(utcDay(inputs[i].timestamp!)));
        return outcomes;
      };
      const summary = await importLogFiles(
        files,
        {
          track,
          datasetDois: () => new SushiRepository(services.store).datasetDois(),
          // Ids of imports before issue 19 (src/logs/legacy-log-ids.ts): remove with it.
          storedEventIds: (ids) => new EventIdsRepository(services.store).stored(IMPORT_SENDER, ids),
        },
        {
          rules,
          caller: importCaller(portal),
          format: o.format ?? 'auto',
          maxLineBytes,
          onProgress: (n) => progress.update(n),
          hint: (code, message) => importHint(code, message, hintContext),
        },
      );
      progress.stop();
      // Secrets of closed days were created for this import alone: destroyed
      // now rather than at the gateway's next pass (docs/counting.md).
      await destroyExpiredSecrets(services.daySecrets, identityKeyWindowDays(config));
      reportReduced(io, await reduceImportedDays(services, config, recordedDays));
      const secs = (Date.now() - started) / 1000;
      io.err(formatImportSummary(summary));
      io.err(`time: ${secs.toFixed(1)} s (${Math.round(summary.lines / Math.max(secs, 0.001))} lines/s), peak RSS ${Math.round(summary.peakRssBytes / 1e6)} MB\n`);
      io.out(
        `${JSON.stringify({ lines: summary.lines, recorded: summary.recorded, duplicates: summary.duplicates, conflicts: summary.conflicts, robots: summary.robots, machines: summary.machines, skipped: summary.skipped, rejectedByCode: summary.rejectedByCode, refused: summary.refused.map((r) => r.file) })}\n`,
      );
      return summary.refused.length ? EXIT_FAILED : hasRejections(summary) ? EXIT_REJECTED : 0;
    },
    {
      create: o.create === true,
      createFlag: '--create',
      // Archived logs: MAX_EVENT_AGE_DAYS lifted for this import only; the
      // figures are derived before the command exits (withServices), so
      // they stay when retention later drops the events (docs/formats.md).
      // IDENTITY_KEY_DAYS lifted too: the closed days get secrets for this import only.
      config: historical ? (c) => ({ ...c, maxEventAgeDays: Math.max(c.maxEventAgeDays, historicalMaxAgeDays()), identityKeyDays: null }) : undefined,
    },
  );
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
/** The days an import wrote into may be past the identity-key window: their user agents go now (docs/counting.md, "Reduced user agents"). */
function reportReduced(io: CliIo, events: number): void {
  if (events) io.err(`user agents: ${events} events of days past the identity-key window kept their class only (KEEP_USER_AGENT=false)\n`);
}

function restorerOf(services: Services): EventRestorer {
  return new EventLogRestorer(services.eventLog, () => services.aggregator.notify());
}

export interface ImportEventsOptions {
  /** Accept events older than MAX_EVENT_AGE_DAYS, back to {@link HISTORICAL_FROM}. Default false. */
  historical?: boolean;
  /** May start an embedded database in a DATA_DIR that has none (restoring into a new installation). Default false. */
  create?: boolean;
}

export async function importEventsCommand(files: string[], io: CliIo, connect: Connect, o: ImportEventsOptions = {}): Promise<number> {
  return withServices(io, connect, async (services) => {
    const config = loadConfig(io.env);
    const maxEventAgeDays = o.historical ? Math.max(config.maxEventAgeDays, historicalMaxAgeDays()) : config.maxEventAgeDays;
    const restorer = restorerOf(services);
    const recordedDays = new Set<string>();
    const r = await importEventFiles(
      files,
      {
        async restore(events) {
          const statuses = await restorer.restore(events);
          statuses.forEach((s, i) => s === 'RECORDED' && recordedDays.add(events[i].day));
          return statuses;
        },
      },
      { limits: { maxFutureSkewMs: config.maxFutureSkewMs, maxEventAgeDays }, keepUrlQuery: config.keepUrlQuery },
    );
    reportReduced(io, await reduceImportedDays(services, config, recordedDays));
    io.err(`events: ${r.lines} lines, ${r.imported} imported, ${r.duplicates} already present, ${r.invalid} invalid\n`);
    const hint = (c: string): string => (c === 'INVALID_TIMESTAMP' && !o.historical ? ` (older than MAX_EVENT_AGE_DAYS=${config.maxEventAgeDays} or ahead by MAX_FUTURE_SKEW_MS=${config.maxFutureSkewMs}; use --historical for archived events)` : '');
    const codes = Object.entries(r.rejectedByCode).map(([c, n]) => `${c}: ${n}${hint(c)}`);
    if (codes.length) io.err(`  refused by code: ${codes.join(', ')}\n`);
    for (const e of r.examples) io.err(`  ${e}\n`);
    if (r.invalid > r.examples.length) io.err(`  … and ${r.invalid - r.examples.length} more\n`);
    return r.invalid ? EXIT_REJECTED : 0;
  }, { create: o.create === true, createFlag: '--create' });
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
    .option('--historical', 'accept archived logs: lines older than MAX_EVENT_AGE_DAYS (back to 2000); their figures stay past event retention')
    .option('--create', 'start an empty embedded database when DATA_DIR has none (default: refuse)')
    .option('--max-line-bytes <n>', 'longest line read, bytes', String(MAX_LINE_BYTES))
    .option('--no-progress', 'no progress bar or progress lines')
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
    .option('--historical', 'accept events older than MAX_EVENT_AGE_DAYS (back to 2000)')
    .option('--create', 'start an empty embedded database when DATA_DIR has none (restoring into a new installation)')
    .action(async (files: string[], o: ImportEventsOptions) => {
      setCode(await importEventsCommand(files, io, connect, o));
    });
}
