import type { CliIo } from '../../src/cli-run';

/** A command's I/O held in memory: what it printed is read back from `stdout` and `stderr`. */
export type CapturedIo = CliIo & { stdout: string; stderr: string };

/** I/O for a CLI command run in the test process, with `env` as its whole environment. */
export function captureIo(env: NodeJS.ProcessEnv): CapturedIo {
  const io: CapturedIo = {
    stdout: '',
    stderr: '',
    env,
    out(s: string) {
      io.stdout += s;
    },
    err(s: string) {
      io.stderr += s;
    },
  };
  return io;
}

/** The environment that points a command at a test file's own database on the shared test server. */
export function testDbEnv(dbName: string): NodeJS.ProcessEnv {
  return { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: dbName };
}

/** A command on `dbName`, its logs silenced (the tests read what it prints, not how it logs). */
export function cliIo(dbName: string): CapturedIo {
  return captureIo({ ...testDbEnv(dbName), LOG_LEVEL: 'silent' });
}
