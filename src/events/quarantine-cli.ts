/**
 * `usage-gateway quarantine list [--limit n] [--after key] [--json]`: the
 * stored events the aggregator could not count and skipped
 * (src/aggregate/quarantine.ts), with the reason. Registered by src/cli.ts.
 *
 * What to do with one: fix or delete the event in `event_log` (its `_id`
 * is the key listed), delete its `~x|<key>` record, and `usage-gateway
 * recount --since <its day>`.
 */
import type { Command } from 'commander';
import { onServices, type CliIo, type Connect } from '../cli-run';
import type { QuarantineRecord } from '../store/quarantine.repository';

export interface QuarantineListOptions {
  /** Records listed, default 100. */
  limit?: string | number;
  /** List from after this event key (paging). */
  after?: string;
  /** JSON Lines with the stored event (`raw`) instead of a table. */
  json?: boolean;
}

function line(r: QuarantineRecord): string {
  return `${r.at instanceof Date ? r.at.toISOString() : String(r.at)}\t${r.eventKey}\t${r.code}\t${r.reason}\n`;
}

/** Exit code 0, also when none are quarantined (the count is on stderr). */
export async function quarantineListCommand(o: QuarantineListOptions, io: CliIo, connect: Connect): Promise<number> {
  const limit = Number(o.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    io.err('error: --limit takes a whole number from 1 to 100000\n');
    return 1;
  }
  return onServices(io, connect, async ({ quarantine }) => {
    const [total, records] = await Promise.all([quarantine.count(), quarantine.list(limit, o.after ?? '')]);
    for (const r of records) io.out(o.json ? `${JSON.stringify({ eventKey: r.eventKey, code: r.code, reason: r.reason, at: r.at, raw: r.raw })}\n` : line(r));
    io.err(`${total} quarantined event${total === 1 ? '' : 's'} (not counted)${records.length < total ? `; listed ${records.length}${records.length ? `, next: --after '${records[records.length - 1].eventKey}'` : ''}` : ''}\n`);
    return 0;
  });
}

export function registerQuarantineCommands(program: Command, io: CliIo, connect: Connect, setCode: (c: number) => void): void {
  const q = program.command('quarantine').description('Stored events the aggregator could not count (skipped, with the reason).');
  q.command('list')
    .description('List quarantined events: time, event key (its _id in event_log), error code, reason. The total is on stderr.')
    .option('--limit <n>', 'at most this many', '100')
    .option('--after <key>', 'from after this event key (paging)')
    .option('--json', 'JSON Lines, with the stored event as it was read', false)
    .action(async (o: QuarantineListOptions) => {
      setCode(await quarantineListCommand(o, io, connect));
    });
}
