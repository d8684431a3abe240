import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver as RfcDateTime } from 'graphql-scalars';
import { parseDateInput } from '../dates/date-input';
import { GatewayError } from '../errors/gateway-error';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` input as the first instant of that UTC day; null when not a day. */
function dayStart(value: unknown): Date | null {
  if (typeof value !== 'string' || !DAY.test(value.trim())) return null;
  try {
    return parseDateInput('DateTime', value)!.start;
  } catch (err) {
    // 2026-02-30 and the like: a clear message, the same code as any bad variable.
    throw new GraphQLError(err instanceof GatewayError ? err.message : String(err));
  }
}

/**
 * graphql-scalars' `DateTime` (RFC 3339 date-time, serialized the same way)
 * that also takes a day `YYYY-MM-DD` as input, meaning 00:00 UTC of that
 * day. Why: every other date input of the gateway (HTTP query parameters,
 * `since`/`until` arguments, the CLI) takes a day, and `from`/`to` of the
 * dashboard and usage series count whole UTC days anyway. Same name as the
 * scalar it replaces: the SDL only changes its description. A month
 * (`YYYY-MM`) is not an instant and stays refused here.
 */
export const DateTimeResolver = new GraphQLScalarType({
  ...RfcDateTime.toConfig(),
  description:
    'A date-time at UTC, such as 2007-12-03T10:15:30Z (RFC 3339 `date-time`, section 5.6); as an input also a day ' +
    '`YYYY-MM-DD`, meaning 00:00 UTC of that day. Always written as an RFC 3339 date-time.',
  parseValue(value) {
    return dayStart(value) ?? (RfcDateTime.parseValue(value) as Date | null);
  },
  parseLiteral(ast, variables) {
    if (ast.kind === Kind.STRING) {
      const day = dayStart(ast.value);
      if (day) return day;
    }
    return RfcDateTime.parseLiteral(ast, variables) as Date | null;
  },
});
