import { dropKey, getKey } from './key-store';

/** Raised when the API refuses the key: the caller shows the message and the page reloads anonymously. */
export class InvalidKeyError extends Error {}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** The HTTP status, when the answer was not GraphQL (a proxy's 502, a 429…). */
    readonly status?: number,
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * POSTs to the public GraphQL endpoint, with the session's key if any. JSON
 * bodies are not "simple" requests, so Apollo's CSRF prevention accepts them.
 */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const key = getKey();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  let body: GraphQLResponse<T>;
  try {
    body = (await res.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`HTTP ${res.status}`, undefined, res.status);
  }
  const err = body.errors?.[0];
  if (key && (res.status === 401 || err?.extensions?.code === 'UNAUTHENTICATED')) {
    dropKey();
    throw new InvalidKeyError(err?.message ?? 'invalid key');
  }
  if (err || !body.data) throw new ApiError(err?.message ?? `HTTP ${res.status}`, err?.extensions?.code, res.status);
  return body.data;
}
