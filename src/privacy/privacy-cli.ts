/**
 * Erasure and access requests at the command line (erasure.service.ts):
 *
 *   usage-gateway forget (--user ID | --cookie VALUE) (--sender ID | --all-senders) [--dry-run] [--json]
 *   usage-gateway export (--user ID | --cookie VALUE) (--sender ID | --all-senders) [--output FILE]
 *
 * Exit codes: 0 done, 2 bad request (no user named, no sender named, an
 * unknown sender, an id that is no id), 1 anything else (database
 * unreachable, …). Registered by src/cli.ts.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { onServices, type CliIo, type Connect } from '../cli-run';
import type { Services } from '../services';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { EndUserSelector, ForgetSummary, PrivacyActor } from './erasure.service';

export interface EndUserOptions {
  user?: string;
  cookie?: string;
  sender?: string;
  allSenders?: boolean;
}

export interface ForgetOptions extends EndUserOptions {
  dryRun?: boolean;
  /** The summary as JSON on stdout instead of text. */
  json?: boolean;
}

export interface ExportOptions extends EndUserOptions {
  /** Write the JSON Lines to this file (created with mode 0600) instead of stdout. */
  output?: string;
}

/** Exit code of a request refused for what it asked (not for a failure). */
export const BAD_INPUT_EXIT = 2;

const INPUT_CODES: ReadonlySet<string> = new Set([ErrorCode.BAD_USER_INPUT, ErrorCode.INVALID_ID, ErrorCode.UNKNOWN_USER, ErrorCode.VALUE_OUT_OF_RANGE]);

/** What the options ask for, or the reason they ask for nothing usable (checked before connecting). */
function selector(o: EndUserOptions): EndUserSelector | string {
  if (o.user === undefined && o.cookie === undefined) return 'name the end user: --user <id>, --cookie <value>, or both';
  if (o.sender === undefined && !o.allSenders) {
    return 'name the sender whose end user this is, --sender <id> (user ids and cookies are per sender), or pass --all-senders';
  }
  if (o.sender !== undefined && o.allSenders) return '--sender and --all-senders exclude each other';
  return { userId: o.user ?? null, cookie: o.cookie ?? null, sender: o.sender ?? null, allSenders: o.allSenders ?? false };
}

function actor(io: CliIo): PrivacyActor {
  return { by: `cli:${io.env.USER ?? io.env.LOGNAME ?? 'unknown'}`, via: 'cli' };
}

/** Runs a request on the database; a refusal of the request itself gives exit code 2. */
async function request(io: CliIo, connect: Connect, o: EndUserOptions, fn: (sel: EndUserSelector, s: Services) => Promise<number>): Promise<number> {
  const sel = selector(o);
  if (typeof sel === 'string') {
    io.err(`error: ${sel}\n`);
    return BAD_INPUT_EXIT;
  }
  return onServices(io, connect, async (services) => {
    try {
      return await fn(sel, services);
    } catch (err) {
      if (!(err instanceof GatewayError) || !INPUT_CODES.has(String(err.extensions.code))) throw err;
      io.err(`error: ${err.message}\n`);
      return BAD_INPUT_EXIT;
    }
  });
}

/** The cookie paragraph: what could and could not be linked. */
function cookieNote(linkableFrom: string | null): string {
  return (
    `A cookie is stored nowhere: an event is found when its keys recompute from it, which needs its day's identity secret. ` +
    (linkableFrom
      ? `Events from ${linkableFrom} on (and any stored before keyed hashing) were searched; `
      : 'No day secret exists any more: only events stored before keyed hashing were searched; ') +
    'events of earlier days can no longer be linked to this cookie by anyone, this gateway included, and were left as they are.\n'
  );
}

/** The summary of `forget` as text. Pure. */
export function forgetReport(s: ForgetSummary, cookie: boolean): string {
  const lines: string[] = [];
  const whose = s.sender === null ? 'every sender' : `sender "${s.sender}"`;
  lines.push(`${s.dryRun ? 'would remove' : 'removed'} ${s.events} event${s.events === 1 ? '' : 's'} of this end user of ${whose} (receipt ${s.receipt})`);
  if (s.perSender.length > 1) for (const p of s.perSender) lines.push(`  sender ${p.sender}: ${p.events}`);
  for (const d of s.perDay) lines.push(`  ${d.day}: ${d.events}`);
  if (!s.dryRun && s.events) {
    const days = s.daysRecounted;
    // A year of one person's activity is hundreds of days: the span says enough (--json lists them).
    const which = days.length > 10 ? `, ${days[0]} to ${days[days.length - 1]}` : `: ${days.join(' ')}`;
    lines.push(`recounted ${days.length} day${days.length === 1 ? '' : 's'}${which}`);
    lines.push('all-time figures, before → after:');
    for (const r of s.resources) {
      const moved = r.changes.map((c) => `${c.counter} ${c.before} → ${c.after}`).join(', ');
      lines.push(`  ${r.resourceType} ${r.resourceId}: ${moved || 'unchanged'}`);
    }
    if (s.userFiguresRemoved) lines.push(`per-user figures removed: ${s.userFiguresRemoved}`);
  }
  let text = `${lines.join('\n')}\n`;
  if (cookie) text += cookieNote(s.cookieLinkableFrom);
  return text;
}

/** `forget`: removes one end user's events, recounts, prints what changed (stdout). */
export function forgetCommand(o: ForgetOptions, io: CliIo, connect: Connect): Promise<number> {
  return request(io, connect, o, async (sel, services) => {
    let lastLine = 0;
    const onDay = (day: string, events: number): void => {
      if (Date.now() - lastLine < 1000) return;
      lastLine = Date.now();
      io.err(`forget: recounting ${day} (${events} events)\n`);
    };
    const s = await services.erasure.forget(sel, actor(io), { dryRun: o.dryRun ?? false, onDay });
    io.out(o.json ? `${JSON.stringify(s)}\n` : forgetReport(s, o.cookie !== undefined));
    return 0;
  });
}

/** `export`: every stored field of one end user's events, as JSON Lines (stdout or `--output`). */
export function exportCommand(o: ExportOptions, io: CliIo, connect: Connect): Promise<number> {
  return request(io, connect, o, async (sel, services) => {
    const r = await services.erasure.export(sel, actor(io));
    const text = r.events.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (o.output) writeFileSync(o.output, text, { mode: 0o600 });
    else io.out(text);
    io.err(`exported ${r.events.length} event${r.events.length === 1 ? '' : 's'}${o.output ? ` to ${o.output}` : ''} (receipt ${r.receipt})\n`);
    if (o.cookie !== undefined) io.err(cookieNote(r.cookieLinkableFrom));
    return 0;
  });
}

export function registerPrivacyCommands(program: Command, io: CliIo, connect: Connect, setCode: (c: number) => void): void {
  const who = (c: Command): Command =>
    c
      .option('--user <id>', "the end user's id, as the sender sent it")
      .option('--cookie <value>', 'the user cookie the sender sent (matched while its days\' identity secrets exist)')
      .option('--sender <id>', 'the sender (the user behind the API key that sent the events)')
      .option('--all-senders', 'every sender instead of one', false);
  who(program.command('forget'))
    .description('Erasure: remove one end user\'s events from the event log, recount the days they were in, and print what changed. Audited (privacy_audit).')
    .option('--dry-run', 'only say what would be removed', false)
    .option('--json', 'the summary as JSON', false)
    .action(async (o: ForgetOptions) => {
      setCode(await forgetCommand(o, io, connect));
    });
  who(program.command('export'))
    .description('Access: every stored field of one end user\'s events, as JSON Lines. Audited (privacy_audit).')
    .option('--output <file>', 'write to this file (mode 0600) instead of stdout')
    .action(async (o: ExportOptions) => {
      setCode(await exportCommand(o, io, connect));
    });
}
