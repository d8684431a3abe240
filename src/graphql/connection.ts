/**
 * Relay connections (`<Name>Connection`, `<Name>Edge`, `PageInfo`) and the
 * paging helpers that build them: by `_id` (catalog lists) and by sort key
 * over a sorted row source (the usage reports and the usage table).
 *
 * @packageDocumentation
 */
import { setImmediate } from 'node:timers/promises';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { compareKeys, type SortKey } from '../reports/report-order';

@ObjectType({ description: 'Relay-style page information.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds `<Name>Connection` and `<Name>Edge` types for a node type. */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  // Abstract: only the named subclasses become schema types.
  @ObjectType()
  abstract class ConnectionClass implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Items matching the filter, all pages together.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor == null) return null;
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('id:')) throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'invalid cursor');
  return raw.slice(3);
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return n;
}

/** A connection from a page the database already cut. */
export function connectionFromPage<T extends { _id: string }>(
  nodes: T[],
  hasNextPage: boolean,
  totalCount: number,
): ConnectionShape<T> {
  return {
    edges: nodes.map((n) => ({ cursor: encodeCursor(n._id), node: n })),
    nodes,
    pageInfo: { hasNextPage, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]._id) : null },
    totalCount,
  };
}

/** A connection over a list already in memory (sorted by `_id` here). */
export function connectionFromArray<T extends { _id: string }>(
  all: readonly T[],
  first: number | null | undefined,
  after: string | null | undefined,
): ConnectionShape<T> {
  const n = pageSize(first);
  const sorted = [...all].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  const afterId = decodeCursor(after);
  const start = afterId == null ? 0 : sorted.findIndex((d) => d._id > afterId);
  const from = start < 0 ? sorted.length : start;
  const nodes = sorted.slice(from, from + n);
  return connectionFromPage(nodes, from + n < sorted.length, sorted.length);
}

const REPORT_CURSOR_PREFIX = 'rk:';

/** Keyset cursor of a sorted row source: the sort key of the last row seen. */
export function encodeReportCursor(key: SortKey): string {
  return Buffer.from(REPORT_CURSOR_PREFIX + JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeReportCursor(cursor: string | null | undefined): SortKey | null {
  if (cursor === null || cursor === undefined) return null;
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (raw.startsWith(REPORT_CURSOR_PREFIX)) {
    try {
      const key: unknown = JSON.parse(raw.slice(REPORT_CURSOR_PREFIX.length));
      if (Array.isArray(key) && key.length > 0 && key.length <= 8 && key.every((k) => typeof k === 'string' || typeof k === 'number')) {
        return key as SortKey;
      }
    } catch {
      /* falls through */
    }
  }
  throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'invalid cursor');
}

/** Rows counted between two yields of the event loop in {@link pageRows}. */
const YIELD_EVERY_ROWS = 2000;

/**
 * One page of a sorted row source: the rows whose key comes after `after`,
 * at most `first` of them. The source is read to the end to count
 * `totalCount`; only the page is kept. `keyOf` must be the key of the order
 * the source is sorted in (reports/report-order.ts).
 */
export async function pageRows<R>(
  rows: AsyncIterable<R>,
  keyOf: (r: R) => SortKey,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<ConnectionShape<R>> {
  const n = pageSize(first);
  const afterKey = decodeReportCursor(after);
  const nodes: R[] = [];
  let totalCount = 0;
  let hasNextPage = false;
  for await (const r of rows) {
    totalCount++;
    // A source of rows already in memory would otherwise hold the event loop to its end.
    if (totalCount % YIELD_EVERY_ROWS === 0) await setImmediate();
    if (afterKey !== null && compareKeys(keyOf(r), afterKey) <= 0) continue;
    if (nodes.length < n) nodes.push(r);
    else hasNextPage = true;
  }
  const edges = nodes.map((node) => ({ cursor: encodeReportCursor(keyOf(node)), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}
