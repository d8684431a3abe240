/**
 * `h`, the content hash a retried event is compared by, covers the IP
 * address, cookie and session id: it is keyed with the day's secret like
 * the identity keys (docs/privacy.md). Retries still work, including
 * retries of events stored before keyed hashing.
 */
import { legacyContentHash } from '../src/ingest/ingest.service';
import { validateEvent } from '../src/ingest/validate-event';
import type { TrackEventInput } from '../src/domain/tracking';
import { loadSmallCatalog, BROWSER_UA } from './support/fixtures';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const TRACK = `mutation T($input: TrackAccessInput!) { trackAccess(input: $input) { status } }`;

describe('the stored content hash', () => {
  let t: TestGateway;
  let tracker: string;
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const event = (
    eventId: string,
    extra: Partial<Record<'ipAddress' | 'userAgent', string>> = {},
  ) => ({
    eventId,
    resourceType: 'DATASET',
    resourceId: 'd-pub',
    action: 'VIEW',
    timestamp: at,
    ipAddress: '198.51.100.23',
    userAgent: BROWSER_UA,
    ...extra,
  });
  const track = async (input: ReturnType<typeof event>) => {
    const r = await t.gql<{ trackAccess: { status: string } }>(
      TRACK,
      { input },
      tracker,
    );
    // A conflict is an error of the single-event mutation.
    return r.data?.trackAccess.status ?? (r as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
  };
  const stored = async (eventId: string) =>
    (await t.gw.services.eventLog.events([`h-svc|${eventId}`]))[0]!;
  const unkeyed = (input: ReturnType<typeof event>) => {
    const v = validateEvent(
      { ...input, timestamp: new Date(input.timestamp) } as TrackEventInput,
      new Date(),
      { maxEventAgeDays: 10_000, maxFutureSkewMs: 1e9 },
    );
    if (!v.ok) throw new Error(v.message);
    return legacyContentHash(v.event);
  };

  beforeAll(async () => {
    t = await startTestGateway();
    await loadSmallCatalog(t);
    tracker = await t.keyFor('h-svc', 'TRACKER');
  });
  afterAll(() => t?.stop());

  it('is keyed: not the plain hash of the content, and a retry is still a duplicate, other content a conflict', async () => {
    expect(await track(event('e1'))).toBe('RECORDED');
    const h = (await stored('e1')).h;
    expect(h).toMatch(/^h:[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{6}$/);
    expect(h).not.toContain(unkeyed(event('e1')));
    expect(await track(event('e1'))).toBe('DUPLICATE');
    expect(await track(event('e1', { ipAddress: '198.51.100.24' }))).toBe(
      'EVENT_ID_CONFLICT',
    );
  });

  it('takes a re-send stored under a destroyed secret of its day (an archived day imported again) as a duplicate', async () => {
    expect(await track(event('e3'))).toBe('RECORDED');
    // As if stored under an earlier secret of the day, destroyed since: another hash, another tag.
    await t.gw.store.eventLog.updateOne({ _id: 'h-svc|e3' }, { $set: { h: 'h:AAAAAAAAAAAAAAAAAAAAAA.zzzzzz' } });
    const events = await t.eventCount();
    expect(await track(event('e3'))).toBe('DUPLICATE');
    expect(await t.eventCount()).toBe(events);
  });

  it('recognises a retry of an event stored before keyed hashing by its unkeyed hash', async () => {
    expect(await track(event('e2'))).toBe('RECORDED');
    // As a version before keyed hashing stored it.
    await t.gw.store.eventLog.updateOne(
      { _id: 'h-svc|e2' },
      { $set: { h: unkeyed(event('e2')) } },
    );
    expect(await track(event('e2'))).toBe('DUPLICATE');
    expect(await track(event('e2', { userAgent: 'curl/8.0' }))).toBe(
      'EVENT_ID_CONFLICT',
    );
  });
});
