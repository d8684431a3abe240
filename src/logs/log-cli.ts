/**
 * The web-server log import command (registered by src/cli.ts; the event
 * export and import are in src/events/event-cli.ts):
 *
 *   usage-gateway import-logs --mapping rules.json [--portal p] [--format auto|combined|mdc] [--historical] [--create] FILE...
 *
 * It opens the database like the other commands (stop the gateway first
 * when it runs on the embedded database).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { identityKeyWindowDays, loadConfig } from '../config';
import { destroyExpiredSecrets } from '../ingest/secret-expiry';
import { reduceImportedDays } from '../maintenance';
import { utcDay } from '../util/utc-day';
import { compileUrlRules } from './url-rules';
import { MAX_LINE_BYTES } from '../util/text-lines';
import { IMPORT_SENDER, formatImportSummary, hasRejections, importCaller, importLogFiles, type LogFormat } from './log-import';
import { EXIT_FAILED, EXIT_REJECTED, historicalMaxAgeDays, reportReduced, withServices, type CliIo, type Connect } from '../cli-run';

export interface ImportLogsOptions {
  mapping: string;
  portal?: string | null;
  format?: LogFormat;
  /** Progress on stderr: a bar on a terminal, else a line every {@link PROGRESS_EVERY_MS}. Default true. */
  progress?: boolean;
  /** Accept lines older than MAX_EVENT_AGE_DAYS, back to 2000 (HISTORICAL_FROM, src/cli-run.ts). Default false. */
  historical?: boolean;
  /** May start an embedded database in a DATA_DIR that has none. Default false. */
  create?: boolean;
  /** Longest line read, bytes (`--max-line-bytes`). Default 65536. */
  maxLineBytes?: number | string;
}

/** Progress lines when stderr is no terminal, ms. */
export const PROGRESS_EVERY_MS = 30_000;

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
        const portals = await services.logImportCatalog.portalIds();
        if (!portals.includes(portal)) {
          const known = [...portals].sort();
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
          datasetDois: () => services.logImportCatalog.datasetDois(),
          // Ids of imports before issue 19 (src/logs/legacy-log-ids.ts): remove with it.
          storedEventIds: (ids) => services.logImportCatalog.storedEventIds(IMPORT_SENDER, ids),
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

/** Adds the commands to the CLI program. */
export function registerLogCommands(program: Command, io: CliIo, connect: Connect, setCode: (c: number) => void): void {
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
}
