import { startTestGateway, type TestGateway } from '../support/test-gateway';

describe('failed-authentication limit', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { AUTH_FAILURE_LIMIT: '5' } });
  });
  afterAll(() => t.stop());

  const post = (key: string) =>
    fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

  it('does not count valid requests in flight: 40 concurrent calls with a good key all pass', async () => {
    const key = await t.keyFor('svc-busy', 'TRACKER');
    const statuses = await Promise.all(Array.from({ length: 40 }, () => post(key).then((r) => r.status)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('refuses an address after AUTH_FAILURE_LIMIT wrong keys, with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) expect((await post(`ugk_wrong-${i}`)).status).toBe(401);
    const r = await post('ugk_wrong-6');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await r.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('failed-authentication limit with wrong keys in flight at once', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { AUTH_FAILURE_LIMIT: '5' } });
  });
  afterAll(() => t.stop());

  const post = (key: string) =>
    fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

  it('looks up at most AUTH_FAILURE_LIMIT of 60 concurrent wrong keys; the rest get 429', async () => {
    // Look-ups stay slow enough that all 60 requests are in flight together
    // (the real look-up still runs against the database).
    const auth = t.gw.services.auth;
    const real = auth.callerForKey.bind(auth);
    let lookups = 0;
    const spy = jest.spyOn(auth, 'callerForKey').mockImplementation(async (key) => {
      lookups++;
      await new Promise((r) => setTimeout(r, 300));
      return real(key);
    });
    try {
      const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => post(`ugk_guess-${i}`).then((r) => r.status)));
      expect(lookups).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s === 401).length).toBe(lookups);
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  }, 60_000);
});
