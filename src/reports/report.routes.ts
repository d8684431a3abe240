import type express from 'express';
import type { Services } from '../services';
import type { Caller } from '../auth/caller';

/** CSV report endpoints under /api/reports (see docs/permissions.md). */
export function mountReports(
  _app: express.Express,
  _deps: { services: Services; resolveCaller: (req: express.Request) => Promise<Caller | 'invalid'> },
): void {
  // Filled in by the reports module.
}
