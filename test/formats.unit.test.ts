import { parseDateInput, parseInstantWindow, windowDays, monthsBetween, spreadsheetDateTime } from '../src/dates/date-input';
import { parseCombinedLine } from '../src/logs/combined-log';
import { parseMdcLine, MDC_COLUMNS } from '../src/logs/mdc-log';
import { compileUrlRules, matchUrl } from '../src/logs/url-rules';
import { OccurrenceCounter, lineHash, logEventId } from '../src/logs/log-events';
import { normalizeDoi } from '../src/catalog/doi';
import { GatewayError } from '../src/errors/gateway-error';
import mapping from '../examples/log-mapping.json';

describe('date inputs: one parser', () => {
  it('reads months, days and date-times as half-open UTC spans', () => {
    expect(parseDateInput('x', '2026-03')).toEqual({ kind: 'month', start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') });
    expect(parseDateInput('x', '2026-12')!.end).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(parseDateInput('x', '2026-03-31')!.end).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(parseDateInput('x', '2026-03-01T02:00:00+02:00')!.start).toEqual(new Date('2026-03-01T00:00:00Z'));
    expect(parseDateInput('x', '2026-03-01T00:00:00.250Z')!.start.getTime()).toBe(Date.parse('2026-03-01T00:00:00.250Z'));
    expect(parseDateInput('x', '')).toBeNull();
  });
  it('refuses anything else with BAD_USER_INPUT naming the parameter', () => {
    for (const bad of ['2026-13', '2026-02-30', '2026-03-01T00:00:00', '1/3/2026', 'yesterday', '2026-3-1']) {
      expect(() => parseDateInput('since', bad)).toThrow(GatewayError);
      expect(() => parseDateInput('since', bad)).toThrow(/since must be/);
    }
  });
  it('windows: since takes the start, until the end', () => {
    const w = parseInstantWindow('2026-01', '2026-02');
    expect(w).toEqual({ from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z') });
    expect(windowDays(w)).toEqual({ fromDay: '2026-01-01', toDay: '2026-02-28' });
    expect(() => parseInstantWindow('2026-03-02', '2026-03-01')).toThrow(/after/);
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
  it('spreadsheet date-times have no T, zone or milliseconds', () => {
    expect(spreadsheetDateTime(new Date('2026-03-01T10:02:03.456Z'))).toBe('2026-03-01 10:02:03');
    expect(spreadsheetDateTime(null)).toBe('');
  });
});

describe('combined log format', () => {
  it('parses a combined line', () => {
    const r = parseCombinedLine('192.0.2.1 - frank [10/Oct/2026:13:55:36 -0700] "GET /datasets/ds-1?x=1 HTTP/1.1" 200 2326 "http://ex.org/" "Mozilla/5.0 (X11)"');
    expect(r).toEqual({
      ok: true,
      line: {
        time: new Date('2026-10-10T20:55:36Z'),
        ip: '192.0.2.1',
        user: 'frank',
        method: 'GET',
        url: '/datasets/ds-1?x=1',
        status: 200,
        bytes: 2326,
        referer: 'http://ex.org/',
        userAgent: 'Mozilla/5.0 (X11)',
      },
    });
  });
  it('takes common format, dashes and nginx escapes', () => {
    const r = parseCombinedLine('::1 - - [01/Jan/2026:00:00:00 +0000] "HEAD /a HTTP/1.0" 304 - "-" "curl \\x22q\\x22/8"');
    expect(r.ok && r.line).toMatchObject({ ip: '::1', user: null, bytes: 0, status: 304, referer: null, userAgent: 'curl "q"/8' });
    const c = parseCombinedLine('10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /b HTTP/1.0" 404 12');
    expect(c.ok && c.line).toMatchObject({ status: 404, userAgent: null });
  });
  it('reads a "-" or "" agent field as an empty agent (a robot by ^.?$), a line without one as missing', () => {
    for (const field of ['"-"', '""']) {
      const r = parseCombinedLine(`10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /b HTTP/1.0" 200 12 "-" ${field}`);
      expect(r.ok && r.line.userAgent).toBe('');
    }
  });
  it('reports unparsable lines', () => {
    expect(parseCombinedLine('garbage').ok).toBe(false);
    expect(parseCombinedLine('1.2.3.4 - - [99/Foo/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"').ok).toBe(false);
  });
});

describe('Make Data Count log format', () => {
  it('has counter-processor\'s 19 columns', () => {
    expect(MDC_COLUMNS).toHaveLength(19);
    const cols = ['2026-05-01T10:00:00.000Z', '192.0.2.9', 'sess-1', '-', '-', 'https://repo.example/stash/dataset/doi:10.5061/dryad.x1', 'doi:10.5061/dryad.x1', '-', '1024', 'Mozilla/5.0', 'Title', 'Pub', 'grid.1', 'A|B', '2020-01-01', '1', '-', 'https://t', '2020'];
    const r = parseMdcLine(cols.join('\t'));
    expect(r.ok && r.line).toMatchObject({ time: new Date('2026-05-01T10:00:00Z'), ip: '192.0.2.9', sessionId: 'sess-1', doi: 'doi:10.5061/dryad.x1', bytes: 1024, status: 200 });
    expect(parseMdcLine('a\tb').ok).toBe(false);
  });
  it('reads a "-" or empty user_agent as an empty agent, "????" as missing', () => {
    const line = (agent: string) => ['2026-05-01T10:00:00.000Z', '192.0.2.9', 'sess-1', '-', '-', 'https://r/x', 'doi:10.5061/x', '-', '1', agent, 'T', 'P', 'g', 'A', '2020-01-01', '1', '-', 'https://t', '2020'].join('\t');
    for (const [agent, expected] of [['-', ''], ['', ''], ['????', null], ['curl/8', 'curl/8']] as const) {
      const r = parseMdcLine(line(agent));
      expect(r.ok && r.line.userAgent).toBe(expected);
    }
  });
});

describe('URL rules', () => {
  const rules = compileUrlRules(mapping);
  it('maps the example config', () => {
    expect(matchUrl(rules, 'GET', '/datasets/ds-0001')).toMatchObject({ ok: true, resourceType: 'DATASET', action: 'VIEW', id: 'ds-0001' });
    expect(matchUrl(rules, 'GET', 'https://portal.example/datasets/ds-1/files/f%3A2/download?x=1')).toMatchObject({ resourceType: 'FILE', action: 'DOWNLOAD', id: 'f:2' });
    expect(matchUrl(rules, 'GET', '/api/1/datasets/ds-2')).toMatchObject({ action: 'API_CALL', id: 'ds-2' });
    expect(matchUrl(rules, 'GET', '/doi/10.5061/dryad.abc')).toMatchObject({ id: null, doi: '10.5061/dryad.abc' });
    expect(matchUrl(rules, 'GET', '/robots.txt')).toEqual({ ok: false });
    expect(matchUrl(rules, 'DELETE', '/datasets/ds-1')).toEqual({ ok: false });
  });
  it('refuses bad configs', () => {
    expect(() => compileUrlRules({ rules: [] })).toThrow(/non-empty/);
    expect(() => compileUrlRules({ rules: [{ match: '(', resourceType: 'DATASET', action: 'VIEW' }] })).toThrow(/rule 1/);
    expect(() => compileUrlRules({ rules: [{ match: 'x', resourceType: 'THING', action: 'VIEW' }] })).toThrow(/resourceType/);
  });
  it('normalises DOIs', () => {
    expect(normalizeDoi('https://doi.org/10.5061/DRYAD.X')).toBe('10.5061/dryad.x');
    expect(normalizeDoi('doi:10.5061/Dryad.x')).toBe('10.5061/dryad.x');
  });
});

describe('log event ids', () => {
  it('are stable and count identical lines apart', () => {
    const c = new OccurrenceCounter();
    const h = lineHash('same line');
    const a = logEventId(h, c.next(h, 0));
    const b = logEventId(h, c.next(h, 0));
    expect(a).not.toBe(b);
    const c2 = new OccurrenceCounter();
    expect(logEventId(h, c2.next(h, 0))).toBe(a);
    expect(a).toMatch(/^log-[0-9a-f]{40}$/);
  });
  it('forget lines outside the window (flat memory)', () => {
    const c = new OccurrenceCounter(1000);
    for (let i = 0; i < 50_000; i++) c.next(String(i), i * 1000);
    expect(c.size).toBeLessThan(10_001);
  });
});

import { eventCsv, eventFromJson, eventJson, EVENT_EXPORT_COLUMNS } from '../src/events/event-rows';
import type { LoggedEvent } from '../src/domain/logged-event';
import { AccessAction, ResourceType } from '../src/domain/resources';

describe('event export rows', () => {
  const e: LoggedEvent = {
    _id: 'svc|e-1',
    scope: 'svc',
    eventId: 'e-1',
    t: new Date('2026-03-01T10:02:03.456Z'),
    day: '2026-03-01',
    h: 'x',
    portalId: 'p1',
    resourceType: ResourceType.FILE,
    resourceId: 'f-1',
    action: AccessAction.DOWNLOAD,
    datasetIds: ['ds-1', 'ds-2'],
    userId: null,
    automated: false,
    trafficClass: 'machine',
    httpStatus: 200,
    bytes: 1234,
    country: 'FR',
    userAgent: 'curl/8',
    url: '/f',
    ck: 'k:abc',
    sk: 'A:def',
    receivedAt: new Date(),
  };
  it('JSON Lines records round-trip; CSV dates are spreadsheet dates', () => {
    const j = eventJson(e);
    expect(Object.keys(j)).toEqual([...EVENT_EXPORT_COLUMNS]);
    const back = eventFromJson(JSON.parse(JSON.stringify(j)));
    const { _id, receivedAt, ...rest } = e;
    void _id; void receivedAt;
    expect(back).toEqual(rest);
    expect(eventCsv(e)).toMatchObject({ timestamp: '2026-03-01 10:02:03', dataset_ids: 'ds-1,ds-2', bot: false });
    expect(() => eventFromJson({ ...j, traffic_class: 'alien' })).toThrow(/traffic_class/);
    expect(() => eventFromJson({ ...j, timestamp: 'nope' })).toThrow(/timestamp/);
  });
});
