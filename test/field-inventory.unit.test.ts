import { eventLogKind, formatInventory, inventory } from '../src/privacy/field-inventory';

describe('the stored-data inventory', () => {
  it('tells the event log kinds apart by _id and collects each kind its fields', () => {
    const kinds = inventory('event_log', [
      { _id: 'tracker|e1', t: new Date('2026-01-02T03:04:05Z'), userId: 'u1', ck: 'k:x' },
      { _id: 'tracker|e2', t: new Date('2026-01-03T03:04:05Z'), url: '/a' },
      { _id: '~i|2026-01-02|f1', day: '2026-01-02', keys: ['tracker|e1'] },
      { _id: '~i|2026-01-05|f2', day: '2026-01-05', keys: [] },
      { _id: '~q|f1', days: ['2026-01-02'] },
    ]);
    expect(kinds).toEqual([
      { kind: 'event_log:event', sampled: 2, fields: ['_id', 'ck', 't', 'url', 'userId'], oldestDay: null, newestDay: null },
      { kind: 'event_log:~i', sampled: 2, fields: ['_id', 'day', 'keys'], oldestDay: '2026-01-02', newestDay: '2026-01-05' },
      { kind: 'event_log:~q', sampled: 1, fields: ['_id', 'days'], oldestDay: null, newestDay: null },
    ]);
  });

  it('keeps other collections whole, and a map keyed by data is one field', () => {
    const [kind] = inventory('usage_daily', [{ _id: 'DATASET|2026-01-02|d1', day: '2026-01-02', countries: { FR: { ti: 1 }, ZZ: { ti: 2 } } }]);
    expect(kind).toEqual({ kind: 'usage_daily', sampled: 1, fields: ['_id', 'countries', 'day'], oldestDay: '2026-01-02', newestDay: '2026-01-02' });
  });

  it('reads an id that is not a string as an event, and prints a paragraph per collection', () => {
    expect(eventLogKind(42)).toBe('event');
    const text = formatInventory([{ name: 'users', documents: 3, kinds: inventory('users', [{ _id: 'a', name: 'A' }]) }]);
    expect(text).toBe('users: 3 documents\n  _id name  (1 sampled)\n');
  });
});
