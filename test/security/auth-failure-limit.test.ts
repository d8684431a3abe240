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
