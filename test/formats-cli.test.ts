/**
 * The format commands as a real process (commander is ESM-only: Jest on
 * Node 20 cannot load it, so the argument parsing is tested by spawning
 * `src/cli.ts`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { GEN, loadCatalog } from './support/formats-fixture';
import { generateCombinedLog } from '../bench/log-gen';

const ROOT = path.resolve(__dirname, '..');

describe('usage-gateway import-logs / export-events (process)', () => {
  let t: TestGateway;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'formats-cli-'));
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: t.dbName, LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    t = await startTestGateway();
    await loadCatalog(t);
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports a log, exports the events, and explains usage errors', async () => {
    const file = path.join(tmp, 'access.log');
    const lines = [...generateCombinedLog(GEN, 60, Date.now() - 3 * 86_400_000, 9, 60_000)];
    fs.writeFileSync(file, lines.map((l) => l.line).join('\n') + '\n');
    const imported = await run(['import-logs', '--mapping', 'examples/log-mapping.json', '--portal', 'p1', '--no-progress', file]);
    expect(imported.stderr).toMatch(/recorded +\d+/);
    expect(imported.code).toBe(0);
    const summary = JSON.parse(imported.stdout) as { recorded: number };
    expect(summary.recorded).toBeGreaterThan(30);

    const exported = await run(['export-events', '--format', 'csv']);
    expect(exported.code).toBe(0);
    const rows = exported.stdout.trim().split('\r\n');
    expect(rows[0]).toMatch(/^timestamp,portal,resource_type,resource_id,/);
    expect(rows.length - 1).toBe(summary.recorded);
    expect(exported.stderr).toContain(`exported ${summary.recorded} events`);

    expect(imported.stderr).toMatch(/^connected to mongodb:.*, database /m);
    const unknownPortal = await run(['import-logs', '--mapping', 'examples/log-mapping.json', '--portal', 'nope', '--no-progress', file]);
    expect(unknownPortal.code).toBe(1);
    expect(unknownPortal.stderr).toMatch(/^error: unknown portal "nope"/m);

    const noMapping = await run(['import-logs', file]);
    expect(noMapping.code).not.toBe(0);
    expect(noMapping.stderr).toMatch(/--mapping/);
    const missing = await run(['import-logs', '--mapping', 'examples/log-mapping.json', path.join(tmp, 'nope.log')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*nope\.log/m);
    const badDate = await run(['export-events', '--since', 'yesterday']);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/since must be/);
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/import-logs/);
    expect(help.stdout).toMatch(/export-events/);
    expect(help.stdout).toMatch(/import-events/);
  }, 180_000);
});
