/**
 * Issue 9, finding 14: docs/permissions.md's "What each caller may do" table
 * is checked against the running gateway. Each row has a probe; each cell
 * either names an HTTP status and a code (which the probe must produce
 * exactly) or describes a success.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from '../support/fixtures';

type Outcome = { status: number; code: string | null };
type Role = 'anonymous' | 'TRACKER' | 'USER' | 'ADMIN';

/** The table under "## What each caller may do", as rows of cells. */
export function permissionTable(markdown: string): { header: string[]; rows: string[][] } {
  const section = markdown.split('## What each caller may do')[1]?.split('\n## ')[0] ?? '';
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.slice(1, -1).split(' | ').map((c) => c.trim());
  const [header, , ...rows] = lines.map(cells);
  return { header: header ?? [], rows };
}

/** What a cell promises: a status and a code, or success. */
export function expectation(cell: string): { status: number | null; code: string | null } {
  const code = /`([A-Z_]{5,})`/.exec(cell)?.[1] ?? null;
  const status = /HTTP (\d{3})/.exec(cell)?.[1];
  return { status: status ? Number(status) : null, code };
}

describe('docs/permissions.md matches the code: each row is probed against the gateway', () => {
  let t: TestGateway;
  const keys: Partial<Record<Role, string>> = {};
  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    keys.TRACKER = await t.keyFor('pd-tracker', 'TRACKER');
    keys.USER = await t.keyFor('alice', 'USER');
    keys.ADMIN = await t.keyFor('pd-admin', 'ADMIN');
  });
  afterAll(() => t.stop());

  const auth = (role: Role): Record<string, string> => (keys[role] ? { authorization: `Bearer ${keys[role]}` } : {});

  async function gql(role: Role, query: string, variables?: Record<string, unknown>): Promise<Outcome> {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(role) }, body: JSON.stringify({ query, variables }) });
    const j = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: res.status, code: j.errors?.[0]?.extensions?.code ?? null };
  }
  async function csv(role: Role, p: string): Promise<Outcome> {
    const res = await fetch(`${t.baseUrl}${p}`, { headers: auth(role) });
    const text = await res.text();
    let code: string | null = null;
    if (res.status >= 400) code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
    return { status: res.status, code };
  }

  let n = 0;
  /** One probe per documented row, keyed by the row's first cell. */
  const probes: Record<string, (role: Role) => Promise<Outcome>> = {
    'read catalog and usage trees (GraphQL)': (r) => gql(r, '{ datasets { totalCount nodes { id stats { views } } } collections { nodes { id } } }'),
    '`trackAccess(es)`': (r) =>
      gql(r, `mutation($e: ID!) { trackAccess(input: { resourceType: DATASET, resourceId: "d-pub", action: VIEW, eventId: $e, userAgent: "${BROWSER_UA}" }) { status } }`, { e: `pd-${n++}` }),
    'catalog upserts, `createUser`, `issueApiKey`, `revokeApiKey`': (r) => gql(r, 'mutation { upsertThemes(themes: [{ id: "pd-theme", name: "T" }]) { created } }'),
    '`me`, `apiKeys` (own keys)': (r) => gql(r, '{ me { id } apiKeys { prefix } }'),
    '`user(id)` of another user': (r) => gql(r, '{ user(id: "bob") { id } }'),
    'usage reports (CSV)': (r) => csv(r, '/api/reports/metrics/datasets'),
    'usage reports (GraphQL)': (r) => gql(r, '{ usageReport(first: 5) { totalCount } }'),
    'by-user reports (CSV)': (r) => csv(r, '/api/reports/metrics/datasets_by_user?since=2020-01-01&until=2030-01-01'),
    'monthly export (CSV)': (r) => csv(r, '/api/reports/monthly?portal=p1'),
    '`registerReuse`': (r) => gql(r, 'mutation { registerReuse(input: { title: "R", url: "https://example.org/r", type: APPLICATION, datasetIds: ["d-pub"] }) { id } }'),
  };

  const doc = readFileSync(path.join(__dirname, '../../docs/permissions.md'), 'utf8');
  const { header, rows } = permissionTable(doc);

  it('has the expected columns and a probe for every row', () => {
    expect(header).toEqual(['Operation', 'anonymous', 'TRACKER', 'USER', 'ADMIN']);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) expect(Object.keys(probes)).toContain(row[0]);
  });

  it.each(rows.flatMap((row) => (['anonymous', 'TRACKER', 'USER', 'ADMIN'] as Role[]).map((role, i) => [row[0] as string, role, row[i + 1] as string])))(
    '%s as %s: "%s"',
    async (operation, role, cell) => {
      const outcome = await probes[operation]!(role as Role);
      const want = expectation(cell);
      if (want.code) {
        expect(outcome.code).toBe(want.code);
        if (want.status) expect(outcome.status).toBe(want.status);
      } else {
        expect(outcome).toEqual({ status: 200, code: null });
      }
    },
  );
});
