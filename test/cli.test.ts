/**
 * The `usage-gateway` CLI (src/cli.ts) against the test database: the
 * command functions in-process, and `runCli` (argument parsing, exit codes)
 * as a real process. commander 15 is ESM-only: Node 20 loads it with
 * require(), Jest on Node 20 cannot, hence the split.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { bootstrapAdminCommand, issueKeyCommand, revokeKeyCommand } from '../src/cli';
import { captureIo, testDbEnv, type CapturedIo } from './support/cli-io';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const ROOT = path.resolve(__dirname, '..');

function freshDb(): string {
  return `test_cli_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

const io = (dbName: string): CapturedIo => captureIo(testDbEnv(dbName));

const ME = `{ me { id name role automated } }`;

describe('usage-gateway CLI', () => {
  const dbName = freshDb();
  let t: TestGateway;
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(process.env.TEST_MONGODB_URI!);
  });
  afterAll(async () => {
    await t?.stop();
    await client.close();
  });

  it('bootstrap-admin creates the ADMIN and prints a key once, alone on stdout', async () => {
    const o = io(dbName);
    expect(await bootstrapAdminCommand({ id: 'admin', name: 'Admin' }, o)).toBe(0);
    expect(o.stdout).toMatch(/^ugk_[A-Za-z0-9_-]{43}\n$/);
    expect(o.stderr).toMatch(/created ADMIN user "admin" \(Admin\)/);
    const key = o.stdout.trim();

    // The key works against a gateway on the same database; only its hash is stored.
    // The CLI revokes keys from another process: a gateway sees that within
    // CACHE_TTL_MS (10 s by default); this one does not cache.
    t = await startTestGateway({ dbName, env: { CACHE_TTL_MS: '0' } });
    const me = await t.gql<{ me: Record<string, unknown> }>(ME, {}, key);
    expect(me.data!.me).toEqual({ id: 'admin', name: 'Admin', role: 'ADMIN', automated: false });
    const keys = await client.db(dbName).collection('api_keys').find({}).toArray();
    expect(keys).toHaveLength(1);
    expect(JSON.stringify(keys)).not.toContain(key);
  });

  it('refuses a second bootstrap (exit 1, clear message, no key) unless --force', async () => {
    const o = io(dbName);
    expect(await bootstrapAdminCommand({ id: 'other', name: 'Other' }, o)).toBe(1);
    expect(o.stdout).toBe('');
    expect(o.stderr).toMatch(/error: an ADMIN user already exists \("admin"\).*--force/);
    expect(await client.db(dbName).collection('users').findOne({ _id: 'other' as never })).toBeNull();

    const forced = io(dbName);
    expect(await bootstrapAdminCommand({ id: 'other', name: 'Other', force: true }, forced)).toBe(0);
    const me = await t.gql<{ me: Record<string, unknown> }>(ME, {}, forced.stdout.trim());
    expect(me.data!.me).toMatchObject({ id: 'other', role: 'ADMIN' });
  });

  it('refuses to promote an existing non-admin without --force', async () => {
    await client.db(dbName).collection('users').insertOne({ _id: 'pat' as never, name: 'Pat', email: null, role: 'USER', automated: false, createdAt: new Date() });
    const db2 = freshDb();
    await client.db(db2).collection('users').insertOne({ _id: 'pat' as never, name: 'Pat', email: null, role: 'USER', automated: false, createdAt: new Date() });
    try {
      const o = io(db2);
      expect(await bootstrapAdminCommand({ id: 'pat', name: 'Admin' }, o)).toBe(1);
      expect(o.stderr).toMatch(/exists with role USER.*--force/);
      const f = io(db2);
      expect(await bootstrapAdminCommand({ id: 'pat', name: 'Admin', force: true }, f)).toBe(0);
      expect(f.stderr).toMatch(/made ADMIN/);
      expect(await client.db(db2).collection('users').findOne({ _id: 'pat' as never })).toMatchObject({ role: 'ADMIN' });
    } finally {
      await client.db(db2).dropDatabase();
    }
  });

  it('issue-key prints a key for an existing user, optionally automated', async () => {
    const missing = io(dbName);
    expect(await issueKeyCommand({ user: 'nobody' }, missing)).toBe(1);
    expect(missing.stderr).toMatch(/error: no user with id "nobody"/);

    const o = io(dbName);
    expect(await issueKeyCommand({ user: 'pat', label: 'harvester', automated: true }, o)).toBe(0);
    const me = await t.gql<{ me: Record<string, unknown> }>(ME, {}, o.stdout.trim());
    expect(me.data!.me).toMatchObject({ id: 'pat', automated: true });

    const r = io(dbName);
    expect(await revokeKeyCommand({ prefix: o.stdout.trim().slice(0, 10) }, r)).toBe(0);
    expect(r.stderr).toMatch(/revoked 1 key/);
    expect((await t.gql(ME, {}, o.stdout.trim())).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  describe('as a process (runCli)', () => {
    // Each run compiles the CLI with ts-node in a new process: on a busy
    // 2-core machine three runs took more than the default 60 s.
    jest.setTimeout(300_000);
    const db3 = freshDb();
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
          cwd: ROOT,
          env: { ...process.env, MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: db3 },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    afterAll(() => client.db(db3).dropDatabase());

    it('bootstrap-admin: exit 0 with the key on stdout, then exit 1 once an ADMIN exists', async () => {
      const first = await run(['bootstrap-admin', '--id', 'admin', '--name', 'Admin']);
      expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ugk_\S{43}\n$/) });
      const second = await run(['bootstrap-admin']);
      expect(second.code).toBe(1);
      expect(second.stdout).toBe('');
      expect(second.stderr).toMatch(/an ADMIN user already exists/);
    });

    it('issue-key and usage errors', async () => {
      const key = await run(['issue-key', '--user', 'admin', '--label', 'ci']);
      expect(key).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ugk_\S{43}\n$/) });
      const unknown = await run(['issue-key', '--user', 'ghost']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/no user with id "ghost"/);
      const missing = await run(['issue-key']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/--user/);
      const help = await run(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/bootstrap-admin/);
      expect(help.stdout).toMatch(/revoke-key/);
    });
  });
});
