/**
 * The dashboard's window read stops when the request's budget is spent
 * (the signal of REQUEST_TIMEOUT_MS or a client that left): before, a cold
 * window over a large history ran to its end and answered 504 only then.
 * On the real database: an aborted read rejects with the abort's reason and
 * caches nothing, so the next request reads the window whole.
 */
import { startTestGateway, type TestGateway } from './support/test-gateway';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';
import { ANONYMOUS } from '../src/domain/caller';
import { Visibility } from '../src/domain/resources';

const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('dashboard window reads follow the request signal', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    const tracker = await t.keyFor('abort-tracker', 'TRACKER');
    const r = await t.gql(
      `mutation { trackAccess(input: { resourceType: DATASET, resourceId: "d-pub", action: DOWNLOAD, eventId: "abort-1", userAgent: "${BROWSER_UA}", timestamp: "${DAY}T10:00:00Z" }) { status } }`,
      {},
      tracker,
    );
    expect(r.errors).toBeUndefined();
    await t.settle();
  });
  afterAll(() => t.stop());

  const args = (from: Date | null) => ({ visibility: Visibility.PUBLIC, portalId: null, from, to: null, histogramBuckets: 10 });

  it.each([
    ['a window', new Date(`${DAY}T00:00:00Z`)],
    ['all time', null],
  ])('%s: an aborted read rejects with the reason and caches nothing', async (_label, from) => {
    const reason = new Error('budget spent');
    await expect(t.gw.services.dashboard.dashboard(ANONYMOUS, args(from), new Map(), AbortSignal.abort(reason))).rejects.toBe(reason);
    const whole = await t.gw.services.dashboard.dashboard(ANONYMOUS, args(from), new Map(), new AbortController().signal);
    expect(whole.totals.downloads).toBe(1);
  });
});
