/**
 * Stable `extensions.code` values. Clients branch on these; never rename one.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNKNOWN_RESOURCE: 'UNKNOWN_RESOURCE',
  UNKNOWN_USER: 'UNKNOWN_USER',
  UNKNOWN_REFERENCE: 'UNKNOWN_REFERENCE',
  INVALID_TIMESTAMP: 'INVALID_TIMESTAMP',
  INVALID_EVENT_ID: 'INVALID_EVENT_ID',
  DUPLICATE_IN_REQUEST: 'DUPLICATE_IN_REQUEST',
  /** A retry reused an eventId with different content than the stored event. Not counted. */
  EVENT_ID_CONFLICT: 'EVENT_ID_CONFLICT',
  TOO_MANY_EVENTS: 'TOO_MANY_EVENTS',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The operation's cost (src/graphql/cost.ts) exceeds MAX_QUERY_COST. HTTP 400. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The request ran past REQUEST_TIMEOUT_MS; its remaining work was not started. HTTP 504. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** The request's headers or body did not arrive within HEADERS_TIMEOUT_MS / BODY_READ_TIMEOUT_MS. HTTP 408; the connection is closed. */
  REQUEST_READ_TIMEOUT: 'REQUEST_READ_TIMEOUT',
  /** A rate limit or an event / registration budget is exhausted. HTTP 429 with Retry-After. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The Authorization or X-API-Key header is not `Bearer <key>` / `<key>`. HTTP 401. */
  INVALID_AUTHORIZATION: 'INVALID_AUTHORIZATION',
  /** Malformed HTTP request (bad JSON, bad parameters of the transport). HTTP 400. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Unsupported charset or Content-Encoding. HTTP 415. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** An automatic persisted query whose sha256Hash does not match its query. HTTP 400. */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  /** Request line or headers too large. HTTP 431. */
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  /** More items than MAX_CATALOG_BATCH in one catalog upsert. */
  BATCH_TOO_LARGE: 'BATCH_TOO_LARGE',
  /** An id outside the shared id alphabet (src/domain/ids.ts). */
  INVALID_ID: 'INVALID_ID',
  /** A text, number, URL or date outside its accepted range. */
  VALUE_OUT_OF_RANGE: 'VALUE_OUT_OF_RANGE',
  /** Collection parents that would form a cycle. */
  COLLECTION_CYCLE: 'COLLECTION_CYCLE',
  /** A reuse with the same normalised URL is already registered for one of the datasets; `extensions.reuseId` names it. */
  DUPLICATE_REUSE: 'DUPLICATE_REUSE',
} as const;

export type ErrorCodeName = (typeof ErrorCode)[keyof typeof ErrorCode];
