/**
 * CLI commands of the event export and import (registered by src/cli.ts):
 *
 *   usage-gateway export-events [--since d] [--until d] [--format jsonl|csv] [--portal p] [--out FILE]
 *   usage-gateway import-events [--historical] [--create] FILE.jsonl...
 *
 * They open the database like the other commands (stop the gateway first
 * when it runs on the embedded database).
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { Caller } from '../domain/caller';
import { loadConfig } from '../config';
import { reduceImportedDays } from '../maintenance';
import type { Services } from '../services';
import { writeCsv } from '../reports/csv-stream';
import { parseInstantWindow } from '../dates/date-input';
import { EXIT_REJECTED, historicalMaxAgeDays, reportReduced, withServices, type CliIo, type Connect } from '../cli-run';
import { EVENT_EXPORT_COLUMNS } from './event-rows';
import { importEventFiles, type EventRestorer } from './event-import';
import { EventLogRestorer } from './event-restore';

const ADMIN: Caller = { kind: 'user', userId: 'cli', role: 'ADMIN', automated: false, spaceIds: [] };

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
    const open = services.eventExport.open(ADMIN, window, o.portal ?? null);
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

export interface ImportEventsOptions {
  /** Accept events older than MAX_EVENT_AGE_DAYS, back to 2000 (HISTORICAL_FROM). Default false. */
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
export function registerEventCommands(program: Command, io: CliIo, connect: Connect, setCode: (c: number) => void): void {
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
