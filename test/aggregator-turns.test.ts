/**
 * One gateway's passes, recounts and rebuilds hold the aggregation lock
 * under one owner id; they must take turns, or the first to finish releases
 * the lock under the other (which then fails with "lost the aggregator
 * lock" — an admin's `forget` recounting inside a serving gateway did).
 */
import { loadReportCatalog, reportKeys, REPORT_EVENTS, REPORT_GATEWAY_ENV, TRACK_MANY } from './support/report-fixtures';
import { BROWSER_UA } from './support/fixtures';
import { startTestGateway, type TestGateway } from './support/test-gateway';

describe('the aggregator of one gateway', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: REPORT_GATEWAY_ENV });
    await loadReportCatalog(t);
  });
  afterAll(() => t?.stop());

  it('runs a recount asked for during a pass after that pass, and both finish', async () => {
    const keys = await reportKeys(t);
    const agg = t.gw.services.aggregator;
    await agg.stop(); // passes below run only when the test asks
    const inputs = REPORT_EVENTS.map((e, i) => ({ ...e, eventId: `turns-${i}`, userAgent: BROWSER_UA }));
    const sent = await t.gql<{ trackAccesses: { results: { status: string }[] } }>(TRACK_MANY, { inputs }, keys.tracker);
    expect(sent.data!.trackAccesses.results.every((r) => r.status === 'RECORDED')).toBe(true);

    let passDone = false;
    const pass = agg.runOnce().then((n) => {
      passDone = true;
      return n;
    });
    const daysSeenAfterPass: boolean[] = [];
    const recount = agg.recount({ onDay: () => daysSeenAfterPass.push(passDone) });
    const [queued, recounted] = await Promise.all([pass, recount]);

    expect(queued).toBeGreaterThan(0);
    expect(recounted.days).toBeGreaterThan(0);
    expect(daysSeenAfterPass.length).toBe(recounted.days);
    expect(daysSeenAfterPass.every(Boolean)).toBe(true);
    // The figures are whole: a second recount, alone, changes nothing.
    const snapshot = async () => JSON.stringify(await t.gw.store.usageTotals.find({}).sort({ _id: 1 }).toArray());
    const before = await snapshot();
    expect(before).toContain('DATASET:d-pub');
    await agg.recount();
    expect(await snapshot()).toBe(before);
  });
});
