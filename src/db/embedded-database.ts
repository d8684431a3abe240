import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** The project root: the nearest folder with a package.json (works from src/ and dist/src/). */
function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Where `scripts/ensure-ferretdb.js` puts the launcher binary. */
export const LAUNCHER_PATH = path.join(projectRoot(__dirname), '.tools/bin/ferretdb-launcher');

/** Name of the Unix socket inside the data directory. */
export const SOCKET_NAME = 'db.sock';

/** Longest Unix socket path the kernel accepts (sun_path is 108 bytes on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 100;

export interface EmbeddedDatabase {
  /** Connection string; stays the same across supervised restarts. */
  uri: string;
  /** Stops the process (SIGTERM, then SIGKILL after `timeoutMs`) and the supervision. */
  stop(timeoutMs?: number): Promise<void>;
  /** The current database process (a new one after each restart). */
  readonly process: ChildProcess;
  /** True while the process runs and accepts connections. */
  readonly up: boolean;
  /** Restarts since the first start. */
  readonly restarts: number;
  /** `down` (process exited unexpectedly), `up` (restarted), `failed` (a restart attempt failed; retried). */
  readonly events: EventEmitter;
}

export interface EmbeddedDatabaseOptions {
  /** Directory for FerretDB's SQLite files and its socket; created if missing and made 0700. */
  dataDir: string;
  /**
   * Listen on loopback TCP at this port (0 = any free one) instead of the
   * Unix socket. Default: the Unix socket `<dataDir>/db.sock`, which only
   * this OS user can reach (FerretDB's SQLite backend has no
   * authentication: a TCP listener, even on loopback, lets every local user
   * read `api_keys`).
   */
  port?: number;
  /** Launcher binary. Default {@link LAUNCHER_PATH}. */
  launcherPath?: string;
  /**
   * SQLite `synchronous` pragma: `full` syncs every commit to disk; `normal`
   * (WAL) survives a process crash but a power cut may lose the last
   * commits. Default `full`.
   */
  synchronous?: 'full' | 'normal';
  /** How long to wait for the listener, ms. Default 30000. */
  startTimeoutMs?: number;
  /**
   * Restart the process when it exits unexpectedly, with back-off from
   * `minBackoffMs` (default 200) doubling up to `maxBackoffMs` (default
   * 10000). Default true.
   */
  supervise?: boolean;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

interface Spawned {
  child: ChildProcess;
  uri: string;
}

function spawnOnce(launcher: string, args: string[], startTimeoutMs: number): Promise<Spawned> {
  const child = spawn(launcher, args, {
    // stdin stays open for the launcher's life: when this process dies, the
    // pipe closes and the launcher exits instead of lingering as an orphan.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded database did not start within ${startTimeoutMs} ms: ${stderr}`));
    }, startTimeoutMs);
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /ready (mongodb:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onEarlyExit);
        child.stdout?.resume();
        resolve({ child, uri: m[1] as string });
      }
    };
    const onEarlyExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited with code ${code}: ${stderr}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onEarlyExit);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Starts the embedded FerretDB (MongoDB wire protocol over SQLite) on a Unix
 * socket inside its 0700 data directory (or loopback TCP with `port`) and
 * resolves once it accepts connections. Supervised by default: when the
 * process dies it is restarted with back-off on the same socket, so the
 * driver reconnects by itself; {@link EmbeddedDatabase.up} is false meanwhile.
 */
export async function startEmbeddedDatabase(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const launcher = opts.launcherPath ?? LAUNCHER_PATH;
  if (!existsSync(launcher)) {
    throw new Error(
      `The embedded database launcher is missing (${launcher}). ` +
        'Build it with `node scripts/ensure-ferretdb.js` (needs Go >= 1.22 and the Go module proxy), ' +
        'or set MONGODB_URI to use your own MongoDB.',
    );
  }
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for an existing directory.
  chmodSync(dataDir, 0o700);
  const common = ['-data-dir', dataDir, '-log-level', 'error', '-synchronous', opts.synchronous ?? 'full', '-exit-on-stdin-eof'];
  const useTcp = opts.port !== undefined;
  const socket = path.join(dataDir, SOCKET_NAME);
  if (!useTcp && Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new Error(
      `the embedded database socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter DATA_DIR`,
    );
  }
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  let listenArgs = useTcp ? ['-listen', `127.0.0.1:${opts.port}`] : ['-unix', socket];

  const first = await spawnOnce(launcher, [...listenArgs, ...common], startTimeoutMs);
  if (useTcp) {
    // Restarts must come back on the same address for the driver to reconnect.
    const port = /:(\d+)\/?/.exec(first.uri.replace('mongodb://', ''))?.[1];
    if (port) listenArgs = ['-listen', `127.0.0.1:${port}`];
  }

  const events = new EventEmitter();
  events.on('error', () => undefined);
  let current = first.child;
  let up = true;
  let stopping = false;
  let restarts = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  const minBackoff = opts.minBackoffMs ?? 200;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;

  const watch = (child: ChildProcess) => {
    child.once('exit', (code, signal) => {
      if (stopping || child !== current) return;
      up = false;
      events.emit('down', { code, signal });
      if (opts.supervise === false) return;
      let backoff = minBackoff;
      const attempt = () => {
        retryTimer = null;
        if (stopping) return;
        spawnOnce(launcher, [...listenArgs, ...common], startTimeoutMs).then(
          (s) => {
            if (stopping) {
              s.child.kill('SIGTERM');
              return;
            }
            current = s.child;
            restarts++;
            up = true;
            watch(s.child);
            events.emit('up', { restarts });
          },
          (err: unknown) => {
            events.emit('failed', err);
            backoff = Math.min(maxBackoff, backoff * 2);
            retryTimer = setTimeout(attempt, backoff);
          },
        );
      };
      retryTimer = setTimeout(attempt, backoff);
    });
  };
  watch(first.child);

  const stop = (timeoutMs = 5000): Promise<void> => {
    stopping = true;
    if (retryTimer) clearTimeout(retryTimer);
    const child = current;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };

  return {
    uri: first.uri,
    stop,
    events,
    get process() {
      return current;
    },
    get up() {
      return up;
    },
    get restarts() {
      return restarts;
    },
  };
}
