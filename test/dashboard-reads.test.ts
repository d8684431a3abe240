import type { CommandStartedEvent } from 'mongodb';
import type { TestGateway } from './support/test-gateway';
import { M1, M2, at, day, startDashboardGateway } from './support/dashboard-fixture';

/*
 * What one dashboard request reads: each collection once, whatever the
 * number of datasets, and never the event log.
 * The catalog, activity and reuses, and the hand-computed scores, are in
 * test/support/dashboard-fixture.ts.
 */

describe('data dashboard', () => {
  let t: TestGateway;
  let admin: string;

  beforeAll(async () => {
    ({ t, admin } = await startDashboardGateway());
  });
  afterAll(() => t.stop());

  it('reads each collection once per request, whatever the number of datasets', async () => {
    // Figures up to date first: the aggregator's reads are not the request's.
    await t.settle();
    const seen: CommandStartedEvent[] = [];
    const listen = (e: CommandStartedEvent) => seen.push(e);
    t.gw.store.client.on('commandStarted', listen);
    try {
      const res = await t.gql(
        `query Q($from: DateTime!, $to: DateTime!) {
          dataDashboard { totals { datasets } }
          datasets { nodes { id
            popularity { score } network: popularity(scope: NETWORK) { score }
            usage(from: $from, to: $to) { total { downloads } } } } }`,
        { from: at(day(M1, 1)), to: at(day(M2, 1)) },
        admin,
      );
      expect(res.errors).toBeUndefined();
    } finally {
      t.gw.store.client.off('commandStarted', listen);
    }
    // The background aggregator's own reads (write marks) are not the request's.
    const reads = (col: string) =>
      seen.filter((e) => e.commandName === 'find' && e.command.find === col && !e.command.projection?.batches).length;
    // At most once: the totals and the published catalog may come from the
    // process caches (src/store/dashboard.repository.ts).
    expect(reads('usage_totals')).toBeLessThanOrEqual(1);
    expect(reads('reuses')).toBe(1);
    expect(reads('usage_daily')).toBe(1); // the 8 usage series in one query
    expect(reads('themes')).toBe(1);
    expect(reads('datasets')).toBeLessThanOrEqual(2); // the page, and the dashboard's one read
    expect(reads('agg_state')).toBeLessThanOrEqual(1); // the cache's freshness check
    // Figures are read from derived documents, never from the event log.
    // (The aggregator's queue polls are the only event_log commands.)
    expect(seen.filter((e) => e.command[e.commandName] === 'event_log' && e.command.filter?._id?.$gte !== '~q|')).toEqual([]);
  });
});
