#!/usr/bin/env node
/**
 * `usage-gateway` operator commands:
 *
 *   usage-gateway bootstrap-admin [--id admin] [--name Admin] [--email e] [--label l] [--force]
 *   usage-gateway issue-key --user <id> [--label l] [--automated]
 *   usage-gateway revoke-key --prefix <prefix>
 *   usage-gateway import-logs --mapping rules.json [--portal p] FILE...   (src/logs/log-cli.ts)
 *   usage-gateway export-events [--since d] [--until d] [--format jsonl|csv]   (src/events/event-cli.ts)
 *   usage-gateway import-events FILE.jsonl...   (src/events/event-cli.ts)
 *   usage-gateway recount [--since YYYY-MM-DD] [--rebuild]
 *   usage-gateway refresh-rules [--download] [--since YYYY-MM-DD] [--rebuild]
 *   usage-gateway quarantine list [--limit n] [--after key] [--json]   (src/events/quarantine-cli.ts)
 *   usage-gateway stored-data [--json] [--sample n]   (src/privacy/stored-data-cli.ts)
 *   usage-gateway forget|export (--user id | --cookie v) (--sender id | --all-senders)   (src/privacy/privacy-cli.ts)
 *
 * They connect like the gateway does (src/config.ts): to MONGODB_URI /
 * MONGODB_DB, or, without MONGODB_URI, to the embedded FerretDB in DATA_DIR:
 * the running gateway's (through its socket) when there is one, else one
 * started for the command. A new key is printed once, alone on stdout (messages go to
 * stderr), so `KEY=$(usage-gateway bootstrap-admin)` works; it is never
 * stored in clear.
 *
 * What the commands share (their I/O, the connection, exit codes) is in
 * src/cli-run.ts: they import that, never this file.
 */
import 'reflect-metadata';
import path from 'node:path';
import type * as CommanderModule from 'commander';
import { loadConfig, readSetting } from './config';
import { existsSync } from 'node:fs';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded-database';
import { runningEmbedded } from './db/running-embedded';
import { createUserAdmin } from './services';
import type { UserAdminService } from './auth/user-admin.service';
import { GatewayError } from './errors/gateway-error';
import { registerLogCommands } from './logs/log-cli';
import { registerEventCommands } from './events/event-cli';
import { registerQuarantineCommands } from './events/quarantine-cli';
import { registerRulesCommands } from './cli-rules';
import { registerSushiCommands } from './sushi/sushi-cli';
import { registerPrivacyCommands } from './privacy/privacy-cli';
import { registerStoredDataCommand } from './privacy/stored-data-cli';
import { onServices, openStore, processIo, sinceIsValid, type CliIo, type Connection, type ConnectOptions } from './cli-run';

/** Connects like the gateway does (handed to the commands; exported for their tests). */
export async function connect(env: NodeJS.ProcessEnv, opts: ConnectOptions = {}): Promise<Connection> {
  const config = loadConfig(env);
  let embedded: EmbeddedDatabase | null = null;
  const ferretDir = path.resolve(config.dataDir, 'ferretdb');
  let uri = config.mongodbUri ?? (await runningEmbedded(ferretDir));
  let where = config.mongodbUri ? redactUri(config.mongodbUri) : `the running gateway's embedded database in DATA_DIR=${path.resolve(config.dataDir)}`;
  if (!uri) {
    if (!opts.create && !existsSync(ferretDir)) {
      throw new Error(
        `no database in DATA_DIR=${path.resolve(config.dataDir)} (no ferretdb directory there): set DATA_DIR to the gateway's data directory, or MONGODB_URI${opts.createFlag ? `, or pass ${opts.createFlag} to start an empty one` : ''}`,
      );
    }
    embedded = await startEmbeddedDatabase({ dataDir: ferretDir });
    uri = embedded.uri;
    where = `the embedded database in DATA_DIR=${path.resolve(config.dataDir)}`;
  }
  opts.log?.(`connected to ${where}, database ${config.dbName}\n`);
  try {
    const store = await openStore({ uri, dbName: config.dbName, maxPoolSize: Math.min(config.maxPoolSize, 4) });
    return {
      store,
      async close() {
        await store.client.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/** A MongoDB URI without its password, for messages. */
function redactUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** `recount`: recomputes every derived figure from the event log. */
export async function recountCommand(o: { since?: string; rebuild?: boolean }, io: CliIo = processIo): Promise<number> {
  if (!sinceIsValid(io, o.since)) return 1;
  return onServices(io, connect, async (services) => {
    const started = Date.now();
    let lastLine = 0;
    const onDay = (day: string, events: number): void => {
      if (Date.now() - lastLine < 1000) return;
      lastLine = Date.now();
      io.err(`recount: ${day} (${events} events)\n`);
    };
    const r = o.rebuild ? await services.aggregator.rebuildAll({ onDay }) : await services.aggregator.recount({ sinceDay: o.since, onDay });
    io.err(`recount: ${r.events} events over ${r.days} days in ${((Date.now() - started) / 1000).toFixed(1)} s${o.rebuild ? ' (rebuilt and swapped in)' : ''}\n`);
    return 0;
  });
}

/**
 * Runs `fn` with a UserAdminService on the configured database. Expected
 * refusals (GatewayError) and connection failures are printed as
 * `error: <message>` and give exit code 1.
 */
async function withAdmin(io: CliIo, fn: (admin: UserAdminService) => Promise<number>, create = false): Promise<number> {
  let conn: Connection | null = null;
  try {
    conn = await connect(io.env, { create, log: io.err });
    // The key commands need the user admin alone: no agent lists or country
    // database to load, and no other setting that could refuse to parse.
    return await fn(createUserAdmin(conn.store, readSetting('cacheTtlMs', io.env)));
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    // A refusal (GatewayError) or an unreachable database: the message says it all.
    io.err(`error: ${err instanceof GatewayError ? err.message : err.message || String(err)}\n`);
    return 1;
  } finally {
    await conn?.close();
  }
}

export interface BootstrapAdminOptions {
  id: string;
  name: string;
  email?: string | null;
  label?: string | null;
  force?: boolean;
}

/** `bootstrap-admin`: creates the first ADMIN and prints a key for it. Exit code 1 when refused. */
export function bootstrapAdminCommand(o: BootstrapAdminOptions, io: CliIo = processIo): Promise<number> {
  return withAdmin(io, async (admin) => {
    const r = await admin.bootstrapAdmin({ id: o.id, name: o.name, email: o.email ?? null, label: o.label ?? 'bootstrap-admin' }, o.force ?? false);
    const what = r.created ? 'created ADMIN user' : r.promoted ? 'made ADMIN: user' : 'existing ADMIN user';
    io.err(`${what} "${r.user._id}" (${r.user.name}); new API key ${r.issued.doc.prefix}… (shown once, store it now):\n`);
    io.out(`${r.issued.key}\n`);
    return 0;
  }, /* the first command of an installation: it may start the database */ true);
}

/** `issue-key`: prints a new key for an existing user. Exit code 1 for an unknown user. */
export function issueKeyCommand(o: { user: string; label?: string | null; automated?: boolean }, io: CliIo = processIo): Promise<number> {
  return withAdmin(io, async (admin) => {
    const issued = await admin.issueKey(o.user, { label: o.label ?? null, automated: o.automated ?? false });
    io.err(`new API key ${issued.doc.prefix}… for user "${o.user}"${o.automated ? ' (automated)' : ''} (shown once, store it now):\n`);
    io.out(`${issued.key}\n`);
    return 0;
  });
}

/** `revoke-key`: revokes the key(s) with a prefix (or a full key). Exit code 1 when none matched. */
export function revokeKeyCommand(o: { prefix: string }, io: CliIo = processIo): Promise<number> {
  return withAdmin(io, async (admin) => {
    const n = await admin.revokeKey(o.prefix);
    if (n === 0) {
      io.err(`error: no active key matches "${o.prefix}"\n`);
      return 1;
    }
    io.err(`revoked ${n} key${n === 1 ? '' : 's'}\n`);
    return 0;
  });
}

/**
 * Runs the CLI with `argv` (the arguments after the program name, e.g.
 * `['bootstrap-admin', '--id', 'admin']`). Resolves with the exit code: 0
 * done, 1 refused or failed (message on `io.err`), commander's code for
 * usage errors and `--help`.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  // commander 15 is ESM-only: Node >= 20.19 loads it with require(); loading
  // it here rather than at the top keeps the command functions above
  // importable where require(esm) is unavailable (Jest on Node 20).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Command, CommanderError } = require('commander') as typeof CommanderModule;
  let code = 0;
  const program = new Command('usage-gateway')
    .description('Operator commands of the usage gateway (database from MONGODB_URI/MONGODB_DB, or the embedded one in DATA_DIR).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();

  program
    .command('bootstrap-admin')
    .description('Create the first ADMIN user and print a new API key for it (once). Refused if an ADMIN exists, unless --force.')
    .option('--id <id>', 'user id', 'admin')
    .option('--name <name>', 'display name', 'Admin')
    .option('--email <email>', 'e-mail address')
    .option('--label <label>', 'label of the key', 'bootstrap-admin')
    .option('--force', 'even if an ADMIN exists; makes an existing non-admin user --id an ADMIN', false)
    .action(async (o: BootstrapAdminOptions) => {
      code = await bootstrapAdminCommand(o, io);
    });

  program
    .command('issue-key')
    .description('Print a new API key for an existing user (once).')
    .requiredOption('--user <id>', 'user id')
    .option('--label <label>', 'label of the key')
    .option('--automated', 'traffic sent with this key is machine traffic (extractors, harvesters)', false)
    .action(async (o: { user: string; label?: string; automated: boolean }) => {
      code = await issueKeyCommand(o, io);
    });

  program
    .command('revoke-key')
    .description('Revoke the API key(s) with this prefix (as listed by the apiKeys query), or a full key.')
    .requiredOption('--prefix <prefix>', 'key prefix or full key')
    .action(async (o: { prefix: string }) => {
      code = await revokeKeyCommand(o, io);
    });

  program
    .command('recount')
    .description(
      'Recompute every derived figure from the event log (after a robot-list refresh, say), while the gateway keeps serving. Afterwards the figures equal a fresh ingestion of the same events.',
    )
    .option('--since <day>', 'only days from this one (YYYY-MM-DD)')
    .option('--rebuild', 'rebuild everything into fresh collections and swap them in (fastest for a full recount)', false)
    .action(async (o: { since?: string; rebuild: boolean }) => {
      code = await recountCommand(o, io);
    });

  registerLogCommands(program, io, connect, (c) => {
    code = c;
  });
  registerEventCommands(program, io, connect, (c) => {
    code = c;
  });
  registerQuarantineCommands(program, io, connect, (c) => {
    code = c;
  });
  registerRulesCommands(program, io, connect, (c) => {
    code = c;
  });
  registerSushiCommands(program, io, connect, (c) => {
    code = c;
  });
  registerPrivacyCommands(program, io, connect, (c) => {
    code = c;
  });
  registerStoredDataCommand(program, io, connect, (c) => {
    code = c;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
