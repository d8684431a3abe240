/**
 * Parser of the Make Data Count log format read by CDLUC3/counter-processor
 * (`input_processor/log_line.py`): one access per line, 19 tab-separated
 * columns, `-` (or empty, or `????`) for none, `#` lines are comments:
 *
 *   event_time client_ip session_cookie_id user_cookie_id user_id
 *   request_url identifier filename size user_agent title publisher
 *   publisher_id authors publication_date version other_id target_url
 *   publication_year
 *
 * The format has no HTTP status: repositories log successful accesses only,
 * so lines are taken as 200. Pure.
 */
import type { AccessLogLine, ParseResult } from './combined-log';

export const MDC_COLUMNS = [
  'event_time',
  'client_ip',
  'session_cookie_id',
  'user_cookie_id',
  'user_id',
  'request_url',
  'identifier',
  'filename',
  'size',
  'user_agent',
  'title',
  'publisher',
  'publisher_id',
  'authors',
  'publication_date',
  'version',
  'other_id',
  'target_url',
  'publication_year',
] as const;

function val(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = s.trim();
  return t === '' || t === '-' || t === '????' ? null : t;
}

/**
 * The user_agent column: empty or `-` is an empty agent, a robot by the
 * COUNTER-Robots list's `^.?$` (R5 §7.8); `????` (counter-processor's
 * "unknown") and a line without the column are missing. counter-processor
 * reads all three as missing (docs/counting.md).
 */
function agentColumn(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '????') return null;
  return t === '-' ? '' : t;
}

/** A comment line (`#…`) or an empty line: not an access, not an error. */
export function isMdcComment(raw: string): boolean {
  const t = raw.trim();
  return t === '' || t.startsWith('#');
}

export function parseMdcLine(raw: string): ParseResult {
  const cols = raw.replace(/\r$/, '').split('\t');
  if (cols.length !== MDC_COLUMNS.length) {
    return { ok: false, reason: `expected ${MDC_COLUMNS.length} tab-separated columns, got ${cols.length}` };
  }
  const timeText = val(cols[0]);
  // counter-processor parses with dateutil: ISO 8601, zone optional (UTC then).
  const time = timeText ? new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(timeText) ? timeText : `${timeText}Z`) : null;
  if (!time || Number.isNaN(time.getTime())) return { ok: false, reason: `bad event_time "${cols[0]}"` };
  const url = val(cols[5]);
  if (!url) return { ok: false, reason: 'no request_url' };
  const size = Number(val(cols[8]) ?? 0);
  const line: AccessLogLine = {
    time,
    ip: val(cols[1]),
    user: val(cols[4]),
    method: 'GET',
    url,
    status: 200,
    bytes: Number.isFinite(size) && size > 0 ? Math.floor(size) : 0,
    referer: null,
    userAgent: agentColumn(cols[9]),
    doi: val(cols[6]),
    sessionId: val(cols[2]),
    userCookie: val(cols[3]),
  };
  return { ok: true, line };
}
