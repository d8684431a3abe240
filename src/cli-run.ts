/**
 * What every operator command that works on the database shares: connect
 * the way the gateway does (saying where), print what went wrong as
 * `error: <message>` with exit code 1, and always close the connection
 * (a held FerretDB connection keeps the process alive).
 */
import type { CliIo, ConnectOptions } from './cli';
import type { Connect } from './logs/log-cli';
import type { Store } from './store/store';

export async function onDatabase(io: CliIo, connect: Connect, fn: (store: Store) => Promise<number>, opts: ConnectOptions = {}): Promise<number> {
  let conn: Awaited<ReturnType<Connect>> | null = null;
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

/** False (with the message printed) unless `since` is absent or a day, `YYYY-MM-DD`. */
export function sinceIsValid(io: CliIo, since: string | undefined): boolean {
  if (since === undefined || /^\d{4}-\d{2}-\d{2}$/.test(since)) return true;
  io.err('error: --since takes a day, YYYY-MM-DD\n');
  return false;
}
