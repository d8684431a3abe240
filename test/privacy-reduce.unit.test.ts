import { countedClass, reductionPlan, storedUrl, stripQuery } from '../src/privacy/stored-form';
import type { LoggedEvent, TrafficClass } from '../src/domain/logged-event';
import { AccessAction, ResourceType } from '../src/domain/resources';
import { eventFromJson, eventJson } from '../src/events/event-rows';

describe('stored URLs', () => {
  it('cuts the query string and the fragment', () => {
    expect(stripQuery('https://data.example.org/d/1/download?token=abc&email=a%40b.org')).toBe('https://data.example.org/d/1/download');
    expect(stripQuery('https://data.example.org/d/1#page=2')).toBe('https://data.example.org/d/1');
    expect(stripQuery('/api/records/7?q=x#y')).toBe('/api/records/7');
    expect(stripQuery('https://data.example.org/d/1')).toBe('https://data.example.org/d/1');
  });

  it('keeps them with KEEP_URL_QUERY, and null stays null', () => {
    expect(storedUrl('https://x.org/a?b=c', true)).toBe('https://x.org/a?b=c');
    expect(storedUrl('https://x.org/a?b=c', false)).toBe('https://x.org/a');
    expect(storedUrl(null, false)).toBeNull();
    expect(storedUrl(undefined, true)).toBeNull();
  });
});

// A stand-in for the rule set: "bot" in the agent is a robot, "curl" a machine.
const classify = (ua: string | null, automated: boolean): TrafficClass => {
  const c: TrafficClass = ua && /bot/i.test(ua) ? 'robot' : ua && /curl/i.test(ua) ? 'machine' : 'regular';
  return c === 'regular' && automated ? 'machine' : c;
};

describe('countedClass', () => {
  it('classifies an event that still has its agent with the rules in force', () => {
    expect(countedClass({ userAgent: 'ExampleBot/1.0', automated: false, trafficClass: 'regular' }, classify)).toBe('robot');
  });

  it('keeps the stored class of a reduced event, whatever the rules say of no agent', () => {
    expect(countedClass({ userAgent: null, automated: false, trafficClass: 'robot', uaRules: 3 }, classify)).toBe('robot');
    expect(countedClass({ userAgent: null, automated: false, trafficClass: 'machine', uaRules: 0 }, classify)).toBe('machine');
    // Not reduced, no agent given: classified as such (regular here).
    expect(countedClass({ userAgent: null, automated: false, trafficClass: 'robot' }, classify)).toBe('regular');
  });
});

describe('reductionPlan', () => {
  const ev = (id: string, day: string, userAgent: string | null, extra: { automated?: boolean; uaRules?: number } = {}) => ({
    _id: id,
    day,
    userAgent,
    automated: extra.automated ?? false,
    trafficClass: 'regular' as TrafficClass,
    ...(extra.uaRules === undefined ? {} : { uaRules: extra.uaRules }),
  });

  it('groups the day’s events by the class they are counted with now, one update per class', () => {
    const plan = reductionPlan(
      '2026-01-10',
      [
        ev('a', '2026-01-10', 'Mozilla/5.0 Firefox/120'),
        ev('b', '2026-01-10', 'ExampleBot/2'),
        ev('c', '2026-01-10', 'curl/8.0'),
        ev('d', '2026-01-10', 'Mozilla/5.0 Firefox/121', { automated: true }),
        ev('e', '2026-01-10', 'Mozilla/5.0 Chrome/119'),
      ],
      classify,
    );
    expect(Object.fromEntries(plan)).toEqual({ regular: ['a', 'e'], robot: ['b'], machine: ['c', 'd'] });
  });

  it('leaves out other days, reduced events and events without an agent', () => {
    const plan = reductionPlan(
      '2026-01-10',
      [ev('x', '2026-01-11', 'ExampleBot/2'), ev('y', '2026-01-10', null, { uaRules: 2 }), ev('z', '2026-01-10', null), ev('w', '2026-01-10', 'Firefox', { uaRules: 1 })],
      classify,
    );
    expect(plan.size).toBe(0);
  });
});

describe('a reduced event in the raw export', () => {
  const e: LoggedEvent = {
    _id: 'svc|e-1', scope: 'svc', eventId: 'e-1', t: new Date('2026-03-01T10:02:03.456Z'), day: '2026-03-01', h: 'x',
    portalId: 'p1', resourceType: ResourceType.DATASET, resourceId: 'd-1', action: AccessAction.VIEW, datasetIds: [],
    userId: null, automated: false, trafficClass: 'robot', httpStatus: null, bytes: null, country: null,
    userAgent: null, url: '/d/1', ck: 'k:abc', sk: 's:def', receivedAt: new Date(), uaRules: 4,
  };

  it('round-trips with its rules version, so a re-import keeps its class', () => {
    const j = eventJson(e);
    expect(j.ua_rules).toBe(4);
    const back = eventFromJson(JSON.parse(JSON.stringify(j)));
    expect(back).toMatchObject({ userAgent: null, trafficClass: 'robot', uaRules: 4 });
    expect(countedClass(back, classify)).toBe('robot');
  });

  it('an event not reduced has none', () => {
    const { uaRules: _r, ...plain } = e;
    const j = eventJson({ ...plain, userAgent: 'ExampleBot/1' });
    expect(j.ua_rules).toBeNull();
    expect(eventFromJson(JSON.parse(JSON.stringify(j)))).not.toHaveProperty('uaRules');
    expect(() => eventFromJson({ ...j, ua_rules: -1 })).toThrow(/ua_rules/);
    expect(() => eventFromJson({ ...j, ua_rules: 'v2' })).toThrow(/ua_rules/);
  });
});
