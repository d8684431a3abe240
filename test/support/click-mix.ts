import fc from 'fast-check';
import { AccessAction, ResourceType } from '../../src/domain/resources';

/**
 * A realistic little mix of clicks for the property tests of the day tally
 * and its keys: a few people, a few items (a dataset, files, one file in two
 * datasets), clicks bunched within and across 30 s, robots, failures, and
 * the edges of `days` consecutive UTC days.
 */
export function clickMixArb(opts: { people: number; days: 2 | 3 }) {
  const edges = [fc.integer({ min: 0, max: 200 }), fc.integer({ min: 86_300, max: 86_430 })];
  if (opts.days === 3) edges.push(fc.integer({ min: 172_700, max: 172_830 }));
  return fc.record({
    who: fc.integer({ min: 0, max: opts.people - 1 }),
    item: fc.integer({ min: 0, max: 3 }),
    action: fc.constantFrom(AccessAction.VIEW, AccessAction.DOWNLOAD, AccessAction.API_CALL),
    second: fc.oneof(...edges),
    kind: fc.constantFrom('regular', 'regular', 'regular', 'machine', 'robot') as fc.Arbitrary<'regular' | 'machine' | 'robot'>,
    status: fc.constantFrom(null, 200, 304, 404),
  });
}

export type ClickSpec = ReturnType<typeof clickMixArb> extends fc.Arbitrary<infer C> ? C : never;

/** The event fields of the `i`th click of a mix whose first day starts at `base` (ms); who clicked is the caller's. */
export function clickMixEvent(c: ClickSpec, i: number, base: number) {
  const file = c.item > 0;
  return {
    id: `p${i}`,
    timestamp: new Date(base + c.second * 1000),
    resourceType: file ? ResourceType.FILE : ResourceType.DATASET,
    resourceId: file ? `f-${c.item}` : 'ds-1',
    datasetIds: file ? (c.item === 3 ? ['ds-1', 'ds-2'] : ['ds-1']) : [],
    action: c.action,
    trafficClass: c.kind,
    httpStatus: c.status,
    country: c.who % 2 ? 'FR' : null,
  };
}
