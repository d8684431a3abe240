/**
 * Generates a web-server log in the Combined Log Format for tests and the
 * import benchmark, with the event each line stands for (or why it stands
 * for none), deterministically from a seed. The URLs follow
 * examples/log-mapping.json.
 */
import { mulberry32 } from '../src/demo/prng';

export interface GenCatalog {
  datasets: { id: string; files: string[] }[];
}

export interface GenEvent {
  resourceType: 'DATASET' | 'FILE';
  resourceId: string;
  action: 'VIEW' | 'DOWNLOAD' | 'API_CALL';
  timestamp: string;
  userAgent: string;
  ipAddress: string;
  url: string;
  httpStatus: number;
  bytes: number;
}

export interface GenLine {
  line: string;
  /** The access the line records; null for lines no rule maps (or garbage). */
  event: GenEvent | null;
}

const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'curl/8.4.0',
  'python-requests/2.31.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function clfTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * `count` lines from `startMs` on, a few seconds apart on average (some
 * repeats within 30 s: double clicks; a few identical lines: two requests in
 * one second), mixing views, downloads, API calls, failed statuses, robots,
 * machines, unmapped URLs, unknown ids and garbage.
 */
export function* generateCombinedLog(catalog: GenCatalog, count: number, startMs: number, seed = 42, meanGapMs = 4000): Generator<GenLine> {
  const rnd = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  let t = startMs;
  let previous: GenLine | null = null;
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * meanGapMs * 2);
    const r = rnd();
    if (previous && r < 0.02) {
      // The same request again in the same second (identical line).
      yield previous;
      continue;
    }
    if (r < 0.03) {
      yield { line: `garbage ${i} \u0000 not a log line`, event: null };
      continue;
    }
    const ip = `192.0.2.${1 + Math.floor(rnd() * 40)}`;
    const ua = rnd() < 0.85 ? pick(UAS.slice(0, 3)) : pick(UAS.slice(3));
    const ds = pick(catalog.datasets);
    let url: string;
    let event: GenEvent | null;
    let bytes = 0;
    const kind = rnd();
    const status = rnd() < 0.05 ? pick([404, 500, 403]) : rnd() < 0.05 ? 304 : 200;
    if (kind < 0.05) {
      url = `/static/app.${i % 7}.js`;
      event = null;
    } else if (kind < 0.55) {
      const id = rnd() < 0.02 ? `ds-unknown-${i % 3}` : ds.id;
      url = `/datasets/${id}${rnd() < 0.1 ? '?tab=files' : ''}`;
      bytes = 5000 + Math.floor(rnd() * 20000);
      event = { resourceType: 'DATASET', resourceId: id, action: 'VIEW', timestamp: '', userAgent: ua, ipAddress: ip, url, httpStatus: status, bytes };
    } else if (kind < 0.85 && ds.files.length) {
      const f = pick(ds.files);
      url = `/datasets/${ds.id}/files/${f}/download`;
      bytes = 10_000 + Math.floor(rnd() * 5_000_000);
      event = { resourceType: 'FILE', resourceId: f, action: 'DOWNLOAD', timestamp: '', userAgent: ua, ipAddress: ip, url, httpStatus: status, bytes };
    } else {
      url = `/api/1/datasets/${ds.id}`;
      bytes = 800 + Math.floor(rnd() * 4000);
      event = { resourceType: 'DATASET', resourceId: ds.id, action: 'API_CALL', timestamp: '', userAgent: ua, ipAddress: ip, url, httpStatus: status, bytes };
    }
    // Sometimes the same visitor clicks again within 30 s.
    if (previous?.event && rnd() < 0.05) {
      const p = previous.event;
      t += 1000 + Math.floor(rnd() * 20_000);
      const line = `${p.ipAddress} - - [${clfTime(t)}] "GET ${p.url} HTTP/1.1" ${p.httpStatus} ${p.bytes} "-" "${p.userAgent}"`;
      const again: GenLine = { line, event: { ...p, timestamp: new Date(Math.floor(t / 1000) * 1000).toISOString() } };
      previous = again;
      yield again;
      continue;
    }
    const when = new Date(Math.floor(t / 1000) * 1000).toISOString();
    if (event) event.timestamp = when;
    const line = `${ip} - - [${clfTime(t)}] "GET ${url} HTTP/1.1" ${status} ${status === 304 ? 0 : bytes} "https://portal.example/" "${ua}"`;
    if (event && status === 304) event.bytes = 0;
    previous = { line, event };
    yield previous;
  }
}
