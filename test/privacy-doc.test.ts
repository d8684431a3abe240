/**
 * docs/privacy.md is the written account a data-protection officer signs:
 * these tests hold it to what the database really contains after a demo
 * load and events carrying every field a portal can send.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadDemoData } from '../src/demo/load-demo';
import { inventory, type StoredKind } from '../src/privacy/field-inventory';
import { StoredDataRepository } from '../src/store/stored-data.repository';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const DOC = readFileSync(path.join(__dirname, '..', 'docs', 'privacy.md'), 'utf8');

/**
 * The "What is stored" tables: kind (first cell, backticked; an empty first
 * cell continues the row above) → the backticked field names of the row. A
 * name ending in `*` stands for every field it begins.
 */
function documentedFields(doc: string): Map<string, string[]> {
  const section = doc.split(/^## /m).find((s) => s.startsWith('What is stored')) ?? '';
  const tokens = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  // "**The counters** are `views` … and `countries` (…)." — one paragraph, named in rows as "the counters".
  const counters = tokens(/\*\*The counters\*\* are\s+([^]*?)\.\n\n/.exec(section)?.[1] ?? '');
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length < 3 || cells[0] === 'kind' || /^-+$/.test(cells[0] ?? '')) continue;
    if (cells[0] !== '') {
      current = [];
      for (const kind of tokens(cells[0]!)) out.set(kind, current);
    }
    current.push(...tokens(cells[1] ?? ''));
    if ((cells[1] ?? '').includes('the counters')) current.push(...counters);
  }
  return out;
}

function documents(field: string, names: readonly string[]): boolean {
  return names.some((n) => (n.endsWith('*') ? field.startsWith(n.slice(0, -1)) : field === n));
}

describe('docs/privacy.md tables', () => {
  it('name the kinds and fields the design documents', () => {
    const fields = documentedFields(DOC);
    expect(fields.get('event_log:event')).toEqual(expect.arrayContaining(['userId', 'ck', 'sk', 'userAgent']));
    expect(fields.get('usage_by_user')).toEqual(expect.arrayContaining(['userId']));
    expect(fields.get('usage_totals')).toEqual(expect.arrayContaining(['views', 'machine*', 'countries']));
    expect(fields.get('identity_secrets')).toEqual(['_id', 'secret', 'createdAt']);
  });
});

describe('what the database holds after a demo load', () => {
  let t: TestGateway;
  let kinds: StoredKind[];
  let sampleText: string;
  const SECRETS = { ip: '203.0.113.77', session: 'sess-7f3a9c1e', cookie: 'cookie-b81d44e0', query: 'token=a9f3e0' };

  beforeAll(async () => {
    t = await startTestGateway();
    await loadDemoData(t.gw.services, new Date(), pino({ level: 'silent' }), { datasetCount: 40, eventCount: 400 });
    const tracker = await t.keyFor('privacy-tracker', 'TRACKER');
    const datasets = await t.gw.store.datasets.find({ published: true }).limit(1).toArray();
    const input = {
      eventId: 'privacy-every-field',
      resourceType: 'DATASET',
      resourceId: datasets[0]!._id,
      action: 'VIEW',
      userId: 'reader-42',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
      ipAddress: SECRETS.ip,
      sessionId: SECRETS.session,
      userCookie: SECRETS.cookie,
      url: `https://portal.example.org/dataset/x?${SECRETS.query}`,
      httpStatus: 200,
      bytes: 1234,
      country: 'FR',
      accessMethod: 'REGULAR',
    };
    const res = await t.gql<{ trackAccess: { status: string } }>(
      'mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status } }',
      { input },
      tracker,
    );
    expect(res.data?.trackAccess.status).toBe('RECORDED');
    await t.settle();
    const samples = await new StoredDataRepository(t.gw.store.db).sample(200);
    kinds = samples.flatMap((s) => inventory(s.name, s.sample));
    sampleText = JSON.stringify(samples);
  });
  afterAll(() => t?.stop());

  it('has a row in docs/privacy.md for every kind of document', () => {
    const documented = documentedFields(DOC);
    expect(kinds.map((k) => k.kind).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('stores no field docs/privacy.md does not list', () => {
    const documented = documentedFields(DOC);
    const missing = kinds.flatMap((k) => k.fields.filter((f) => !documents(f, documented.get(k.kind) ?? [])).map((f) => `${k.kind}.${f}`));
    expect(missing).toEqual([]);
  });

  it('keeps no IP address, cookie, session id or URL query anywhere', () => {
    for (const secret of Object.values(SECRETS)) expect(sampleText).not.toContain(secret);
    // The event itself is there, under the portal's user id.
    expect(sampleText).toContain('reader-42');
  });
});
