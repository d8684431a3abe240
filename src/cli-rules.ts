/**
 * `usage-gateway refresh-rules [--download] [--since YYYY-MM-DD] [--rebuild]`:
 * the operator's one command after changing what counts as a robot or a
 * machine — the lists in data/agents (downloaded again with `--download`)
 * or `ROBOT_PATTERNS` / `MACHINE_PATTERNS` — publishes them as the new
 * version of the shared rule set (src/counting/rule-set.ts), which every
 * running instance then follows, and recounts under it. Registered by
 * src/cli.ts.
 */
import type { Command } from 'commander';
import type { CliIo, Connect } from './cli-run';
import { loadConfig } from './config';
import { createServices, localRuleSet } from './services';
import { downloadAgentLists } from './counting/agent-lists';
import { onDatabase, sinceIsValid } from './cli-run';

export interface RefreshRulesOptions {
  /** Download the COUNTER-Robots and Make Data Count lists again first. */
  download?: boolean;
  /** Recount from this day on (default: every day in the event log). */
  since?: string;
  /** Rebuild every figure into fresh collections instead of rewriting what differs. */
  rebuild?: boolean;
}

export async function refreshRulesCommand(o: RefreshRulesOptions, io: CliIo, connect: Connect): Promise<number> {
  if (!sinceIsValid(io, o.since)) return 1;
  return onDatabase(io, connect, async (store) => {
    if (o.download) {
      for (const f of await downloadAgentLists()) io.err(`refresh-rules: ${f.file} downloaded (${f.bytes} bytes)\n`);
    }
    const config = loadConfig(io.env);
    const services = createServices(store, config);
    const published = await services.rules.publish(localRuleSet(config));
    if (!published.changed) {
      io.err(`refresh-rules: the rules in force (version ${published.version}) are these already; nothing to recount\n`);
      return 0;
    }
    io.err(`refresh-rules: counting rules version ${published.version} published; every instance counts with it from its next pass\n`);
    const started = Date.now();
    const r = o.rebuild ? await services.aggregator.rebuildAll() : await services.aggregator.recount({ sinceDay: o.since });
    io.err(`refresh-rules: recounted ${r.events} events over ${r.days} days in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  });
}

export function registerRulesCommands(program: Command, io: CliIo, connect: Connect, done: (code: number) => void): void {
  program
    .command('refresh-rules')
    .description(
      'Publish the robot and machine rules of this process (data/agents lists, ROBOT_PATTERNS, MACHINE_PATTERNS) as the version every instance counts with, then recount under them.',
    )
    .option('--download', 'download the COUNTER-Robots and Make Data Count lists into data/agents first (needs network access)', false)
    .option('--since <day>', 'recount only days from this one (YYYY-MM-DD); default every day in the log')
    .option('--rebuild', 'rebuild every figure into fresh collections and swap them in', false)
    .action(async (opts: RefreshRulesOptions) => {
      done(await refreshRulesCommand(opts, io, connect));
    });
}
