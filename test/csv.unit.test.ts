/**
 * Unit tests of the pure CSV layer of the usage reports. Output is read back
 * with csv-parse (a real RFC 4180 parser), not with string splitting, so that
 * quoting bugs cannot hide behind a test that makes the same mistake.
 */
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';

import {
  BY_USER_REPORT_COLUMNS,
  COLLECTION_REPORT_COLUMNS,
  DATASET_REPORT_COLUMNS,
  FILE_REPORT_COLUMNS,
  MERGED_CREATED_COLUMN,
  MERGED_REPORT_COLUMNS,
  MONTHLY_EXPORT_COLUMNS,
  toMergedRecord,
} from '../src/reports/report-columns';
import {
  cellText,
  csvDate,
  idList,
  nameList,
  toCells,
} from '../src/reports/csv-format';
import { neutralizeFormula } from '../src/domain/csv-cell';
import { csvContentDisposition, writeCsv } from '../src/reports/csv-stream';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A Writable that keeps everything written to it. */
class MemorySink extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    cb();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  get text(): string {
    return this.bytes.toString('utf8');
  }
}

/**
 * Parses CSV output with a real parser; strips a leading BOM if present.
 * Strict about line breaks, like a spreadsheet: an *unquoted* CRLF, LF or CR
 * anywhere ends a record (csv-parse's default would guess CRLF from the first
 * line and then take a bare LF inside a cell as data, hiding a quoting bug).
 */
function parseCsv(text: string): string[][] {
  return parse(text, {
    bom: true,
    relax_column_count: false,
    record_delimiter: ['\r\n', '\n', '\r'],
  }) as string[][];
}

async function csvOf(
  rows: Iterable<Record<string, unknown>>,
  columns: readonly string[],
  options?: { bom?: boolean },
): Promise<{ sink: MemorySink; count: number }> {
  const sink = new MemorySink();
  const count = await writeCsv(rows, columns, sink, options);
  return { sink, count };
}

describe('report columns', () => {
  it('starts with Clowder\'s exact headers, additions after', () => {
    expect(FILE_REPORT_COLUMNS.join(',')).toBe(
      'type,id,name,owner,owner_id,size_kb,uploaded,views,downloads,last_viewed,last_downloaded,location,' +
        'parent_datasets,parent_collections,parent_spaces,status,' +
        'parent_dataset_names,parent_collection_names,parent_space_names',
    );
    expect(DATASET_REPORT_COLUMNS.join(',')).toBe(
      'type,id,name,owner,owner_id,created,views,downloads,last_viewed,last_downloaded,parent_collections,parent_spaces,' +
        'parent_collection_names,parent_space_names,api_calls,portal,visibility,machine_views,machine_downloads,machine_api_calls,robot_events',
    );
    expect(COLLECTION_REPORT_COLUMNS.join(',')).toBe(
      'type,id,name,owner,owner_id,created,views,last_viewed,parent_collections,parent_spaces,' +
        'parent_collection_names,parent_space_names',
    );
    // Clowder's AllMetrics.csv header, verbatim, then our additions.
    expect(MERGED_REPORT_COLUMNS.join(',')).toBe(
      'type,id,name,owner,owner_id,size_kb,uploaded/created,views,downloads,last_viewed,last_downloaded,location,' +
        'parent_datasets,parent_collections,parent_spaces,status,' +
        'parent_dataset_names,parent_collection_names,parent_space_names,' +
        'api_calls,portal,visibility,machine_views,machine_downloads,machine_api_calls,robot_events',
    );
    expect(BY_USER_REPORT_COLUMNS.join(',')).toBe(
      'type,id,name,user_id,user_name,views,downloads,last_viewed,last_downloaded',
    );
    expect(MONTHLY_EXPORT_COLUMNS.join(',')).toBe(
      'dataset_title,dataset_id,month,monthly_visit,monthly_download_resource,monthly_api_calls',
    );
  });

  it('merged columns cover every column of the three reports', () => {
    const merged = new Set<string>(MERGED_REPORT_COLUMNS);
    for (const list of [FILE_REPORT_COLUMNS, DATASET_REPORT_COLUMNS, COLLECTION_REPORT_COLUMNS]) {
      for (const c of list) {
        const name = c === 'uploaded' || c === 'created' ? MERGED_CREATED_COLUMN : c;
        expect(merged.has(name)).toBe(true);
      }
    }
    expect(new Set(MERGED_REPORT_COLUMNS).size).toBe(MERGED_REPORT_COLUMNS.length);
  });

  it('lists are frozen', () => {
    expect(Object.isFrozen(FILE_REPORT_COLUMNS)).toBe(true);
    expect(() => (FILE_REPORT_COLUMNS as unknown as string[]).push('x')).toThrow(TypeError);
  });

  it('toMergedRecord moves uploaded/created into the merged column', () => {
    const up = new Date('2020-01-02T03:04:05.006Z');
    expect(toMergedRecord({ type: 'file', uploaded: up })[MERGED_CREATED_COLUMN]).toBe(up);
    expect(toMergedRecord({ type: 'dataset', created: up })[MERGED_CREATED_COLUMN]).toBe(up);
    expect(toMergedRecord({ type: 'file', uploaded: null, created: up })[MERGED_CREATED_COLUMN]).toBeNull();
  });
});

describe('csv-format', () => {
  it('csvDate is UTC ISO with milliseconds, blank for null/invalid', () => {
    expect(csvDate(new Date(Date.UTC(2018, 7, 16, 4, 30, 12, 7)))).toBe('2018-08-16T04:30:12.007Z');
    expect(csvDate(null)).toBe('');
    expect(csvDate(undefined)).toBe('');
    expect(csvDate(new Date(NaN))).toBe('');
  });

  it('idList joins with commas, nameList with " | "', () => {
    expect(idList(['a1', 'b2', 'c3'])).toBe('a1,b2,c3');
    expect(idList([])).toBe('');
    expect(nameList(['Climate, 2020', "Données d'été"])).toBe("Climate, 2020 | Données d'été");
  });

  it.each([
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['-A1', "'-A1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['-5', '-5'],
    ['+3.25', '+3.25'],
    ['-1e6', '-1e6'],
    ['2018-08-16T04:30:12.000Z', '2018-08-16T04:30:12.000Z'],
    ['a=b', 'a=b'],
    ['', ''],
    ["Données d'été — 東京", "Données d'été — 東京"],
  ])('neutralizeFormula(%j) = %j', (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
  });

  it('toCells orders cells by column, blanks missing, prints numbers and dates', () => {
    const cells = toCells(
      { views: 12, name: 'x', last_viewed: new Date('2021-05-06T07:08:09.010Z'), last_downloaded: null, extra: 'ignored' },
      ['name', 'views', 'downloads', 'last_viewed', 'last_downloaded'],
    );
    expect(cells).toEqual(['x', '12', '', '2021-05-06T07:08:09.010Z', '']);
  });

  it('toCells neutralises every string cell (ids too), never numbers', () => {
    const cells = toCells({ name: '=1+1', owner_id: '=id', size_kb: -5, views: '-5' }, ['name', 'owner_id', 'size_kb', 'views']);
    expect(cells).toEqual(["'=1+1", "'=id", '-5', '-5']);
  });

  it('cellText prints numbers in decimal and rejects lists/objects', () => {
    expect(cellText(0)).toBe('0');
    expect(cellText(-0)).toBe('0');
    expect(cellText(1e21)).toBe('1000000000000000000000');
    expect(cellText(2.5)).toBe('2.5');
    expect(cellText(NaN)).toBe('');
    expect(cellText(10n ** 20n)).toBe('100000000000000000000');
    expect(cellText(true)).toBe('true');
    // An ObjectId-like value prints through its own toString.
    expect(cellText({ toString: () => '5b1f0c0c0c0c0c0c0c0c0c0c' })).toBe('5b1f0c0c0c0c0c0c0c0c0c0c');
    expect(() => cellText(['a', 'b'])).toThrow(TypeError);
    expect(() => cellText({ a: 1 })).toThrow(TypeError);
  });

  it('a column named like an Object.prototype member reads as missing', () => {
    expect(toCells({}, ['constructor', 'toString'])).toEqual(['', '']);
  });
});

describe('writeCsv', () => {
  const hostile = [
    'plain',
    'comma, inside',
    'say "hi"',
    '"',
    'line1\r\nline2',
    'lf\nonly',
    'cr\ronly',
    '=cmd|\' /C calc\'!A0',
    '+SUM(1,2)',
    '-2+3',
    '@SUM(A1)',
    '\tTAB',
    '\rCR first',
    "Données d'été — 東京",
    '  spaces  ',
    '',
  ];

  it('round-trips hostile names through a real parser, neutralising formulas', async () => {
    const rows = hostile.map((name, i) => ({
      type: 'dataset',
      id: `id${i}`,
      name,
      owner: name,
      owner_id: `-${i}`, // a plain negative number: must stay as is
      views: i,
    }));
    const { sink, count } = await csvOf(rows, DATASET_REPORT_COLUMNS);
    expect(count).toBe(hostile.length);
    const parsed = parseCsv(sink.text);
    expect(parsed[0]).toEqual([...DATASET_REPORT_COLUMNS]);
    expect(parsed).toHaveLength(hostile.length + 1);
    parsed.slice(1).forEach((record, i) => {
      const original = hostile[i] as string;
      expect(record).toHaveLength(DATASET_REPORT_COLUMNS.length);
      expect(record[2]).toBe(neutralizeFormula(original));
      expect(record[3]).toBe(neutralizeFormula(original));
      expect(record[4]).toBe(`-${i}`);
      expect(record[6]).toBe(String(i));
    });
    // Spot checks that the defence really applied.
    expect(parsed[8]?.[2]).toBe('\'=cmd|\' /C calc\'!A0');
    expect(parsed[12]?.[2]).toBe("'\tTAB");
    expect(parsed[14]?.[2]).toBe("Données d'été — 東京");
  });

  it('writes RFC 4180 bytes: quoting only when needed, doubled quotes, CRLF', async () => {
    const columns = ['a', 'b', 'c'];
    const { sink } = await csvOf(
      [
        { a: 'x,y', b: 'say "hi"', c: 'l1\nl2' },
        { a: 'plain', c: 7 },
      ],
      columns,
      { bom: false },
    );
    expect(sink.text).toBe('a,b,c\r\n"x,y","say ""hi""","l1\nl2"\r\nplain,,7\r\n');
  });

  it('header equals each column constant; blanks for columns a type lacks', async () => {
    for (const columns of [
      FILE_REPORT_COLUMNS,
      DATASET_REPORT_COLUMNS,
      COLLECTION_REPORT_COLUMNS,
      MERGED_REPORT_COLUMNS,
      BY_USER_REPORT_COLUMNS,
      MONTHLY_EXPORT_COLUMNS,
    ]) {
      const { sink } = await csvOf([], columns);
      expect(parseCsv(sink.text)).toEqual([[...columns]]);
    }

    const created = new Date(Date.UTC(2019, 0, 2, 3, 4, 5, 6));
    const collection = toMergedRecord({
      type: 'collection',
      id: 'c1',
      name: 'Coll',
      created,
      views: 3,
      last_viewed: null,
      parent_collections: idList(['p1', 'p2']),
      parent_collection_names: nameList(['Parent, one', 'Parent two']),
    });
    const { sink } = await csvOf([collection], MERGED_REPORT_COLUMNS);
    const [header, row] = parseCsv(sink.text);
    const record = Object.fromEntries((header ?? []).map((h, i) => [h, row?.[i]]));
    expect(record).toEqual({
      type: 'collection',
      id: 'c1',
      name: 'Coll',
      owner: '',
      owner_id: '',
      size_kb: '',
      'uploaded/created': '2019-01-02T03:04:05.006Z',
      views: '3',
      downloads: '',
      last_viewed: '',
      last_downloaded: '',
      location: '',
      parent_datasets: '',
      parent_collections: 'p1,p2',
      parent_spaces: '',
      status: '',
      parent_dataset_names: '',
      parent_collection_names: 'Parent, one | Parent two',
      parent_space_names: '',
      api_calls: '',
      portal: '',
      visibility: '',
      machine_views: '',
      machine_downloads: '',
      machine_api_calls: '',
      robot_events: '',
    });
  });

  it('writes a UTF-8 BOM by default and none when bom: false', async () => {
    const rows = [{ name: "Données d'été — 東京" }];
    const withBom = (await csvOf(rows, ['name'])).sink.bytes;
    expect(withBom.subarray(0, 3).equals(BOM)).toBe(true);
    expect(withBom.subarray(3).toString('utf8')).toBe("name\r\nDonnées d'été — 東京\r\n");

    const withoutBom = (await csvOf(rows, ['name'], { bom: false })).sink.bytes;
    expect(withoutBom.subarray(0, 3).equals(BOM)).toBe(false);
    expect(withoutBom.toString('utf8')).toBe("name\r\nDonnées d'été — 東京\r\n");
  });

  it('accepts sync iterables and writes a header even with no rows', async () => {
    const { sink, count } = await csvOf([], ['a', 'b'], { bom: false });
    expect(count).toBe(0);
    expect(sink.text).toBe('a,b\r\n');
  });

  it('streams: first bytes leave before the source ends, memory stays bounded', async () => {
    const total = 200_000;
    let produced = 0;
    let producedAtFirstWrite = -1;
    let linesSeen = 0;
    let maxLag = 0;

    async function* source(): AsyncGenerator<Record<string, unknown>> {
      for (let i = 0; i < total; i++) {
        produced++;
        yield { type: 'file', id: `f${i}`, name: `file ${i}`, views: i, downloads: i % 7 };
      }
    }

    // A slow-ish sink, like a socket: it acknowledges every 16th chunk only on
    // the next turn of the event loop, so backpressure actually builds up
    // (every chunk would make the test needlessly slow).
    let chunksSeen = 0;
    const sink = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb): void {
        if (producedAtFirstWrite < 0) producedAtFirstWrite = produced;
        for (const byte of chunk) if (byte === 0x0a) linesSeen++;
        maxLag = Math.max(maxLag, produced - (linesSeen - 1));
        if (++chunksSeen % 16 === 0) setImmediate(cb);
        else cb();
      },
    });

    const count = await writeCsv(source(), FILE_REPORT_COLUMNS, sink);

    expect(count).toBe(total);
    expect(linesSeen).toBe(total + 1); // header + rows, each ending in CRLF
    expect(producedAtFirstWrite).toBeGreaterThan(0);
    expect(producedAtFirstWrite).toBeLessThan(total);
    // Memory: backpressure keeps the rows produced but not yet written (all
    // that is held at once) under 1,000 of the 200,000, whatever the speed.
    expect(maxLag).toBeLessThan(1_000);
    // No time limit (a busy 2-core machine took over 20 s): time to the first
    // row and the total are measured by `npm run bench:reports`.
  }, 300_000);

  it('rejects and destroys the output when the source fails', async () => {
    let finallyRan = false;
    async function* failing(): AsyncGenerator<Record<string, unknown>> {
      try {
        for (let i = 0; i < 10; i++) yield { a: i };
        throw new Error('cursor died');
      } finally {
        finallyRan = true;
      }
    }
    const sink = new MemorySink();
    await expect(writeCsv(failing(), ['a'], sink)).rejects.toThrow('cursor died');
    expect(sink.destroyed).toBe(true);
    expect(sink.writableFinished).toBe(false);
    expect(finallyRan).toBe(true);
  });

  it('rejects when a value cannot be printed', async () => {
    const sink = new MemorySink();
    await expect(writeCsv([{ a: ['x', 'y'] }], ['a'], sink)).rejects.toThrow(TypeError);
    expect(sink.destroyed).toBe(true);
  });

  it('stops reading the source when the client goes away', async () => {
    let produced = 0;
    let finallyRan = false;
    async function* endless(): AsyncGenerator<Record<string, unknown>> {
      try {
        for (;;) {
          produced++;
          yield { a: produced };
        }
      } finally {
        finallyRan = true;
      }
    }
    const sink: Writable = new Writable({
      write(_chunk, _enc, cb): void {
        cb();
        // The client disconnects after the first bytes.
        sink.destroy();
      },
    });
    await expect(writeCsv(endless(), ['a'], sink)).rejects.toThrow();
    expect(finallyRan).toBe(true);
    // The source is endless, so getting here at all proves it was stopped; the
    // rows read after the disconnect are what the stream buffers hold (16 KiB
    // of output, ~3,000 of these tiny rows), not the whole source.
    expect(produced).toBeLessThan(20_000);
  });
});

describe('csvContentDisposition', () => {
  const now = new Date('2024-03-09T23:59:59.999Z');

  it('adds the UTC date and the .csv extension', () => {
    expect(csvContentDisposition('FileMetrics', now)).toBe('attachment; filename="FileMetrics-2024-03-09.csv"');
  });

  it('sanitises the base name to [A-Za-z0-9._-]', () => {
    expect(csvContentDisposition('../etc/"pass"\r\n; x=y', now)).toBe(
      'attachment; filename="etc_pass_x_y-2024-03-09.csv"',
    );
    expect(csvContentDisposition('Données d\'été — 東京', now)).toBe('attachment; filename="Donn_es_d_t_-2024-03-09.csv"');
    expect(csvContentDisposition('report.csv', now)).toBe('attachment; filename="report-2024-03-09.csv"');
    expect(csvContentDisposition('東京', now)).toBe('attachment; filename="report-2024-03-09.csv"');
    expect(csvContentDisposition('', now)).toBe('attachment; filename="report-2024-03-09.csv"');
  });
});
