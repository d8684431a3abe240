/**
 * A local stand-in for DataCite's usage hub (datacite/sashimi at 7a9205df),
 * enforcing the checks its code makes on `POST /reports` and
 * `PUT /reports/:id` for a dataset report (release rd1):
 *
 * - a token in `Authorization: Bearer …` (ApplicationController
 *   token_from_request_headers), else 401;
 * - a gzip or deflate body when `Content-Encoding` says so
 *   (lib/middleware/compressed_requests.rb);
 * - `reporting-period` within one month (ReportsController
 *   validate_monthly_report: it compares the month numbers only);
 * - only the permitted keys (ReportsController usage_report_params, with
 *   unpermitted parameters raising): no `volume`, and `country-counts`
 *   keys from the lower-case COUNTRY_CODES list only;
 * - `created-by` in its format (Report validates_format_of, on create);
 * - the published schema, header flattened next to `report-datasets`
 *   (Metadatable validate_sushi; test/support/sushi-schema.ts).
 *
 * Refusals answer 422 with `{ errors: [{ status, title }] }` as sashimi's
 * rescue does. Reports are kept in memory, by the hub's id (a UUID), as
 * `{ report: { id, 'report-header', 'report-datasets' } }` (its JSON
 * adapter with dashed keys). A POST for a month the same client already
 * sent returns that report unchanged, as sashimi's `create` does: an update
 * needs PUT to the id.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HUB_COUNTRY_CODES } from '../../src/sushi/hub-country-codes';
import { validateDsr } from './sushi-schema';

export interface HubRequest {
  method: string;
  path: string;
  contentEncoding: string | null;
  contentType: string | null;
  status: number;
}

export interface StoredReport {
  id: string;
  clientId: string;
  body: Record<string, unknown>;
}

export interface LocalHub {
  /** `http://127.0.0.1:<port>/reports` */
  url: string;
  reports: Map<string, StoredReport>;
  requests: HubRequest[];
  /** The next `n` requests answer `status` (a 5xx) before anything is checked. */
  failNext(n: number, status?: number): void;
  stop(): Promise<void>;
}

/** Permitted keys, as usage_report_params's `permit` tree; `true` = a scalar. */
type Permit = { [key: string]: true | Permit | 'countries' };
const NAMES: Permit = { name: true, value: true };
const TYPES: Permit = { type: true, value: true };
const HEADER: Permit = {
  'report-name': true,
  'report-id': true,
  release: true,
  created: true,
  'created-by': true,
  'report-attributes': NAMES,
  'report-filters': NAMES,
  'reporting-period': { 'end-date': true, 'begin-date': true },
  exceptions: { message: true, severity: true, data: true, code: true, 'help-url': true },
};
const DATASET: Permit = {
  'dataset-title': true,
  yop: true,
  uri: true,
  platform: true,
  'data-type': true,
  publisher: true,
  'publisher-id': TYPES,
  'dataset-dates': TYPES,
  performance: {
    period: { 'end-date': true, 'begin-date': true },
    instance: { 'access-method': true, 'metric-type': true, count: true, 'country-counts': 'countries' },
  },
  'dataset-contributors': TYPES,
  'dataset-attributes': TYPES,
  'dataset-id': TYPES,
};

/** The first unpermitted key under `value` (Rails names the key only), or null. */
export function unpermitted(value: unknown, permit: Permit | 'countries', where: string): string | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const bad = unpermitted(v, permit, where);
      if (bad) return bad;
    }
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    if (permit === 'countries') {
      if (!HUB_COUNTRY_CODES.has(k)) return `${where}.${k}`;
      continue;
    }
    const p = permit[k];
    if (p === undefined) return `${where}.${k}`;
    if (p !== true) {
      const bad = unpermitted(v, p, `${where}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function decode(raw: Buffer, encoding: string | null): Record<string, unknown> {
  let text: string;
  try {
    text = (encoding === 'gzip' ? zlib.gunzipSync(raw) : encoding === 'deflate' ? zlib.inflateSync(raw) : raw).toString('utf8');
  } catch (err) {
    throw new Refusal(422, `body is not ${encoding}: ${(err as Error).message}`);
  }
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new Refusal(422, 'You need to provide a payload following the SUSHI specification');
}

const MONTH = (d: unknown): string => (typeof d === 'string' ? d.slice(5, 7) : '');

/** The checks sashimi makes on a dataset report; throws a 422 Refusal. */
export function checkReport(body: Record<string, unknown>, creating: boolean): void {
  const header = body['report-header'] as Record<string, unknown> | undefined;
  if (!header || typeof header !== 'object') throw new Refusal(422, 'You need to provide a payload following the SUSHI specification');
  const period = (header['reporting-period'] ?? {}) as Record<string, unknown>;
  if (MONTH(period['begin-date']) !== MONTH(period['end-date'])) {
    throw new Refusal(422, 'Reports are monthly, reporting dates need to be within the same month');
  }
  if (header.release !== 'rd1' || !Array.isArray(body['report-datasets']) || !body['report-datasets'].length) {
    throw new Refusal(422, 'Report protocol is incorrect');
  }
  const bad = unpermitted(header, HEADER, 'report-header') ?? unpermitted(body['report-datasets'], DATASET, 'report-datasets');
  if (bad) throw new Refusal(422, `found unpermitted parameter: ${bad}`);
  if (creating && !/^[-._;()/:a-zA-Z0-9*~$=]+$/.test(String(header['created-by'] ?? ''))) {
    throw new Refusal(422, 'Created by is invalid');
  }
  const errors = validateDsr(body);
  if (errors.length) throw new Refusal(422, `Validate sushi ${errors.join('; ')}`);
}

export async function startLocalHub(tokens: readonly string[]): Promise<LocalHub> {
  const reports = new Map<string, StoredReport>();
  const requests: HubRequest[] = [];
  let failures = 0;
  let failStatus = 503;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const send = (status: number, json: unknown): void => {
        requests.push({
          method: req.method ?? '',
          path,
          contentEncoding: req.headers['content-encoding'] ?? null,
          contentType: req.headers['content-type'] ?? null,
          status,
        });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      try {
        if (failures > 0) {
          failures--;
          throw new Refusal(failStatus, 'Service Unavailable');
        }
        const token = String(req.headers.authorization ?? '').split(/\s+/).pop() ?? '';
        if (!tokens.includes(token)) throw new Refusal(401, 'You are not authorized to access this resource.');
        const put = /^\/reports\/([0-9a-f-]{36})$/.exec(path);
        if (req.method === 'GET' && put && reports.has(put[1])) return send(200, { report: { id: put[1], ...reports.get(put[1])!.body } });
        if (!((req.method === 'POST' && path === '/reports') || (req.method === 'PUT' && put))) throw new Refusal(404, 'The resource you are looking for doesn\u2019t exist.');
        const body = decode(Buffer.concat(chunks), req.headers['content-encoding'] ?? null);
        const existing = put ? reports.get(put[1]) : undefined;
        checkReport(body, !existing);
        const header = body['report-header'] as Record<string, unknown>;
        if (put) {
          reports.set(put[1], { id: put[1], clientId: token, body });
          return send(existing ? 200 : 201, { report: { id: put[1], ...body } });
        }
        const begin = String((header['reporting-period'] as Record<string, unknown>)['begin-date']).slice(0, 7);
        const same = [...reports.values()].find(
          (r) =>
            r.clientId === token &&
            (r.body['report-header'] as Record<string, unknown>)['created-by'] === header['created-by'] &&
            String(((r.body['report-header'] as Record<string, unknown>)['reporting-period'] as Record<string, unknown>)['begin-date']).slice(0, 7) === begin,
        );
        if (same) return send(201, { report: { id: same.id, ...same.body } });
        const id = randomUUID();
        reports.set(id, { id, clientId: token, body });
        return send(201, { report: { id, ...body } });
      } catch (err) {
        const status = err instanceof Refusal ? err.status : 500;
        return send(status, { errors: [{ status: String(status), title: (err as Error).message }] });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/reports`,
    reports,
    requests,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
