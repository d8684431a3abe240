/**
 * The BI recipes of docs/bi.md, run for real (scripts/bi-recipes.sh)
 * against a test gateway: pandas reading the CSV reports from their URLs,
 * a Python GraphQL client paging the long usage table, SQL over the API
 * with shillelagh, and LibreOffice opening the CSVs (dates must be dates).
 * Needs python3 with venv (scripts/install-python-venv.sh) and PyPI for
 * the first run (packages go to .tools/venv); LibreOffice for the
 * spreadsheet one (scripts/install-libreoffice.sh); npm test runs both
 * install scripts first.
 */
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { GEN, loadCatalog } from './support/formats-fixture';
import { sofficePath } from './support/libreoffice';
import { generateCombinedLog } from '../bench/log-gen';

const ROOT = path.resolve(__dirname, '..');
const DAY = 86_400_000;

function pythonWithVenv(): void {
  const r = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'The BI recipe tests need python3 with the venv and ensurepip modules: run scripts/install-python-venv.sh (npm test runs it first and says why it could not install), or Debian/Ubuntu: sudo apt-get install -y python3 python3-venv. ' +
        `python3 said: ${r.error?.message ?? r.stderr.trim()}`,
    );
  }
}

/**
 * Runs the recipes script. Asynchronously: the gateway answering the
 * recipes lives in this process, so a synchronous spawn would deadlock it.
 */
function runRecipes(t: TestGateway, key: string, recipes: string[]): Promise<Record<string, Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(ROOT, 'scripts/bi-recipes.sh'),
      [t.baseUrl, key, ...recipes],
      { cwd: ROOT, encoding: 'utf8', timeout: 900_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`bi-recipes.sh ${recipes.join(' ')} failed (${err.code ?? err.signal}):\n${stderr}\n${stdout}`));
        const out: Record<string, Record<string, unknown>> = {};
        for (const line of stdout.trim().split('\n')) {
          const o = JSON.parse(line) as { recipe: string };
          out[o.recipe] = o;
        }
        resolve(out);
      },
    );
  });
}

describe('BI recipes (docs/bi.md)', () => {
  let t: TestGateway;
  let admin: string;
  let expected: Record<string, number>;

  beforeAll(async () => {
    pythonWithVenv();
    t = await startTestGateway();
    await loadCatalog(t);
    admin = await t.keyFor('root', 'ADMIN');
    const tracker = await t.keyFor('svc', 'TRACKER');
    const start = Date.now() - 40 * DAY;
    const events = [...generateCombinedLog(GEN, 300, start, 11, Math.floor((38 * DAY) / 300 / 2))]
      .filter((l) => l.event && !l.event.resourceId.startsWith('ds-unknown'))
      .map((l, i) => ({ ...l.event!, eventId: `bi-${i}` }));
    const res = await t.gql(`mutation T($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded } }`, { inputs: events }, tracker);
    expect(res.errors).toBeUndefined();
    await t.settle();
    // What the gateway says, from its own CSV.
    const csv = await (await fetch(`${t.baseUrl}/api/reports/usage-table?granularity=month&bom=false`, { headers: { authorization: `Bearer ${admin}` } })).text();
    const [head, ...rows] = csv.trim().split('\r\n').map((l) => l.split(','));
    expected = {};
    for (const r of rows) {
      const k = `${r[head.indexOf('metric')]}|${r[head.indexOf('access_method')]}`;
      expected[k] = (expected[k] ?? 0) + Number(r[head.indexOf('count')]);
    }
    expect(Object.keys(expected).length).toBeGreaterThan(4);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('pandas, a GraphQL client and shillelagh read the same figures as the gateway', async () => {
    const out = await runRecipes(t, admin, ['pandas', 'graphql', 'shillelagh']);
    expect(out.pandas.totals).toEqual(expected);
    expect(out.pandas.date_dtype).toMatch(/^datetime64/);
    expect(out.pandas.created_dtype).toMatch(/^datetime64/);
    expect(out.pandas.datasets_rows).toBeGreaterThan(0);
    expect(out.graphql.totals).toEqual(expected);
    expect(out.graphql.rows).toBe(out.graphql.totalCount);
    expect(out.graphql.rows).toBe(out.pandas.rows);
    expect(out.graphql.pages).toBeGreaterThan(1);
    expect(out.shillelagh.totals).toEqual(expected);

    // The pivot keeps regular and machine use apart: each dataset's views are
    // what GraphQL (and the dashboard) say, not regular + machine.
    const res = await t.gql<{ datasets: { nodes: { id: string; stats: { views: number; machine: { views: number } } }[] } }>(
      `{ datasets(first: 500) { nodes { id stats { views machine { views } } } } }`,
      {},
      admin,
    );
    expect(res.errors).toBeUndefined();
    const stats = new Map(res.data!.datasets.nodes.map((n) => [n.id, n.stats]));
    const views = out.pandas.dataset_views as Record<string, number>;
    const machineViews = out.pandas.dataset_machine_views as Record<string, number>;
    expect(Object.keys(views).length).toBeGreaterThan(0);
    for (const [id, v] of Object.entries(views)) expect([id, v]).toEqual([id, stats.get(id)?.views]);
    for (const [id, v] of Object.entries(machineViews)) expect([id, v]).toEqual([id, stats.get(id)?.machine.views]);
    // By country, the regular views add up to the same.
    const byCountry = Object.values(out.pandas.country_views as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byCountry).toBe(Object.values(views).reduce((a, b) => a + b, 0));
  }, 900_000);

  it('LibreOffice opens the CSV dates as dates, months included', async () => {
    sofficePath();
    const out = await runRecipes(t, admin, ['sheets']);
    const columns = out.sheets.columns as Record<string, { cells: number; dates: number }>;
    // Month values (usage table by month, monthly export) are written as their first day.
    expect(Object.keys(columns)).toEqual(expect.arrayContaining(['usage_month.date', 'monthly.month']));
    for (const [name, c] of Object.entries(columns)) {
      expect([name, c.cells > 0, c.dates]).toEqual([name, true, c.cells]);
    }
  }, 900_000);
});
