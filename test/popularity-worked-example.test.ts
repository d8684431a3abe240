import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { ResourceType, Visibility } from '../src/domain/resources';

/*
 * The worked example of docs/popularity.md through the gateway: the doc's
 * inputs give the doc's scores, ranks, contributions and percentiles, with
 * POPULARITY_WEIGHTS applied; invalid weights stop the start.
 */

describe('popularity worked example (docs/popularity.md) through the gateway', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'popularity.md'), 'utf8');
  /** The rows of the markdown table that follows `marker`. */
  const table = (marker: string): string[][] => {
    const lines = doc.slice(doc.indexOf(marker) + marker.length).split('\n');
    const start = lines.findIndex((l) => l.startsWith('|'));
    const rows: string[][] = [];
    for (const l of lines.slice(start)) {
      if (!l.startsWith('|')) break;
      rows.push(l.split('|').slice(1, -1).map((c) => c.trim()));
    }
    return rows.slice(2); // header and separator
  };
  const inputs = table('<!-- worked-example:inputs -->').map(([id, downloads, apiCalls, reuses]) => ({
    id,
    downloads: Number(downloads),
    apiCalls: Number(apiCalls),
    reuses: Number(reuses),
  }));
  const results = table('<!-- worked-example:results -->').map(([rank, id, score, dl, api, re, percentile]) => ({
    id,
    rank: Number(rank),
    score: Number(score),
    contributions: { downloads: Number(dl), apiCalls: Number(api), reuses: Number(re) },
    percentile: Number(percentile),
  }));

  let t: TestGateway;
  // Weights are relative: 5/3/2 is the default 0.5/0.3/0.2 (docs/popularity.md), so the
  // doc's table must come out unchanged — and this checks POPULARITY_WEIGHTS is applied.
  beforeAll(async () => {
    t = await startTestGateway({ env: { POPULARITY_WEIGHTS: 'downloads=5, apiCalls=3, reuses=2' } });
  });
  afterAll(() => t.stop());

  it('parses the example from the doc', () => {
    expect(inputs.map((i) => i.id)).toEqual(['air-quality', 'bike-stations', 'budget-2024', 'parking-lots', 'new-dataset']);
    expect(results).toHaveLength(5);
  });

  it('gives the scores of the doc for the same downloads, API calls and reuses', async () => {
    const w = t.gw.services.catalogWriter;
    await w.portals([{ _id: 'p-doc', name: 'Worked example', url: null }]);
    await w.datasets(
      inputs.map((i) => ({
        _id: i.id,
        title: i.id,
        description: null,
        portalId: 'p-doc',
        ownerId: null,
        spaceIds: [],
        collectionIds: [],
        themeIds: [],
        licence: null,
        publisher: null,
        published: true,
        visibility: Visibility.PUBLIC,
        recordCount: 0,
      })),
    );
    // 1.2 million API calls cannot be sent as events in a test: the usage totals
    // the dashboard reads are written directly (the shape the ingestion writes),
    // every download and call from its own session (formula 2 counts sessions).
    await t.gw.store.usageTotals.insertMany(
      inputs.map((i) => ({
        _id: `DATASET:${i.id}`, resourceType: ResourceType.DATASET, resourceId: i.id, downloads: i.downloads, apiCalls: i.apiCalls,
        uniqueRequests: i.downloads, uniqueInvestigations: i.downloads + i.apiCalls,
      })),
    );
    const admin = await t.keyFor('root', 'ADMIN');
    for (const i of inputs) {
      for (let k = 0; k < i.reuses; k += 1) {
        const res = await t.gql(
          `mutation R($input: RegisterReuseInput!) { registerReuse(input: $input) { id } }`,
          { input: { title: `${i.id} #${k}`, url: `https://reuse.example.org/${i.id}/${k}`, type: 'OTHER', datasetIds: [i.id] } },
          admin,
        );
        expect(res.errors).toBeUndefined();
      }
    }

    const res = await t.gql<{ datasets: { nodes: { id: string; popularity: { rank: number } & Record<string, unknown> }[] } }>(
      `{ datasets(filter: { portalId: "p-doc" }) { nodes { id popularity { rank score percentile contributions { downloads apiCalls reuses } } } } }`,
      {},
      null,
    );
    expect(res.errors).toBeUndefined();
    const got = res.data!.datasets.nodes
      .map((n) => ({ id: n.id, ...n.popularity }))
      .sort((a, b) => a.rank - b.rank);
    expect(got).toEqual(results);

    const d = await t.gql<{ dataDashboard: { weights: unknown; popularity: { mostPopular: { datasetId: string; score: number }[] } } }>(
      `{ dataDashboard(portalId: "p-doc") { weights { downloads apiCalls reuses } popularity { mostPopular { datasetId score } } } }`,
      {},
      null,
    );
    expect(d.data!.dataDashboard.weights).toEqual({ downloads: 5, apiCalls: 3, reuses: 2 });
    expect(d.data!.dataDashboard.popularity.mostPopular).toEqual(results.map((r) => ({ datasetId: r.id, score: r.score })));
  });

  it('refuses to start with invalid POPULARITY_WEIGHTS', async () => {
    await expect(startTestGateway({ env: { POPULARITY_WEIGHTS: 'downloads=1,apiCalls=-1,reuses=1' } })).rejects.toThrow(
      /POPULARITY_WEIGHTS value for "apiCalls" must be a non-negative decimal number/,
    );
  });
});
