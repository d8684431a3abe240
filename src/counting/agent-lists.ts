/**
 * Reads the published user-agent lists kept in `data/agents/` (see
 * `data/agents/SOURCE.md`): the COUNTER-Robots list and Make Data Count's
 * machine list. Read once at start-up; the classifier compiles them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `data/agents` from `src/counting` and from `dist/src/counting`. */
export function agentsDir(): string {
  for (const up of ['../..', '../../..']) {
    const dir = path.resolve(__dirname, up, 'data', 'agents');
    try {
      readFileSync(path.join(dir, 'SOURCE.md'));
      return dir;
    } catch {
      // try the next candidate
    }
  }
  throw new Error('data/agents not found next to the gateway (COUNTER-Robots and machine lists)');
}

export interface AgentLists {
  /** COUNTER-Robots regex sources. */
  robots: string[];
  /** Make Data Count machine regex sources. */
  machines: string[];
}

export function loadAgentLists(dir = agentsDir()): AgentLists {
  const robots = (JSON.parse(readFileSync(path.join(dir, 'COUNTER_Robots_list.json'), 'utf8')) as { pattern: string }[]).map(
    (p) => p.pattern,
  );
  const machines = readFileSync(path.join(dir, 'mdc-machine.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    // The first line is a "generated file" comment.
    .filter((l) => l !== '' && !l.startsWith('#'));
  return { robots, machines };
}

/** Where the published lists come from (data/agents/SOURCE.md). */
export const AGENT_LIST_SOURCES = [
  { file: 'COUNTER_Robots_list.json', url: 'https://raw.githubusercontent.com/atmire/COUNTER-Robots/master/COUNTER_Robots_list.json' },
  { file: 'mdc-machine.txt', url: 'https://raw.githubusercontent.com/CDLUC3/Make-Data-Count/master/user-agents/lists/machine.txt' },
] as const;

/**
 * Downloads both lists again into `dir` (`usage-gateway refresh-rules
 * --download`). Each is checked before anything is written: a list that
 * does not parse or holds a pattern that does not compile leaves both
 * files as they were.
 */
export async function downloadAgentLists(dir = agentsDir(), fetchText: (url: string) => Promise<string> = defaultFetch): Promise<{ file: string; bytes: number }[]> {
  const fetched: { file: string; text: string }[] = [];
  for (const { file, url } of AGENT_LIST_SOURCES) {
    const text = await fetchText(url);
    if (file.endsWith('.json')) {
      const list: unknown = JSON.parse(text);
      if (!Array.isArray(list) || !list.every((p) => typeof (p as { pattern?: unknown }).pattern === 'string')) throw new Error(`${url}: not a pattern list`);
      for (const p of list as { pattern: string }[]) new RegExp(p.pattern, 'i');
    } else {
      for (const l of text.split('\n').map((x) => x.trim()).filter((x) => x !== '' && !x.startsWith('#'))) new RegExp(l, 'i');
    }
    fetched.push({ file, text });
  }
  for (const f of fetched) writeFileSync(path.join(dir, f.file), f.text);
  return fetched.map((f) => ({ file: f.file, bytes: Buffer.byteLength(f.text) }));
}

async function defaultFetch(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}
