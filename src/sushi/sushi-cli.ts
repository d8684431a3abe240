/**
 * `usage-gateway sushi submit --month YYYY-MM [--dry-run FILE] [--all-pending]`:
 * sends a month's DSR in the hub profile (dsr-report.ts) to a COUNTER
 * usage hub, DataCite's by default (docs/formats.md "Reporting to
 * DataCite"). Registered by src/cli.ts.
 *
 * The hub's protocol, read from datacite/sashimi: POST /reports for a new
 * report, PUT /reports/<id> to replace one (a second POST for the same
 * month returns the stored report unchanged); `Authorization: Bearer
 * <token>`; a large body gzipped with `Content-Type: application/gzip` and
 * `Content-Encoding: gzip` (lib/middleware/compressed_requests.rb; the
 * README suggests compressing above 10 MB); refusals are 4xx with
 * `{ errors: [{ status, title }] }`.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import type { Command } from 'commander';
import { onServices, type CliIo, type Connect } from '../cli-run';
import type { Caller } from '../domain/caller';
import { monthsBetween } from '../dates/date-input';
import { readSetting } from '../config';

/** DataCite's hubs (`DATACITE_HUB`): the test (staging) and production report APIs. */
export const HUB_PRESETS: Record<string, string> = {
  test: 'https://api.test.datacite.org/reports',
  production: 'https://api.datacite.org/reports',
};

/** Bodies above this many bytes are gzipped (sashimi's README: compress reports larger than 10 MB). */
export const GZIP_OVER_BYTES = 10 * 1024 * 1024;

export interface HubConfig {
  url: string;
  token: string;
  platform: string;
}

/** The hub from the environment: `DATACITE_HUB_URL`, else the `DATACITE_HUB` preset (test|production); null with the reason when neither is set. */
export function hubConfig(env: NodeJS.ProcessEnv): HubConfig | string {
  const given = readSetting('dataciteHub', env);
  const preset = given?.trim().toLowerCase();
  if (preset && !(preset in HUB_PRESETS)) return `DATACITE_HUB must be test or production (got "${given}")`;
  const url = (readSetting('dataciteHubUrl', env)?.trim() || (preset ? HUB_PRESETS[preset] : '')).replace(/\/+$/, '');
  if (!url) return 'no hub configured: set DATACITE_HUB=test|production or DATACITE_HUB_URL';
  if (!/^https?:\/\//.test(url)) return `DATACITE_HUB_URL must be an http(s) URL (got "${url}")`;
  return { url, token: readSetting('dataciteHubToken', env)?.trim() ?? '', platform: readSetting('sushiPlatform', env) };
}

export interface SubmitOptions {
  month?: string;
  dryRun?: string;
  allPending?: boolean;
}

/** Test hooks; defaults suit a real hub. */
export interface SubmitTuning {
  /** Attempts per month on a 5xx or a network error, default 5. */
  attempts?: number;
  /** First back-off, ms, doubled after each failure; default 2000. */
  backoffMs?: number;
  /** Gzip above this many bytes; default {@link GZIP_OVER_BYTES}. */
  gzipOverBytes?: number;
  now?: () => Date;
}

const SUBMITTER: Caller = { kind: 'user', userId: 'sushi-submit', role: 'ADMIN', automated: false, spaceIds: [] };

interface Body {
  bytes: Buffer;
  gzip: boolean;
  datasets: number;
}

function hubMessage(status: number, text: string): string {
  try {
    const j = JSON.parse(text) as { errors?: { title?: string }[] } & Record<string, unknown>;
    if (Array.isArray(j.errors) && j.errors.length) return j.errors.map((e) => e.title ?? JSON.stringify(e)).join('; ');
    return JSON.stringify(j).slice(0, 2000);
  } catch {
    return text.slice(0, 2000) || `HTTP ${status}`;
  }
}

class HubError extends Error {}

/** Sends one body: PUT to `reportId` when known, else POST. Retries 5xx and network errors with back-off; a 4xx is final. Returns the hub's report id. */
async function send(hub: HubConfig, body: Body, reportId: string | null, t: Required<Omit<SubmitTuning, 'now'>>, io: CliIo): Promise<string> {
  const url = reportId ? `${hub.url}/${encodeURIComponent(reportId)}` : hub.url;
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: `Bearer ${hub.token}`,
    'content-type': body.gzip ? 'application/gzip' : 'application/json',
    ...(body.gzip ? { 'content-encoding': 'gzip' } : {}),
  };
  let wait = t.backoffMs;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const res = await fetch(url, { method: reportId ? 'PUT' : 'POST', headers, body: body.bytes });
      const text = await res.text();
      if (res.ok) {
        const id = (JSON.parse(text) as { report?: { id?: unknown } }).report?.id;
        if (typeof id !== 'string' || !id) throw new HubError(`the hub answered ${res.status} without a report id`);
        return id;
      }
      if (res.status < 500) throw new HubError(`the hub refused the report (${res.status}): ${hubMessage(res.status, text)}`);
      failure = `${res.status}: ${hubMessage(res.status, text)}`;
    } catch (err) {
      if (err instanceof HubError) throw err;
      failure = err instanceof Error ? err.message : String(err);
    }
    if (attempt >= t.attempts) throw new HubError(`the hub did not take the report after ${attempt} attempts (last: ${failure})`);
    io.err(`hub: ${failure}; retrying in ${wait} ms (attempt ${attempt + 1} of ${t.attempts})\n`);
    await sleep(wait);
    wait *= 2;
  }
}

/** Exit code 0 when every month asked was sent (or written), 1 otherwise. */
export async function sushiSubmitCommand(o: SubmitOptions, io: CliIo, connect: Connect, tuning: SubmitTuning = {}): Promise<number> {
  const now = (tuning.now ?? (() => new Date()))();
  const currentMonth = now.toISOString().slice(0, 7);
  if (!o.allPending && !o.month) {
    io.err('error: give --month YYYY-MM or --all-pending\n');
    return 1;
  }
  if (o.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month)) {
    io.err('error: --month takes a month, YYYY-MM\n');
    return 1;
  }
  if (o.month && o.month >= currentMonth) {
    io.err(`error: ${o.month} is not over yet (UTC): the hub takes closed months\n`);
    return 1;
  }
  if (o.dryRun && o.allPending) {
    io.err('error: --dry-run writes one month: give --month, not --all-pending\n');
    return 1;
  }
  const hub = hubConfig(io.env);
  if (typeof hub === 'string' && !o.dryRun) {
    io.err(`error: ${hub}\n`);
    return 1;
  }
  if (typeof hub !== 'string' && !hub.token && !o.dryRun) {
    io.err('error: DATACITE_HUB_TOKEN is not set (the token DataCite gave the repository)\n');
    return 1;
  }
  const t = { attempts: tuning.attempts ?? 5, backoffMs: tuning.backoffMs ?? 2000, gzipOverBytes: tuning.gzipOverBytes ?? GZIP_OVER_BYTES };
  // The service's platform is SUSHI_PLATFORM, as the hub's (hubConfig).
  return onServices(io, connect, async ({ sushi, hubSubmissions: sent }) => {
    let months: string[];
    if (o.allPending) {
      const first = await sushi.firstDataDay();
      const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
      const done = await sent.months((hub as HubConfig).url);
      months = first && first.slice(0, 7) <= last ? monthsBetween(first.slice(0, 7), last).filter((m) => !done.has(m)) : [];
      if (o.month) months = months.filter((m) => m >= o.month!);
      io.err(`${months.length} pending month${months.length === 1 ? '' : 's'}${months.length ? `: ${months[0]} to ${months[months.length - 1]}` : ''}\n`);
    } else {
      months = [o.month!];
    }
    let failed = 0;
    for (const month of months) {
      const report = await sushi.dsr(SUBMITTER, { beginDate: month, endDate: month, profile: 'hub', now });
      const datasets = (report['report-datasets'] as unknown[]).length;
      const json = Buffer.from(JSON.stringify(report));
      const gzip = json.length > t.gzipOverBytes;
      const body: Body = { bytes: gzip ? zlib.gzipSync(json) : json, gzip, datasets };
      if (o.dryRun) {
        writeFileSync(o.dryRun, body.bytes);
        io.err(`${month}: ${datasets} datasets, ${body.bytes.length} bytes${gzip ? ' (gzip)' : ''} written to ${o.dryRun}; nothing sent\n`);
        continue;
      }
      const h = hub as HubConfig;
      if (!datasets) {
        // The hub refuses a report without datasets (Report validates_presence_of report_datasets).
        io.err(`${month}: no usage of published datasets; nothing to send\n`);
        continue;
      }
      const before = await sent.get(h.url, month);
      try {
        const reportId = await send(h, body, before?.reportId ?? null, t, io);
        await sent.save({ hubUrl: h.url, month, reportId, submittedAt: new Date(), datasets, bytes: body.bytes.length, gzip });
        io.out(`${month}\t${before ? 'updated' : 'created'}\t${reportId}\t${datasets} datasets\t${body.bytes.length} bytes${gzip ? ' gzip' : ''}\n`);
      } catch (err) {
        if (!(err instanceof HubError)) throw err;
        failed++;
        io.err(`error: ${month}: ${err.message}\n`);
      }
    }
    return failed ? 1 : 0;
  });
}

export function registerSushiCommands(program: Command, io: CliIo, connect: Connect, setCode: (c: number) => void): void {
  const s = program.command('sushi').description('COUNTER SUSHI reports for a usage hub (DataCite).');
  s.command('submit')
    .description(
      "Send a closed month's DSR (hub profile) to the hub in DATACITE_HUB_URL or DATACITE_HUB (test|production) with DATACITE_HUB_TOKEN: POST the first time, PUT to the hub's id after (a recount is resubmitted the same way).",
    )
    .option('--month <YYYY-MM>', 'the month to send (UTC); with --all-pending, the first month considered')
    .option('--all-pending', 'send every closed month with stored data not yet sent to this hub', false)
    .option('--dry-run <file>', 'write the exact body to this file (gzip when it would be compressed) and send nothing')
    .action(async (o: SubmitOptions) => {
      setCode(await sushiSubmitCommand(o, io, connect));
    });
}
