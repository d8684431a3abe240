import type { Caller } from '../auth/caller';
import type { Loaders } from '../loaders/create-loaders';
import type { Services } from '../services';

/** What every resolver receives: who is calling, this request's loaders, the domain services. */
export interface GatewayContext {
  caller: Caller;
  loaders: Loaders;
  services: Services;
}
