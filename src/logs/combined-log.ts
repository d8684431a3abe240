/**
 * Parser of the Combined Log Format (Apache `combined`, nginx's default
 * `combined`):
 *
 *   %h %l %u [%d/%b/%Y:%H:%M:%S %z] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
 *
 * Pure. nginx escapes `"` and `\` inside quoted fields as `\x22` / `\"`;
 * both are undone. The plain Common Log Format (no referer, no agent) is
 * accepted too.
 */
export interface AccessLogLine {
  time: Date;
  ip: string | null;
  /** Authenticated user (`%u`), null for `-`. */
  user: string | null;
  method: string | null;
  /** Request target as sent (path and query, or an absolute URL). */
  url: string;
  status: number | null;
  bytes: number;
  referer: string | null;
  userAgent: string | null;
  /** Extra columns of the Make Data Count format (null for web-server logs). */
  doi?: string | null;
  sessionId?: string | null;
  userCookie?: string | null;
}

export type ParseResult = { ok: true; line: AccessLogLine } | { ok: false; reason: string };

const LINE =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?\s*$/;
const TIME = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_m, hex: string | undefined, ch: string | undefined) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : (ch as string),
  );
}

function dash(s: string | undefined): string | null {
  return s === undefined || s === '-' || s === '' ? null : s;
}

/**
 * The agent field: `"-"` or `""` is an empty agent (the client sent none,
 * or an empty one), which the COUNTER-Robots list's `^.?$` makes a robot
 * (R5 §7.8); only a line without the field (Common Log Format) has a
 * missing one.
 */
function agentField(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = s.trim();
  return t === '-' ? '' : t;
}

/** `10/Oct/2000:13:55:36 -0700` → Date; null when malformed. */
export function parseClfTime(s: string): Date | null {
  const m = TIME.exec(s);
  if (!m) return null;
  const month = MONTHS[m[2].toLowerCase()];
  if (month === undefined) return null;
  const offset = (m[7] === '-' ? -1 : 1) * (+m[8] * 60 + +m[9]);
  const ms = Date.UTC(+m[3], month, +m[1], +m[4], +m[5], +m[6]) - offset * 60_000;
  const d = new Date(ms);
  return Number.isNaN(ms) || d.getUTCDate() === undefined ? null : d;
}

export function parseCombinedLine(raw: string): ParseResult {
  const m = LINE.exec(raw);
  if (!m) return { ok: false, reason: 'not a combined/common log line' };
  const time = parseClfTime(m[4]);
  if (!time) return { ok: false, reason: `bad time "${m[4]}"` };
  const request = unescape(m[5]);
  // "GET /path HTTP/1.1"; a bare target or garbage from scanners has no method.
  const parts = request.split(' ');
  let method: string | null = null;
  let url: string;
  if (parts.length >= 2 && /^[A-Z]+$/.test(parts[0])) {
    method = parts[0];
    url = parts[1];
  } else {
    url = parts[0];
  }
  if (!url || url === '-') return { ok: false, reason: 'no request target' };
  return {
    ok: true,
    line: {
      time,
      ip: dash(m[1]),
      user: dash(m[3]),
      method,
      url,
      status: m[6] === '-' ? null : +m[6],
      bytes: m[7] === '-' ? 0 : +m[7],
      referer: dash(m[8] === undefined ? undefined : unescape(m[8])),
      userAgent: agentField(m[9] === undefined ? undefined : unescape(m[9])),
    },
  };
}
