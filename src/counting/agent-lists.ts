/**
 * Reads the published user-agent lists kept in `data/agents/` (see
 * `data/agents/SOURCE.md`): the COUNTER-Robots list and Make Data Count's
 * machine list. Read once at start-up; the classifier compiles them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `data/agents` from `src/counting` and from `dist/src/counting`. */
function agentsDir(): string {
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
