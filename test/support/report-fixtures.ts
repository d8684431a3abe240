/**
 * Fixtures and helpers of the usage report tests (test/reports-*.test.ts,
 * test/report-permissions.test.ts): a catalog with hostile names, a
 * hand-written event history sent through the real `trackAccesses`
 * mutation, the gateways holding them, and a CSV client that reads reports
 * over real HTTP and parses them with csv-parse.
 */
import { parse } from 'csv-parse/sync';
import { startTestGateway, type TestGateway } from './test-gateway';
import { startedPerDescribe } from './per-describe';
import { BROWSER_UA } from './fixtures';
import { Visibility } from '../../src/domain/resources';

export const TRACK_MANY = `mutation M($inputs: [TrackAccessInput!]!) {
  trackAccesses(inputs: $inputs) { recorded duplicates rejected results { index status trafficClass error { code message } } }
}`;

export interface CsvResponse {
  status: number;
  headers: Headers;
  /** The raw body bytes. */
  bytes: Buffer;
  /** Body as text (BOM kept). */
  text: string;
  /** Parsed CSV (header row first) when the response is CSV, else null. */
  rows: string[][] | null;
  /** Data rows as records keyed by the header, when CSV. */
  records: Record<string, string>[] | null;
  /** Parsed JSON body when the response is JSON. */
  json: { error?: { code: string; message: string } } | null;
}

/** GET a report over HTTP with an optional key (Bearer, or X-API-Key when `header` is 'x-api-key'). */
export async function fetchCsv(t: TestGateway, path: string, key: string | null, header: 'bearer' | 'x-api-key' = 'bearer'): Promise<CsvResponse> {
  const headers: Record<string, string> = {};
  if (key) {
    if (header === 'bearer') headers.authorization = `Bearer ${key}`;
    else headers['x-api-key'] = key;
  }
  const res = await fetch(`${t.baseUrl}${path}`, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  const type = res.headers.get('content-type') ?? '';
  let rows: string[][] | null = null;
  let records: Record<string, string>[] | null = null;
  let json = null;
  if (type.startsWith('text/csv')) {
    rows = parse(bytes, { bom: true, relax_column_count: false }) as string[][];
    const [head, ...data] = rows;
    records = data.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  } else if (type.includes('json')) {
    json = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, bytes, text, rows, records, json };
}

// ---------------------------------------------------------------------------
// The report catalog: hostile names everywhere
// ---------------------------------------------------------------------------

export const NAMES = {
  alice: 'Alice, A.',
  bob: 'Bob "B"',
  carol: 'Carol\nC',
  ext: 'Extractor',
  s1: 'Space "One"',
  s2: '=cmd|calc',
  cRoot: 'Root, top',
  cChild: '-Child',
  cEmpty: 'Empty',
  dPub: '=SUM(A1)',
  dPriv: 'Private, "quoted"',
  dDraft: 'Draft\nline',
  f1: 'one, "1".csv',
  f2: '+two',
  f3: 'three',
  f4: '@four\nx',
} as const;

/**
 * portals p1, p2; users alice, bob (member of s1), carol, ext (automated);
 * spaces s1 {bob}, s2; collections c-root (space s1, owner alice) >
 * c-child (owner alice), c-empty;
 * datasets d-pub (p1, public, owner carol, in c-child and s2),
 * d-priv (p1, private, owner alice, in c-root and s1),
 * d-draft (p2, unpublished, owner alice);
 * files f1 (d-pub, owner carol, 2048 B), f2 (d-priv, 1536 B),
 * f3 (d-pub and d-priv, 500 B), f4 (d-draft).
 */
export async function loadReportCatalog(t: TestGateway): Promise<void> {
  const w = t.gw.services.catalogWriter;
  await w.portals([
    { _id: 'p1', name: 'Portal One', url: null },
    { _id: 'p2', name: 'Portal Two', url: null },
  ]);
  await w.users([
    { _id: 'alice', name: NAMES.alice, email: null, role: 'USER', automated: false },
    { _id: 'bob', name: NAMES.bob, email: null, role: 'USER', automated: false },
    { _id: 'carol', name: NAMES.carol, email: null, role: 'USER', automated: false },
    { _id: 'ext', name: NAMES.ext, email: null, role: 'USER', automated: true },
  ]);
  await w.spaces([
    { _id: 's1', name: NAMES.s1, memberIds: ['bob'], createdAt: new Date('2024-01-01T00:00:00Z') },
    { _id: 's2', name: NAMES.s2, memberIds: [], createdAt: new Date('2024-01-01T00:00:00Z') },
  ]);
  const cAt = new Date('2024-05-01T00:00:00.000Z');
  await w.collections([
    { _id: 'c-root', name: NAMES.cRoot, parentCollectionIds: [], spaceIds: ['s1'], ownerId: 'alice', createdAt: cAt },
    { _id: 'c-child', name: NAMES.cChild, parentCollectionIds: ['c-root'], spaceIds: [], ownerId: 'alice', createdAt: cAt },
    { _id: 'c-empty', name: NAMES.cEmpty, parentCollectionIds: [], spaceIds: [], ownerId: null, createdAt: cAt },
  ]);
  const base = { description: null, licence: null, publisher: null, recordCount: 1, themeIds: [] as string[] };
  await w.datasets([
    { ...base, _id: 'd-pub', title: NAMES.dPub, portalId: 'p1', ownerId: 'carol', collectionIds: ['c-child'], spaceIds: ['s2'], published: true, visibility: Visibility.PUBLIC, createdAt: new Date('2024-06-01T00:00:00.000Z') },
    { ...base, _id: 'd-priv', title: NAMES.dPriv, portalId: 'p1', ownerId: 'alice', collectionIds: ['c-root'], spaceIds: ['s1'], published: true, visibility: Visibility.PRIVATE, createdAt: new Date('2024-07-01T00:00:00.000Z') },
    { ...base, _id: 'd-draft', title: NAMES.dDraft, portalId: 'p2', ownerId: 'alice', collectionIds: [], spaceIds: [], published: false, visibility: Visibility.PUBLIC, createdAt: new Date('2024-08-01T00:00:00.000Z') },
  ]);
  const fAt = new Date('2024-12-01T00:00:00.000Z');
  await w.files([
    { _id: 'f1', title: NAMES.f1, sizeBytes: 2048, contentType: 'text/csv', datasetIds: ['d-pub'], ownerId: 'carol', createdAt: fAt },
    { _id: 'f2', title: NAMES.f2, sizeBytes: 1536, contentType: 'text/csv', datasetIds: ['d-priv'], ownerId: 'alice', createdAt: fAt },
    { _id: 'f3', title: NAMES.f3, sizeBytes: 500, contentType: 'text/csv', datasetIds: ['d-pub', 'd-priv'], ownerId: null, createdAt: fAt },
    { _id: 'f4', title: NAMES.f4, sizeBytes: 0, contentType: null, datasetIds: ['d-draft'], ownerId: 'alice', createdAt: fAt },
  ]);
}

export interface FixtureEvent {
  resourceType: 'FILE' | 'DATASET' | 'COLLECTION';
  resourceId: string;
  action: 'VIEW' | 'DOWNLOAD' | 'API_CALL';
  userId?: string;
  sessionId?: string;
  timestamp: string;
}

/**
 * The human history of the report catalog, sent by a TRACKER stating user
 * ids (browser user agent; repeats of one user on one item are minutes
 * apart, except the one double click).
 */
export const REPORT_EVENTS: FixtureEvent[] = [
  { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', userId: 'alice', timestamp: '2025-01-10T10:00:00.000Z' },
  { resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', userId: 'bob', timestamp: '2025-01-10T10:05:00.000Z' },
  { resourceType: 'FILE', resourceId: 'f1', action: 'VIEW', sessionId: 'anon-session', timestamp: '2025-01-10T10:10:00.000Z' },
  { resourceType: 'FILE', resourceId: 'f3', action: 'DOWNLOAD', userId: 'alice', timestamp: '2025-01-20T09:00:00.000Z' },
  // A double click (10 s later): tallied, never counted, never in per-user rows.
  { resourceType: 'FILE', resourceId: 'f3', action: 'DOWNLOAD', userId: 'alice', timestamp: '2025-01-20T09:00:10.000Z' },
  { resourceType: 'FILE', resourceId: 'f2', action: 'VIEW', userId: 'bob', timestamp: '2025-02-03T08:00:00.000Z' },
  { resourceType: 'FILE', resourceId: 'f2', action: 'DOWNLOAD', userId: 'bob', timestamp: '2025-02-03T08:01:00.000Z' },
  { resourceType: 'FILE', resourceId: 'f4', action: 'VIEW', userId: 'alice', timestamp: '2025-02-04T12:00:00.000Z' },
  { resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', userId: 'alice', timestamp: '2025-01-10T11:00:00.000Z' },
  { resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', userId: 'alice', timestamp: '2025-01-10T11:05:00.000Z' },
  { resourceType: 'DATASET', resourceId: 'd-pub', action: 'DOWNLOAD', userId: 'carol', timestamp: '2025-02-15T14:00:00.000Z' },
  { resourceType: 'DATASET', resourceId: 'd-pub', action: 'API_CALL', userId: 'carol', timestamp: '2025-02-15T14:10:00.000Z' },
  { resourceType: 'DATASET', resourceId: 'd-priv', action: 'VIEW', userId: 'bob', timestamp: '2025-01-12T09:00:00.000Z' },
  { resourceType: 'DATASET', resourceId: 'd-priv', action: 'DOWNLOAD', userId: 'bob', timestamp: '2025-02-20T09:00:00.000Z' },
  { resourceType: 'DATASET', resourceId: 'd-draft', action: 'VIEW', userId: 'alice', timestamp: '2025-03-01T10:00:00.000Z' },
  { resourceType: 'COLLECTION', resourceId: 'c-root', action: 'VIEW', userId: 'bob', timestamp: '2025-01-15T10:00:00.000Z' },
  { resourceType: 'COLLECTION', resourceId: 'c-child', action: 'VIEW', userId: 'alice', timestamp: '2025-01-16T10:00:00.000Z' },
  { resourceType: 'COLLECTION', resourceId: 'c-child', action: 'VIEW', userId: 'carol', timestamp: '2025-03-02T10:00:00.000Z' },
];

/** Sends events with a key; every one must be RECORDED. */
export async function track(t: TestGateway, key: string, events: FixtureEvent[], prefix: string, userAgent = BROWSER_UA): Promise<string[]> {
  const inputs = events.map((e, i) => ({ ...e, eventId: `${prefix}-${i}`, userAgent }));
  const res = await t.gql<{ trackAccesses: { results: { status: string; trafficClass: string | null; error: { code: string; message: string } | null }[] } }>(
    TRACK_MANY,
    { inputs },
    key,
  );
  if (res.errors) throw new Error(`trackAccesses failed: ${JSON.stringify(res.errors)}`);
  const results = res.data!.trackAccesses.results;
  const bad = results.filter((r) => r.status !== 'RECORDED');
  if (bad.length) throw new Error(`events not recorded: ${JSON.stringify(bad)}`);
  // Reports read the derived figures: wait until these events are in them.
  await t.settle();
  return results.map((r) => r.trafficClass ?? '');
}

/** Keys of the report tests. `carolBot` is an automated key of the human account carol. */
export interface ReportKeys {
  admin: string;
  tracker: string;
  alice: string;
  bob: string;
  carol: string;
  carolBot: string;
  dave: string;
}

export async function reportKeys(t: TestGateway): Promise<ReportKeys> {
  const auth = t.gw.services.auth;
  const [admin, tracker, dave] = [await t.keyFor('root', 'ADMIN'), await t.keyFor('svc-portal', 'TRACKER'), await t.keyFor('dave', 'USER')];
  return {
    admin,
    tracker,
    dave,
    alice: (await auth.issueKey('alice')).key,
    bob: (await auth.issueKey('bob')).key,
    carol: (await auth.issueKey('carol')).key,
    carolBot: (await auth.issueKey('carol', { automated: true, label: 'extractor' })).key,
  };
}

/** `MAX_EVENT_AGE_DAYS` large enough for the fixed 2025 history. */
export const REPORT_GATEWAY_ENV = { MAX_EVENT_AGE_DAYS: '3650' };

/**
 * A gateway holding the report catalog and REPORT_EVENTS, with the report
 * keys; `classes` are the traffic classes of those events.
 */
export async function startReportGateway(): Promise<{ t: TestGateway; k: ReportKeys; classes: string[] }> {
  const t = await startTestGateway({ env: REPORT_GATEWAY_ENV });
  try {
    await loadReportCatalog(t);
    const k = await reportKeys(t);
    const classes = await track(t, k.tracker, REPORT_EVENTS, 'h');
    return { t, k, classes };
  } catch (e) {
    await t.stop();
    throw e;
  }
}

/**
 * The gateway of the 'usage reports' tests: startReportGateway (every event
 * regular traffic), plus three machine events.
 */
export async function startUsageReportGateway(): Promise<{ t: TestGateway; k: ReportKeys }> {
  const { t, k, classes } = await startReportGateway();
  try {
    expect(new Set(classes)).toEqual(new Set(['regular']));
    // Machine traffic: an automated account named by the tracker, and an
    // automated key of a person's account. Counted apart, never per user.
    const machine = [
      ...(await track(t, k.tracker, [{ resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', userId: 'ext', timestamp: '2025-01-09T10:00:00.000Z' }], 'm-ext')),
      ...(await track(t, k.carolBot, [{ resourceType: 'FILE', resourceId: 'f1', action: 'DOWNLOAD', timestamp: '2025-01-09T11:00:00.000Z' }], 'm-bot')),
      ...(await track(t, k.carolBot, [{ resourceType: 'DATASET', resourceId: 'd-pub', action: 'VIEW', timestamp: '2025-01-09T12:00:00.000Z' }], 'm-bot2')),
    ];
    expect(machine).toEqual(['machine', 'machine', 'machine']);
    return { t, k };
  } catch (e) {
    await t.stop();
    throw e;
  }
}

/** A started report gateway, as the describe blocks of the report tests get it. */
export type ReportGateway = { t: TestGateway; k: ReportKeys };

/**
 * In the calling describe block: startUsageReportGateway before its tests,
 * handed to `receive`, and stopped after them.
 */
export function withUsageReportGateway(receive: (g: ReportGateway) => void): void {
  startedPerDescribe(startUsageReportGateway, receive, (g) => g.t.stop());
}

/**
 * In the calling describe block: startReportGateway before its tests,
 * handed to `receive`, and stopped after them.
 */
export function withReportGateway(receive: (g: ReportGateway) => void): void {
  startedPerDescribe(startReportGateway, receive, (g) => g.t.stop());
}
