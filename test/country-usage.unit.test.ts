/** Pure parts of issue 20: country rows and sums, country moves of totals, month cells, the usage table's country fields, the cost of the new fields. */
import 'reflect-metadata';
import { parse, type GraphQLSchema } from 'graphql';
import { addCountries, countryRows } from '../src/domain/country-usage';
import { countryMoves, zeroCountryPaths } from '../src/store/country-totals';
import { spreadsheetMonth } from '../src/dates/date-input';
import { countryFieldsOf, countryLabel, usageTableRecord } from '../src/reports/usage-table';
import { COST, operationCost } from '../src/graphql/cost';
import { buildGatewaySchema } from '../src/graphql/schema';
import { ResourceType } from '../src/domain/resources';

const c = (o: Partial<Record<string, number>>) => ({ ti: 0, ui: 0, tr: 0, ur: 0, mti: 0, mui: 0, mtr: 0, mur: 0, ...o });

describe('country rows', () => {
  it('orders by total investigations desc, then code, unknown (ZZ → null) last; countries without use are left out', () => {
    const rows = countryRows({ ZZ: c({ ti: 50 }), US: c({ ti: 3 }), DE: c({ ti: 7 }), AT: c({ ti: 7 }), FR: c({}) });
    expect(rows.map((r) => r.country)).toEqual(['AT', 'DE', 'US', null]);
  });

  it('tells views, API calls and downloads apart (views = investigations − requests − API calls)', () => {
    const [r] = countryRows({ FR: c({ ti: 10, ui: 4, tr: 3, ur: 2, a: 2, b: 900, mti: 5, mtr: 1, ma: 1, mb: 10 }) });
    expect(r).toEqual({
      country: 'FR', views: 5, downloads: 3, apiCalls: 2, totalInvestigations: 10, uniqueInvestigations: 4, totalRequests: 3, uniqueRequests: 2, volume: 900,
      machine: { views: 3, downloads: 1, apiCalls: 1, totalInvestigations: 5, uniqueInvestigations: 0, totalRequests: 1, uniqueRequests: 0, volume: 10 },
    });
    // A day counted before API calls were kept per country: its API calls are views.
    expect(countryRows({ DE: c({ ti: 4, tr: 1 }) })[0]).toMatchObject({ views: 3, apiCalls: 0, volume: 0 });
  });

  it('sums stored maps, ignoring what is not a count', () => {
    const sum = {};
    for (const stored of [{ FR: { ti: 1, a: 1 } }, null, { FR: { ti: 2, ui: 'x' }, DE: null }, 'bad', {}]) addCountries(sum, stored);
    expect(sum).toEqual({ FR: c({ ti: 3, a: 1 }) });
    expect(addCountries({}, undefined)).toEqual({});
  });
});

describe('country totals moves', () => {
  it('moves each count by after − before, countries that appear or vanish included', () => {
    expect(countryMoves({ FR: c({ ti: 2, ui: 1 }), DE: c({ ti: 1 }) }, { FR: c({ ti: 3, ui: 1, a: 1 }), US: c({ tr: 1 }) })).toEqual({
      'FR.ti': 1,
      'FR.a': 1,
      'DE.ti': -1,
      'US.tr': 1,
    });
    expect(countryMoves(null, null)).toEqual({});
  });

  it('finds the zeros $inc left behind: a country all 0 goes whole, a 0 count alone, an empty map entirely', () => {
    expect(zeroCountryPaths({ FR: { ti: 2, a: 0 }, JP: { ti: 0, ui: 0 } })).toEqual(['countries.FR.a', 'countries.JP']);
    expect(zeroCountryPaths({ JP: { ti: 0 }, ZZ: {} })).toEqual(['countries']);
    expect(zeroCountryPaths({ FR: { ti: 1 } })).toEqual([]);
    expect(zeroCountryPaths(undefined)).toEqual([]);
  });
});

describe('month cells', () => {
  it('writes a month as its first day, keeps days, blanks anything else', () => {
    expect(spreadsheetMonth('2026-03')).toBe('2026-03-01');
    expect(spreadsheetMonth('2026-03-15')).toBe('2026-03-15');
    expect(spreadsheetMonth('March')).toBe('');
  });

  it('the usage table record: a month date is its first day, the country its label', () => {
    const base = { portalId: 'p1', resourceType: ResourceType.DATASET, resourceId: 'd', title: 't', parentDatasetIds: [], userId: null, metric: 'VIEWS' as const, accessMethod: 'regular' as const, count: 1 };
    expect(usageTableRecord({ ...base, date: '2026-03', country: countryLabel('ZZ') })).toMatchObject({ date: '2026-03-01', country: 'unknown', metric: 'views' });
    expect(usageTableRecord({ ...base, date: '2026-03-02', country: null })).toMatchObject({ date: '2026-03-02', country: null });
    expect(countryFieldsOf('FR', c({ ti: 3, tr: 1, a: 1, mti: 1 }))).toMatchObject({ views: 1, downloads: 1, apiCalls: 1, machineViews: 1 });
  });
});

describe('cost of the new fields', () => {
  let schema: GraphQLSchema;
  const cost = (q: string) => operationCost(schema, parse(q), {});
  const RANGE = 'from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z"';
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it('a file series costs one unit per point; a set series a window read more', () => {
    expect(cost(`{ file(id: "f") { usage(${RANGE}) { total { views } } } }`)).toBe(1 + 1 + 31 + 1);
    for (const q of [`{ networkUsage(${RANGE}) { total { views } } }`, `{ portal(id: "p") { usage(${RANGE}) { total { views } } } }`, `{ collection(id: "c") { usage(${RANGE}) { total { views } } } }`]) {
      expect(cost(q)).toBeGreaterThanOrEqual(COST.setSeries + 31);
      expect(cost(q)).toBeLessThan(COST.setSeries + 40);
    }
    expect(cost(`{ a: networkUsage(${RANGE}) { total { views } } b: networkUsage(${RANGE}) { total { views } } c: networkUsage(${RANGE}) { total { views } } }`)).toBeLessThanOrEqual(100_000);
    expect(cost(`{ portals { usage(${RANGE}) { total { views } } } }`)).toBeGreaterThan(100_000);
  });

  it('countries lists count as 250 entries; a dashboard\'s countries as a window read', () => {
    expect(cost('{ dataset(id: "d") { stats { countries { country machine { views } } } } }')).toBe(1 + 1 + 1 + COST.countries * 1);
    expect(cost('{ dataDashboard { countries { country } } }')).toBe(COST.usageWindow + COST.dashboard + 1 + COST.countryWindow + 1);
    expect(cost('{ datasets(first: 500) { nodes { stats { countries { machine { views } } } } } }')).toBeGreaterThan(100_000);
  });
});
