/**
 * The DSR's hub profile (`profile=hub`) against a local hub enforcing
 * DataCite's checks (test/support/datacite-hub.ts), on a real gateway and
 * the embedded database: the hub accepts one month of it, plain or gzip,
 * and refuses the full CoP-RD report (volume, upper-case countries,
 * several months) with its message. Drafts are in neither profile; a
 * closed month's hub report carries no exception; `/reports` lists the
 * supported filters and attributes.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { startLocalHub, type LocalHub } from './support/datacite-hub';
import { Visibility } from '../src/domain/resources';

const TRACK = `mutation M($inputs: [TrackAccessInput!]!) { trackAccesses(inputs: $inputs) { recorded rejected } }`;
const TOKEN = 'hub-token';

function lastMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

function deepKeys(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => deepKeys(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      deepKeys(x, out);
    }
  }
  return out;
}

describe('DSR hub profile and the local DataCite hub', () => {
  let t: TestGateway;
  let hub: LocalHub;
  let admin: string;
  const month = lastMonth();

  const dsr = async (query: string): Promise<Response> =>
    fetch(`${t.baseUrl}/api/sushi/reports/dsr?${query}`, { headers: { authorization: `Bearer ${admin}` } });
  const post = (body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(hub.url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers } });

  beforeAll(async () => {
    [t, hub] = await Promise.all([startTestGateway(), startLocalHub([TOKEN])]);
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p1', name: 'Portal One', url: null }]);
    const base = { description: null, licence: null, recordCount: 1, spaceIds: [] as string[], themeIds: [] as string[], collectionIds: [] as string[], ownerId: null, portalId: 'p1', visibility: Visibility.PUBLIC };
    await w.datasets([
      { ...base, _id: 'ds-a', title: 'Lake fish', doi: '10.5061/dryad.aa1', publisher: 'Lake Institute', published: true },
      { ...base, _id: 'ds-b', title: 'Birds', doi: null, publisher: null, published: true },
      { ...base, _id: 'ds-draft', title: 'Draft', doi: null, publisher: null, published: false },
    ]);
    const tracker = await t.keyFor('svc', 'TRACKER');
    admin = await t.keyFor('root', 'ADMIN');
    // The COUNTER metadata of ds-a through the API, as a portal pushes it.
    const up = await t.gql(
      `mutation U($d: [DatasetInput!]!) { upsertDatasets(datasets: $d) { updated } }`,
      {
        d: [
          {
            id: 'ds-a', title: 'Lake fish', portalId: 'p1', doi: '10.5061/dryad.aa1', publisher: 'Lake Institute', publisherId: 'https://ror.org/00x6h5n95',
            contributors: ['Ada Lovelace'], publicationDate: '2019-04-02T00:00:00Z', landingPageUrl: 'https://data.example.org/ds-a',
          },
        ],
      },
      admin,
    );
    expect(up.errors).toBeUndefined();
    const bad = await t.gql(`mutation U($d: [DatasetInput!]!) { upsertDatasets(datasets: $d) { updated } }`, { d: [{ id: 'ds-a', title: 'x', portalId: 'p1', landingPageUrl: 'ftp://x' }] }, admin);
    expect(bad.errors?.[0].extensions?.code).toBe('VALUE_OUT_OF_RANGE');
    const countries = ['FR', 'DE', 'ZZ'];
    const inputs = ['ds-a', 'ds-b', 'ds-draft'].flatMap((id, d) =>
      [0, 1, 2].map((i) => ({
        resourceType: 'DATASET',
        resourceId: id,
        action: i === 2 ? 'DOWNLOAD' : 'VIEW',
        bytes: i === 2 ? 5000 : undefined,
        country: countries[i],
        eventId: `e-${d}-${i}`,
        userId: `visitor-${d}-${i}`,
        timestamp: `${month}-1${i}T10:00:00.000Z`,
      })),
    );
    const res = await t.gql<{ trackAccesses: { recorded: number } }>(TRACK, { inputs }, tracker);
    expect(res.errors).toBeUndefined();
    expect(res.data!.trackAccesses.recorded).toBe(9);
    await t.settle();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([t?.stop(), hub?.stop()]);
  });

  it('gives one month, published datasets only, lower-case countries, no volume, the dataset publisher', async () => {
    const res = await dsr(`begin_date=${month}&end_date=${month}&profile=hub`);
    expect(res.status).toBe(200);
    const r = (await res.json()) as { 'report-header': { 'reporting-period': Record<string, string> }; 'report-datasets': Record<string, unknown>[] };
    expect(r['report-header']['reporting-period']['begin-date'].slice(0, 7)).toBe(month);
    expect(r['report-header']['reporting-period']['end-date'].slice(0, 7)).toBe(month);
    expect(r['report-datasets'].map((d) => (d['dataset-id'] as { value: string }[]).at(-1)!.value)).toEqual(['p1:ds-a', 'p1:ds-b']);
    expect(r['report-datasets'].map((d) => d.publisher)).toEqual(['Lake Institute', 'Portal One']);
    expect(r['report-datasets'][0]).toMatchObject({
      'publisher-id': [{ type: 'urn', value: 'https://ror.org/00x6h5n95' }],
      'dataset-contributors': [{ type: 'name', value: 'Ada Lovelace' }],
      'dataset-dates': [{ type: 'pub-date', value: '2019-04-02' }],
      yop: '2019',
      uri: 'https://data.example.org/ds-a',
    });
    expect(r['report-datasets'][1]['publisher-id']).toEqual([{ type: 'client-id', value: 'p1' }]);
    const keys = deepKeys(r);
    expect(keys).not.toContain('volume');
    expect(keys).toEqual(expect.arrayContaining(['fr', 'de']));
    expect(keys.filter((k) => /^[A-Z]{2}$/.test(k))).toEqual([]);
    expect(keys).not.toContain('zz');

    // The full report of the same month still has volume and upper-case countries; neither has the draft, even for an admin.
    const full = await (await dsr(`begin_date=${month}&end_date=${month}`)).json();
    expect(deepKeys(full)).toEqual(expect.arrayContaining(['volume', 'FR']));
    expect(JSON.stringify(full)).not.toContain('ds-draft');
    expect(JSON.stringify(r)).not.toContain('ds-draft');
    const tsv = await (await dsr(`begin_date=${month}&end_date=${month}&format=tsv`)).text();
    expect(tsv).toContain('p1:ds-a');
    expect(tsv).not.toContain('ds-draft');
    const draftOnly = (await (await dsr(`begin_date=${month}&end_date=${month}&dataset_id=ds-draft`)).json()) as { 'report-datasets': unknown[] };
    expect(draftOnly['report-datasets']).toEqual([]);
  });

  it('a closed month: the hub profile carries no exception; the full report says its data starts mid-month (3040)', async () => {
    // The stored usage starts on the 10th of that month.
    const hubReport = (await (await dsr(`begin_date=${month}&end_date=${month}&profile=hub`)).json()) as { 'report-header': { exceptions: unknown[] } };
    expect(hubReport['report-header'].exceptions).toEqual([]);
    const full = (await (await dsr(`begin_date=${month}&end_date=${month}`)).json()) as { 'report-header': { exceptions: { code: number; message: string; data: string }[] } };
    expect(full['report-header'].exceptions).toEqual([
      { code: 3040, severity: 'warning', message: 'Partial Data Returned', data: expect.stringMatching(new RegExp(`stored usage starts on ${month}-10$`)) },
    ]);
  });

  it('/reports lists the DSR with its supported filters and attributes (CoP-RD §11)', async () => {
    const res = await fetch(`${t.baseUrl}/api/sushi/reports`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    const list = (await res.json()) as { 'report-id': string; 'supported-filters': { name: string; required: boolean }[]; 'supported-attributes': { name: string; values: string }[] }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ 'report-name': 'dataset report', 'report-id': 'DSR', release: 'rd1', path: '/api/sushi/reports/dsr' });
    expect(list[0]['supported-filters'].map((f) => [f.name, f.required])).toEqual([
      ['begin_date', true],
      ['end_date', true],
      ['portal', false],
      ['dataset_id', false],
    ]);
    expect(list[0]['supported-attributes'].map((a) => [a.name, a.values])).toEqual([
      ['profile', 'full|hub'],
      ['format', 'json|tsv'],
    ]);
    // Each listed filter and attribute is one the report takes: a request using all of them is answered.
    const portal = await dsr(`begin_date=${month}&end_date=${month}&portal=p1&dataset_id=ds-a&profile=hub&format=tsv`);
    expect(portal.status).toBe(200);
    expect((await portal.text()).split('\r\n')[4]).toBe('Report_Filters\tportal=p1; dataset-id=ds-a; profile=hub');
    const anon = await fetch(`${t.baseUrl}/api/sushi/reports`);
    expect(anon.status).toBe(401);
  });

  it('is accepted by the hub, plain and gzip; the full report is refused with the hub message', async () => {
    const body = await (await dsr(`begin_date=${month}&end_date=${month}&profile=hub`)).text();
    const created = await post(body);
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { report: { id: string } }).report.id;
    expect(hub.reports.get(id)!.body).toEqual(JSON.parse(body));
    // HUB_STORED_REPORT_FILE=path: keep the report as the hub stored it (for the closing note).
    if (process.env.HUB_STORED_REPORT_FILE) fs.writeFileSync(process.env.HUB_STORED_REPORT_FILE, JSON.stringify({ report: { id, ...hub.reports.get(id)!.body } }, null, 2) + '\n');

    const gz = await fetch(`${hub.url}/${id}`, {
      method: 'PUT',
      body: zlib.gzipSync(body),
      headers: { 'content-type': 'application/gzip', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` },
    });
    expect(gz.status).toBe(200);
    expect(hub.reports.size).toBe(1);

    const full = await post(await (await dsr(`begin_date=${month}&end_date=${month}`)).text());
    expect(full.status).toBe(422);
    expect(((await full.json()) as { errors: { title: string }[] }).errors[0].title).toMatch(/unpermitted parameter: .*(volume|FR|DE)/);

    const unauthorised = await fetch(hub.url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(unauthorised.status).toBe(401);
  });

  it('refuses a hub profile over two months and an unknown profile; the hub refuses a two-month report', async () => {
    const current = new Date().toISOString().slice(0, 7);
    const two = await dsr(`begin_date=${month}&end_date=${current}&profile=hub`);
    expect(two.status).toBe(400);
    expect(((await two.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/one month/) });
    const bogus = await dsr(`begin_date=${month}&end_date=${month}&profile=hubb`);
    expect(bogus.status).toBe(400);

    const report = JSON.parse(await (await dsr(`begin_date=${month}&end_date=${month}&profile=hub`)).text());
    report['report-header']['reporting-period']['end-date'] = `${current}-01`;
    // Consecutive months: their month numbers differ, which is what the hub compares.
    const refused = await post(JSON.stringify(report));
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { errors: { title: string }[] }).errors[0].title).toBe('Reports are monthly, reporting dates need to be within the same month');
  });
});
