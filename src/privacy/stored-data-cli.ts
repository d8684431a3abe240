/**
 * `usage-gateway stored-data [--json] [--sample N]`: what the database holds,
 * collection by collection and field by field, with the span of days still
 * kept — measured, to set beside docs/privacy.md when a data-protection
 * officer asks. Read-only. Registered by src/cli.ts.
 */
import type { Command } from 'commander';
import { onServices, type CliIo, type Connect } from '../cli-run';
import { formatInventory, inventory, type StoredCollection } from './field-inventory';

export interface StoredDataOptions {
  json?: boolean;
  /** Documents read at each end of each `_id` range; default 500. */
  sample?: string;
}

export async function storedDataCommand(o: StoredDataOptions, io: CliIo, connect: Connect): Promise<number> {
  const perEnd = o.sample === undefined ? 500 : Number(o.sample);
  if (!Number.isInteger(perEnd) || perEnd < 1 || perEnd > 100_000) {
    io.err('error: --sample takes a whole number from 1 to 100000\n');
    return 2;
  }
  return onServices(io, connect, async ({ storedData }) => {
    const samples = await storedData.sample(perEnd);
    const collections: StoredCollection[] = samples.map((s) => ({ name: s.name, documents: s.documents, kinds: inventory(s.name, s.sample) }));
    io.out(o.json ? `${JSON.stringify(collections, null, 2)}\n` : formatInventory(collections));
    return 0;
  });
}

export function registerStoredDataCommand(program: Command, io: CliIo, connect: Connect, done: (code: number) => void): void {
  program
    .command('stored-data')
    .description('List what the database holds: each collection, its document kinds, their fields and the days they span (docs/privacy.md)')
    .option('--json', 'print JSON instead of text', false)
    .option('--sample <n>', 'documents read at each end of each _id range (default 500)')
    .action(async (opts: StoredDataOptions) => {
      done(await storedDataCommand(opts, io, connect));
    });
}
