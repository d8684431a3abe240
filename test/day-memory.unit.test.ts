import { evictDays } from '../src/aggregate/day-memory';

const day = (size: number) => ({ tally: { size } });

describe('evictDays', () => {
  it('drops the least recently used days beyond the budget, never the two latest', () => {
    // Map order is use order: 2026-11-28 was used last but is not among the two latest.
    const days = new Map([['2026-11-29', day(60)], ['2026-11-30', day(60)], ['2026-11-27', day(10)], ['2026-11-28', day(10)]]);
    evictDays(days, 100);
    expect([...days.keys()]).toEqual(['2026-11-29', '2026-11-30']);
  });

  it('keeps everything within the budget', () => {
    const days = new Map([['2026-11-28', day(10)], ['2026-11-29', day(10)], ['2026-11-30', day(10)]]);
    evictDays(days, 30);
    expect(days.size).toBe(3);
  });

  it('drops only as many as needed, oldest use first', () => {
    const days = new Map([['2026-11-26', day(10)], ['2026-11-27', day(10)], ['2026-11-29', day(10)], ['2026-11-30', day(10)]]);
    evictDays(days, 30);
    expect([...days.keys()]).toEqual(['2026-11-27', '2026-11-29', '2026-11-30']);
  });
});
