/**
 * What every operator command shares (src/cli.ts registers them; the
 * `*-cli.ts` files of the feature folders define them): where it reads its
 * environment and writes its output, how it opens the database, and the
 * exit codes. Connect the way the gateway does (saying where), print what
 * went wrong as `error: <message>` with exit code 1, and always close the
 * connection (a held FerretDB connection keeps the process alive).
 *
 * The commands receive `connect` rather than import it from src/cli.ts, so
 * no command file imports the program that registers it.
 */
import { connectStore, ensureIndexes, type Store } from './store/store';
import type { GatewayConfig } from './config';
import { loadConfig } from './config';
import { createServices, type Services } from './services';
import { DAY_MS } from './util/utc-day';

/** Where the CLI reads its environment and writes its output (tests pass their own). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
};

export interface ConnectOptions {
  /**
   * Start an embedded database in a DATA_DIR that holds none. Default
   * false: a wrong or missing DATA_DIR is an error, not a new empty
   * database that the command then reads ("exported 0 events") or fills.
   */
  create?: boolean;
  /** The command's flag that sets `create`, named in the refusal (none: not offered). */
  createFlag?: string;
  /** Where to say which database the command opened (the CLI: stderr). */
  log?: (text: string) => void;
}

/** An open database of a command; `close` also stops an embedded database started for it. */
export interface Connection {
  store: Store;
  close(): Promise<void>;
}

/** Opens the database like the gateway does (src/cli.ts `connect`; tests pass it too). */
export type Connect = (env: NodeJS.ProcessEnv, opts?: ConnectOptions) => Promise<Connection>;

/**
 * Exit codes of the import commands: 0 everything read was stored (or was
 * already there, or, for logs, is no dataset request); 1 the command failed
 * (arguments, an unreadable or refused file, the database); 2 it ran to the
 * end but refused some lines (listed on stderr by file:line and code).
 */
export const EXIT_FAILED = 1;
export const EXIT_REJECTED = 2;

/** Opens the store and makes sure its indexes exist (closed again when that fails). */
export async function openStore(o: { uri: string; dbName: string; maxPoolSize: number }): Promise<Store> {
  const store = await connectStore(o);
  try {
    await ensureIndexes(store);
  } catch (err) {
    await store.client.close();
    throw err;
  }
  return store;
}

export async function onDatabase(io: CliIo, connect: Connect, fn: (store: Store) => Promise<number>, opts: ConnectOptions = {}): Promise<number> {
  let conn: Connection | null = null;
  try {
    conn = await connect(io.env, { log: io.err, ...opts });
    return await fn(conn.store);
  } catch (err) {
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await conn?.close();
  }
}

/** {@link onDatabase} with the services of that database (the commands reach the store through them). */
export function onServices(io: CliIo, connect: Connect, fn: (services: Services) => Promise<number>, opts: ConnectOptions = {}): Promise<number> {
  return onDatabase(io, connect, (store) => fn(createServices(store, loadConfig(io.env))), opts);
}

/** False (with the message printed) unless `since` is absent or a day, `YYYY-MM-DD`. */
export function sinceIsValid(io: CliIo, since: string | undefined): boolean {
  if (since === undefined || /^\d{4}-\d{2}-\d{2}$/.test(since)) return true;
  io.err('error: --since takes a day, YYYY-MM-DD\n');
  return false;
}

export interface WithServicesOptions {
  /** May start an embedded database in a DATA_DIR that has none (`--create`). */
  create?: boolean;
  createFlag?: string;
  /** Changes to the configuration for this command (`--historical`). */
  config?: (c: GatewayConfig) => GatewayConfig;
}

/**
 * Runs `fn` with the services on the configured database, for the commands
 * that store events; before leaving, the events stored are counted.
 */
export async function withServices(io: CliIo, connect: Connect, fn: (s: Services) => Promise<number>, o: WithServicesOptions = {}): Promise<number> {
  let conn: Connection | null = null;
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

/** The earliest day `--historical` accepts: the aggregator counts dates from 2000 on (src/aggregate/stored-event-check.ts). */
export const HISTORICAL_FROM = Date.UTC(2000, 0, 1);

/** MAX_EVENT_AGE_DAYS for an import that accepts archived logs or events: back to {@link HISTORICAL_FROM}. */
export function historicalMaxAgeDays(now = Date.now()): number {
  return Math.ceil((now - HISTORICAL_FROM) / DAY_MS);
}

/** The days an import wrote into may be past the identity-key window: their user agents go now (docs/counting.md, "Reduced user agents"). */
export function reportReduced(io: CliIo, events: number): void {
  if (events) io.err(`user agents: ${events} events of days past the identity-key window kept their class only (KEEP_USER_AGENT=false)\n`);
}
