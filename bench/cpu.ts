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
