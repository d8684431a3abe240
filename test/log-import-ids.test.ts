/**
 * Imported log lines' eventIds without the IP (issue 19, docs/formats.md
 * "Log import"), end to end on a real gateway and database: visitors who
 * differ only by IP stay distinct, a re-import and the same access in the
 * other log format are duplicates, a stored id does not change with the
 * IP, and events an earlier version stored under the old ids are not
 * counted again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadCatalog } from './support/formats-fixture';
import { connect } from '../src/cli';
import { cliIo } from './support/cli-io';
import { importLogsCommand } from '../src/logs/log-cli';
import { IMPORT_SENDER, importCaller } from '../src/logs/log-import';
import { parseCombinedLine } from '../src/logs/combined-log';
import { compileUrlRules, matchUrl } from '../src/logs/url-rules';
import { OccurrenceCounter, logEventId, requestHash, toLogEvent } from '../src/logs/log-events';
import { legacyRequestHash } from '../src/logs/legacy-log-ids';
import type { AccessLogLine } from '../src/logs/combined-log';
import type { TrackEventInput } from '../src/domain/tracking';
import type { ResourceType, AccessAction } from '../src/domain/resources';

const MAPPING = path.resolve(__dirname, '../examples/log-mapping.json');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** Yesterday at `h:m` UTC: inside MAX_EVENT_AGE_DAYS and the key window. */
function at(h: number, m: number): Date {
  const d = new Date(Date.now() - 86_400_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m, 0));
}

function combined(t: Date, ip: string, url = '/datasets/ds-a', bytes = 1234): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const time = `${p(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} +0000`;
  return `${ip} - - [${time}] "GET ${url} HTTP/1.1" 200 ${bytes} "-" "${UA}"`;
}

/** The same access as a Make Data Count line (19 columns; no session, cookie or user). */
function mdc(t: Date, ip: string, url = '/datasets/ds-a', bytes = 1234): string {
  const cols = [t.toISOString().replace('.000', ''), ip, '-', '-', '-', url, '-', '-', String(bytes), UA, ...Array(9).fill('-')];
  return cols.join('\t');
}

describe('imported log ids carry no IP', () => {
  let t: TestGateway;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'log-ids-'));
  let n = 0;
  const file = (lines: string[]): string => {
    const f = path.join(tmp, `access-${n++}.log`);
    fs.writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  const run = async (lines: string[]) => {
    const io = cliIo(t.dbName);
    const code = await importLogsCommand([file(lines)], { mapping: MAPPING, progress: false }, io, connect);
    return { code, io, out: JSON.parse(io.stdout || '{}') as { recorded: number; duplicates: number; conflicts: number } };
  };
  /** Stored eventIds of the importer's events at `time` (to the second). */
  const storedIds = async (time: Date): Promise<string[]> => {
    const docs = await t.gw.store.eventLog.find({ _id: { $gte: `${IMPORT_SENDER}|`, $lt: `${IMPORT_SENDER}}` }, t: time }).toArray();
    return docs.map((d) => d._id.slice(IMPORT_SENDER.length + 1)).sort();
  };
  const parsed = (raw: string): AccessLogLine => {
    const p = parseCombinedLine(raw);
    if (!p.ok) throw new Error(p.reason);
    return p.line;
  };

  beforeAll(async () => {
    t = await startTestGateway();
    await loadCatalog(t);
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('two visitors differing only by IP are two events, whose ids differ only by occurrence; a re-import is all duplicates', async () => {
    const time = at(1, 0);
    const lines = [combined(time, '192.0.2.10'), combined(time, '198.51.100.20'), combined(at(1, 1), '192.0.2.10')];
    const first = await run(lines);
    expect(first.io.stderr).not.toMatch(/^error/m);
    expect(first.code).toBe(0);
    expect(first.out).toMatchObject({ recorded: 3, duplicates: 0, conflicts: 0 });
    const h = requestHash(parsed(lines[0]));
    expect(await storedIds(time)).toEqual([logEventId(h, 0), logEventId(h, 1)].sort());

    const again = await run(lines);
    expect(again.code).toBe(0);
    expect(again.out).toMatchObject({ recorded: 0, duplicates: 3, conflicts: 0 });
    expect(await storedIds(time)).toHaveLength(2);
  });

  it("a line's stored id does not change with its IP", async () => {
    const time = at(2, 0);
    const alone = await run([combined(time, '192.0.2.30')]);
    expect(alone.out).toMatchObject({ recorded: 1 });
    const ids = await storedIds(time);
    expect(ids).toEqual([logEventId(requestHash(parsed(combined(time, '203.0.113.99'))), 0)]);
    // The same request from another IP, alone in its file: the same id, so
    // ingestion sees the same eventId with other content (a conflict), not a new access.
    const moved = await run([combined(time, '203.0.113.99')]);
    expect(moved.out).toMatchObject({ recorded: 0, conflicts: 1 });
    expect(await storedIds(time)).toEqual(ids);
  });

  it('the same access written in combined and in Make Data Count format is one event', async () => {
    const time = at(3, 0);
    const asCombined = await run([combined(time, '192.0.2.40'), combined(time, '192.0.2.41', '/datasets/ds-b')]);
    expect(asCombined.out).toMatchObject({ recorded: 2 });
    const asMdc = await run([mdc(time, '192.0.2.40'), mdc(time, '192.0.2.41', '/datasets/ds-b')]);
    expect(asMdc.code).toBe(0);
    expect(asMdc.out).toMatchObject({ recorded: 0, duplicates: 2, conflicts: 0 });
    expect(await storedIds(time)).toHaveLength(2);
  });

  it('events an earlier version imported under the old ids are not counted again', async () => {
    const time = at(4, 0);
    const lines = [combined(time, '192.0.2.50'), combined(time, '198.51.100.60'), combined(at(4, 1), '192.0.2.50'), combined(at(4, 2), '192.0.2.50')];
    // The importer before issue 19, on the first three lines: ids from the legacy request hash.
    const rules = compileUrlRules(JSON.parse(fs.readFileSync(MAPPING, 'utf8')));
    const counter = new OccurrenceCounter();
    const legacy = lines.slice(0, 3).map((raw) => {
      const line = parsed(raw);
      const m = matchUrl(rules, line.method, line.url);
      if (!m.ok || m.id === null) throw new Error(`no rule for ${line.url}`);
      const h = legacyRequestHash(line);
      const id = logEventId(h, counter.next(h, line.time.getTime()));
      return toLogEvent(line, { resourceType: m.resourceType as ResourceType, resourceId: m.id, action: m.action as AccessAction }, id);
    });
    const outcomes = await t.gw.services.ingest.track(legacy as unknown as TrackEventInput[], importCaller(null));
    expect(outcomes.map((o) => o.status)).toEqual(['RECORDED', 'RECORDED', 'RECORDED']);
    await t.settle();
    const legacyIds = (await storedIds(time)).concat(await storedIds(at(4, 1)));
    expect(legacyIds.sort()).toEqual(legacy.map((e) => e.eventId).sort());

    // The whole file (one line more) with the new ids: only the new line counts.
    const upgraded = await run(lines);
    expect(upgraded.code).toBe(0);
    expect(upgraded.out).toMatchObject({ recorded: 1, duplicates: 3, conflicts: 0 });
    expect(upgraded.io.stderr).toMatch(/of which earlier ids +3/);
    expect(await storedIds(time)).toHaveLength(2);
    expect(await storedIds(at(4, 1))).toHaveLength(1);
    expect(await storedIds(at(4, 2))).toEqual([logEventId(requestHash(parsed(lines[3])), 0)]);

    // Once more: the legacy lines are found again, the new one by its new id; the figures do not move.
    await t.settle();
    const admin = await t.keyFor('root', 'ADMIN');
    const figures = async () => {
      const res = await fetch(`${t.baseUrl}/api/reports/usage-table?bom=false&granularity=day`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(200);
      return res.text();
    };
    const before = await figures();
    const again = await run(lines);
    expect(again.out).toMatchObject({ recorded: 0, duplicates: 4, conflicts: 0 });
    await t.settle();
    expect(await figures()).toBe(before);
  });
});
