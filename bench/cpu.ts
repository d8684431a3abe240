import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** This Node process's CPU seconds. */
export function nodeCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU used by the database and by Node while `fn` runs. */
export async function withCpu<T>(dbPid: number, fn: () => Promise<T>): Promise<{ value: T; ms: number; dbCpu: number; nodeCpu: number }> {
  const db0 = processCpuSeconds(dbPid);
  const n0 = nodeCpuSeconds();
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0, dbCpu: processCpuSeconds(dbPid) - db0, nodeCpu: nodeCpuSeconds() - n0 };
}

export interface LoadResult {
  /** Wall time of the whole load, ms. */
  ms: number;
  /** CPU seconds the load generator used. */
  clientCpu: number;
  /** CPU seconds of the gateway's (this) process and of the database while the load ran. */
  nodeCpu: number;
  dbCpu: number;
}

/**
 * Sends `bodies` to `url` from a child process (bench/load-client.ts) with
 * `concurrency` keep-alive connections; CPU is counted from when the
 * started child says it is ready. Throws if any request failed.
 */
export async function runLoad(dbPid: number, job: { url: string; key: string; concurrency: number; bodies: string[] }): Promise<LoadResult> {
  const { fork } = await import('node:child_process');
  const path = await import('node:path');
  // Compiled (npm run bench) or under ts-node: the client is run the same way.
  const compiled = __filename.endsWith('.js');
  const child = fork(path.join(__dirname, compiled ? 'load-client.js' : 'load-client.ts'), [], {
    execArgv: compiled ? [] : ['-r', 'ts-node/register/transpile-only'],
    serialization: 'advanced',
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`load client exited with ${code}`))));
  const next = <T>() => Promise.race([new Promise<T>((resolve) => child.once('message', (m) => resolve(m as T))), exited]);
  try {
    child.send(job);
    await next<'ready'>();
    const run = await withCpu(dbPid, async () => {
      child.send('go');
      return next<{ ms: number; cpu: number; errors: number; firstError: string | null }>();
    });
    const r = run.value;
    if (r.errors) throw new Error(`${r.errors} requests failed, first: ${r.firstError}`);
    return { ms: r.ms, clientCpu: r.cpu, nodeCpu: run.nodeCpu, dbCpu: run.dbCpu };
  } finally {
    exited.catch(() => undefined);
    child.kill();
  }
}
