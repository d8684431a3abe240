/*
 * The layer rule of docs/design.md ("Code map"), run in `npm test` so CI
 * fails on a new violation: dependency-cruiser with the repository's
 * .dependency-cruiser.cjs (one direction, no cycles, MongoDB only in the
 * store), plus what it cannot see: `export *` barrels.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

function cruise(): { violations: Violation[]; totalCruised: number } {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'depcruise');
  const out = execFileSync(bin, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const summary = (JSON.parse(out) as { summary: { violations: Violation[]; totalCruised: number } }).summary;
  return { violations: summary.violations, totalCruised: summary.totalCruised };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

describe('layers: imports run one way', () => {
  it('dependency-cruiser finds no violation of the layer rule in src/', () => {
    const { violations, totalCruised } = cruise();
    // A config that matched nothing would pass vacuously.
    expect(totalCruised).toBeGreaterThan(150);
    const readable = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
    expect(readable).toEqual([]);
  }, 120_000);

  it('no module re-exports another wholesale (export * hides where a name is defined)', () => {
    const barrels = sourceFiles(path.join(ROOT, 'src')).filter((f) => /^\s*export \*/m.test(readFileSync(f, 'utf8')));
    expect(barrels.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
