import type { Caller } from '../domain/caller';
import type { Loaders } from '../loaders/create-loaders';
import type { Services } from '../services';
import type { GatewayLimits } from '../http/rate-limits';

/** What every resolver receives: who is calling, this request's loaders, the domain services. */
export interface GatewayContext {
  caller: Caller;
  loaders: Loaders;
  services: Services;
  /**
   * Aborted when the request's time budget (REQUEST_TIMEOUT_MS) is spent or
   * the client went away: no resolver starts after that, and repositories may
   * pass it to driver calls as `signal`. Absent outside HTTP requests.
   */
  signal?: AbortSignal;
  /** Event, registration and batch budgets (src/http/rate-limits.ts). Absent outside HTTP requests. */
  limits?: GatewayLimits;
}
