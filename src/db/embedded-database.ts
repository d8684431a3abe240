import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** The project root: the nearest folder with a package.json (works from src/ and dist/src/). */
function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Where `scripts/ensure-ferretdb.js` puts the launcher binary. */
export const LAUNCHER_PATH = path.join(projectRoot(__dirname), '.tools/bin/ferretdb-launcher');

export interface EmbeddedDatabase {
  uri: string;
  /** Stops the process (SIGTERM, then SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
  readonly process: ChildProcess;
}

export interface EmbeddedDatabaseOptions {
  /** Directory for FerretDB's SQLite files; created if missing. */
  dataDir: string;
  /** Loopback port; 0 picks a free one. Default 0. */
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
}

/**
 * Starts the embedded FerretDB (MongoDB wire protocol over SQLite) bound to
 * loopback and resolves once it accepts connections.
 */
export function startEmbeddedDatabase(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const launcher = opts.launcherPath ?? LAUNCHER_PATH;
  if (!existsSync(launcher)) {
    return Promise.reject(
      new Error(
        `The embedded database launcher is missing (${launcher}). ` +
          'Build it with `node scripts/ensure-ferretdb.js` (needs Go >= 1.22 and the Go module proxy), ' +
          'or set MONGODB_URI to use your own MongoDB.',
      ),
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const child = spawn(
    launcher,
    ['-listen', `127.0.0.1:${opts.port ?? 0}`, '-data-dir', path.resolve(opts.dataDir), '-log-level', 'error', '-synchronous', opts.synchronous ?? 'full', '-exit-on-stdin-eof'],
    // stdin stays open for the launcher's life: when this process dies, the
    // pipe closes and the launcher exits instead of lingering as an orphan.
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });

  const stop = (timeoutMs = 5000): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(1000);
      reject(new Error(`embedded database did not start within ${opts.startTimeoutMs ?? 30000} ms: ${stderr}`));
    }, opts.startTimeoutMs ?? 30000);
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ready (mongodb:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ uri: m[1], stop, process: child });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited with code ${code}: ${stderr}`));
    });
  });
}
