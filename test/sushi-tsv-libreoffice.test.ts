/**
 * The DSR's tabular form opened in LibreOffice Calc (headless), as a user
 * opening the .tsv gets it: the Text Import dialog's shipped defaults
 * (tab-separated, UTF-8, "Detect special numbers" and "Format quoted field
 * as text" off — officecfg Office.Calc/Dialogs/CSVImport). Calc's cells
 * are read back from a flat ODS: the Table 7.2 header rows and the Table
 * 7.3 column headings, `Oct-2026` month headings included, must be the
 * TSV's strings, not dates; the counts must be numbers.
 * Needs LibreOffice (scripts/install-libreoffice.sh, run by npm test first).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDsr, emptyFigures, type DsrDatasetInput, type MethodFigures } from '../src/sushi/dsr-report';
import { dsrToTsv } from '../src/sushi/dsr-tsv';
import { sofficePath } from './support/libreoffice';

interface Cell {
  /** `office:value-type`: string, float, date…; null for an empty cell. */
  type: string | null;
  /** The text Calc shows. */
  text: string;
}

function decode(xml: string): string {
  return xml
    .replace(/<text:s(?: text:c="(\d+)")?\s*\/>/g, (_m, n: string | undefined) => ' '.repeat(n ? +n : 1))
    .replace(/<text:tab\s*\/>/g, '\t')
    .replace(/<\/text:p>\s*<text:p[^>]*>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The first sheet of a flat ODS as rows of cells (repeated cells expanded, trailing empties dropped). */
function readFods(xml: string): Cell[][] {
  const table = /<table:table\b[\s\S]*?<\/table:table>/.exec(xml)![0];
  const rows: Cell[][] = [];
  for (const row of table.match(/<table:table-row\b(?:[^>]*\/>|[\s\S]*?<\/table:table-row>)/g) ?? []) {
    const cells: Cell[] = [];
    for (const m of row.matchAll(/<table:(?:covered-)?table-cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g)) {
      const attrs = m[1];
      const repeat = Math.min(+(/table:number-columns-repeated="(\d+)"/.exec(attrs)?.[1] ?? 1), 200);
      const type = /office:value-type="([^"]+)"/.exec(attrs)?.[1] ?? null;
      for (let i = 0; i < repeat; i++) cells.push({ type, text: decode(m[2] ?? '').trim() });
    }
    while (cells.length && cells[cells.length - 1].type === null && cells[cells.length - 1].text === '') cells.pop();
    rows.push(cells);
  }
  return rows;
}

function figures(p: Partial<MethodFigures>): MethodFigures {
  return { ...emptyFigures(), ...p };
}

describe('the DSR TSV in LibreOffice Calc', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsr-tsv-lo-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('keeps the header rows and the column headings (Sep-2026 …) as the same strings, and the counts as numbers', () => {
    const soffice = sofficePath();
    const month = (n: number): Record<'regular' | 'machine', MethodFigures> => ({
      regular: figures({ 'total-dataset-investigations': n, 'unique-dataset-investigations': 1, 'total-dataset-requests': 1, 'unique-dataset-requests': 1 }),
      machine: emptyFigures(),
    });
    const datasets: DsrDatasetInput[] = [
      {
        id: 'ds-1', title: 'Lake Erie fish', doi: '10.5061/dryad.x1', portalId: 'p1', portalName: 'Portal One', publisher: 'Lake Institute', publisherId: 'grid.466587.e',
        contributors: ['Ada Lovelace', 'Alan Turing'], publicationDate: new Date('2019-04-02T00:00:00Z'), landingPageUrl: 'https://data.example.org/ds-1',
        months: new Map([['2026-09', month(4)], ['2026-10', month(7)], ['2026-11', month(2)]]),
      },
      { id: 'ds-2', title: 'Birds', doi: null, portalId: 'p1', portalName: 'Portal One', months: new Map([['2026-10', month(3)]]) },
    ];
    const report = buildDsr(datasets, {
      beginMonth: '2026-09',
      endMonth: '2026-11',
      filters: [{ name: 'begin-date', value: '2026-09' }, { name: 'end-date', value: '2026-11' }, { name: 'portal', value: 'p1' }],
      platform: 'usage-gateway',
      createdBy: 'usage-gateway',
      now: new Date('2026-12-05T08:00:00Z'),
      dataFrom: '2026-01-03',
    });
    const tsv = dsrToTsv(report);
    const file = path.join(tmp, 'dsr.tsv');
    fs.writeFileSync(file, tsv);
    // 9 = tab, 34 = ", 76 = UTF-8, from line 1, no column types, language 0, quoted field as text off, detect special numbers off.
    execFileSync(
      soffice,
      [`-env:UserInstallation=file://${tmp}/profile`, '--headless', '--infilter=CSV:9,34,76,1,,0,false,false', '--convert-to', 'fods', '--outdir', tmp, file],
      { stdio: 'pipe', timeout: 300_000 },
    );
    const sheet = readFods(fs.readFileSync(path.join(tmp, 'dsr.fods'), 'utf8'));
    const lines = tsv.split('\r\n').map((l) => l.split('\t'));

    // Table 7.2: ten label/value rows, as written. Created is an ISO date Calc reads as one, shown as written.
    for (let r = 0; r < 10; r++) {
      const [label, value] = lines[r];
      expect([r, sheet[r][0]]).toEqual([r, { type: 'string', text: label }]);
      const cell = sheet[r][1] ?? { type: null, text: '' };
      expect([label, cell.text]).toEqual([label, value]);
      if (value === '') expect(cell.type).toBeNull();
      else expect([label, cell.type]).toEqual([label, label === 'Created' ? 'date' : 'string']);
    }
    expect(sheet[10]).toEqual([]);
    // Table 7.3 headings and the month columns: text, the same strings.
    expect(lines[11].slice(-3)).toEqual(['Sep-2026', 'Oct-2026', 'Nov-2026']);
    expect(sheet[11]).toEqual(lines[11].map((text) => ({ type: 'string', text })));
    // Body: titles and ids as written; Reporting_Period_Total and the months are numbers.
    const col = (name: string): number => lines[11].indexOf(name);
    for (let r = 12; r < lines.length - 1; r++) {
      for (const name of ['Dataset_Title', 'Publisher', 'DOI', 'Other_ID', 'Creators', 'Metric_Type']) {
        const text = lines[r][col(name)];
        expect([r, name, sheet[r][col(name)] ?? { type: null, text: '' }]).toEqual([r, name, { type: text ? 'string' : null, text }]);
      }
      for (let c = col('Reporting_Period_Total'); c < lines[11].length; c++) {
        expect([r, c, sheet[r][c]]).toEqual([r, c, { type: 'float', text: lines[r][c] }]);
      }
    }
    expect(sheet[12][col('Reporting_Period_Total')].text).toBe('13');
  }, 300_000);
});
