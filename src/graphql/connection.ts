import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

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
