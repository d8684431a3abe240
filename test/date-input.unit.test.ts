/** The shared date parser reads years as written: Date.UTC maps 0–99 to 1900–1999. */
import { lastDayOfMonth, monthSpan, monthsBetween, parseDateInput, parseInstantWindow, utcDate } from '../src/dates/date-input';
import { SushiService } from '../src/sushi/sushi.service';

describe('date input: years as written', () => {
  it('keeps years 0001–0099 (0050 is not 1950) in every form', () => {
    expect(parseDateInput('d', '0050-03')!.start.toISOString()).toBe('0050-03-01T00:00:00.000Z');
    expect(parseDateInput('d', '0050-03')!.end.toISOString()).toBe('0050-04-01T00:00:00.000Z');
    expect(parseDateInput('d', '0050-03-15')!.start.toISOString()).toBe('0050-03-15T00:00:00.000Z');
    expect(parseDateInput('d', '0001-01-01T10:20:30.5+01:00')!.start.toISOString()).toBe('0001-01-01T09:20:30.500Z');
    expect(parseDateInput('d', '0099-12')!.end.toISOString()).toBe('0100-01-01T00:00:00.000Z');
    expect(parseInstantWindow('0050-01', '0050-12').to!.toISOString()).toBe('0051-01-01T00:00:00.000Z');
  });

  it('still checks the calendar for early years (0004 is a leap year, 0100 is not)', () => {
    expect(parseDateInput('d', '0004-02-29')!.start.toISOString()).toBe('0004-02-29T00:00:00.000Z');
    expect(() => parseDateInput('d', '0100-02-29')).toThrow(/must be a month/);
    expect(() => parseDateInput('d', '0000-01')).toThrow(/must be a month/);
    expect(() => parseDateInput('d', '0050-13')).toThrow(/must be a month/);
  });

  it('utcDate overflows months and days like Date.UTC, without the two-digit-year trap', () => {
    expect(utcDate(50, 12, 0).toISOString()).toBe('0050-12-31T00:00:00.000Z');
    expect(utcDate(2026, 1, 29).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(utcDate(2026, 0, 1, 23, 59, 59, 999).toISOString()).toBe('2026-01-01T23:59:59.999Z');
    expect(lastDayOfMonth('0050-02')).toBe('0050-02-28');
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
  });

  it('counts months without listing them', () => {
    expect(monthSpan('0001-01', '9999-12')).toBe(119_988);
    expect(monthSpan('2026-03', '2026-02')).toBe(0);
    expect(monthSpan('2025-11', '2026-02')).toBe(monthsBetween('2025-11', '2026-02').length);
  });

  it('SUSHI months: 0050 stays 0050 and 9999 is accepted (then clamped to the data)', () => {
    expect(SushiService.period('0050-01', '0050-12')).toEqual({ beginMonth: '0050-01', endMonth: '0050-12' });
    expect(SushiService.period('0001-01', '9999-12')).toEqual({ beginMonth: '0001-01', endMonth: '9999-12' });
    expect(() => SushiService.period('2026-05', '2026-01')).toThrow(/after end_date/);
  });
});
