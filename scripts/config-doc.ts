/**
 * The README's configuration tables, generated from src/config.ts.
 *
 *   npx ts-node scripts/config-doc.ts          prints the tables
 *   npx ts-node scripts/config-doc.ts --write  replaces them in README.md
 *
 * test/config-doc.unit.test.ts fails when README.md differs from what this
 * prints, so a setting's name, unit and default are written only in config.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_GROUPS, SETTINGS, type ConfigGroup } from '../src/config';

export const README = path.join(__dirname, '..', 'README.md');
export const BEGIN = '<!-- config table: generated from src/config.ts by `npx ts-node scripts/config-doc.ts --write` -->';
export const END = '<!-- end of config table -->';

function cell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|');
}

/** The tables, one per group of settings, between the BEGIN and END markers. */
export function configTables(): string {
  const out: string[] = [BEGIN];
  for (const group of Object.keys(CONFIG_GROUPS) as ConfigGroup[]) {
    out.push('', `### ${CONFIG_GROUPS[group]}`, '', '| Variable | Default | Unit | Meaning |', '| --- | --- | --- | --- |');
    for (const s of Object.values(SETTINGS)) {
      if (s.group === group) out.push(`| \`${s.env}\` | ${cell(s.defaultText)} | ${cell(s.unit)} | ${cell(s.doc)} |`);
    }
  }
  out.push('', END);
  return out.join('\n');
}

/** The README's text between (and including) the markers, or null when they are missing. */
export function readmeTables(readme: string): string | null {
  const from = readme.indexOf(BEGIN);
  const to = readme.indexOf(END);
  return from < 0 || to < from ? null : readme.slice(from, to + END.length);
}

function main(): void {
  if (!process.argv.includes('--write')) {
    process.stdout.write(`${configTables()}\n`);
    return;
  }
  const readme = readFileSync(README, 'utf8');
  const current = readmeTables(readme);
  if (current === null) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  writeFileSync(README, readme.replace(current, () => configTables()));
}

if (require.main === module) main();
