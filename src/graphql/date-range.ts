import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/** Earliest and latest years accepted in any date the API is given. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

/**
 * Refuses dates outside the years 1900–9999 (and invalid ones) with
 * `code` (BAD_USER_INPUT for query arguments, VALUE_OUT_OF_RANGE for
 * catalog input). Years 0–99 would otherwise be read as 1900–1999 by
 * `Date.UTC` and break day arithmetic.
 */
export function checkDateRange(dates: Record<string, Date | null | undefined>, code: typeof ErrorCode.BAD_USER_INPUT | typeof ErrorCode.VALUE_OUT_OF_RANGE = ErrorCode.BAD_USER_INPUT): void {
  for (const [name, d] of Object.entries(dates)) {
    if (d === null || d === undefined) continue;
    const y = d.getUTCFullYear();
    if (Number.isNaN(d.getTime()) || y < MIN_YEAR || y > MAX_YEAR) {
      throw new GatewayError(code, `${name} must be a date in the years ${MIN_YEAR}-${MAX_YEAR}`, { field: name });
    }
  }
}
