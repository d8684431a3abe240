import type { Logger } from 'pino';
import type { Services } from '../services';
import type { Caller } from '../domain/caller';
import { generateDemoData, type DemoOptions } from './demo-data';

/** The identity demo events are recorded under: an administrator may state any end user. */
const DEMO_LOADER: Caller = { kind: 'user', userId: 'u-admin', role: 'ADMIN', automated: false, spaceIds: [] };

export interface DemoLoadResult {
  loaded: boolean;
  /** A fresh admin key, when the demo was loaded now (shown once). */
  adminKey: string | null;
  events: number;
}

/**
 * Loads the demo catalog and its access history into an empty database,
 * once. A load interrupted half-way is resumed at the next start: catalog
 * writes are upserts and demo events carry fixed eventIds, so nothing is
 * counted twice.
 */
export async function loadDemoData(
  services: Services,
  now: Date,
  logger: Logger,
  options: Partial<Omit<DemoOptions, 'now'>> = {},
): Promise<DemoLoadResult> {
  const meta = services.store.db.collection<{ _id: string; state: string; at: Date }>('meta');
  const mark = await meta.findOne({ _id: 'demo' });
  if (mark?.state === 'done') return { loaded: false, adminKey: null, events: 0 };
  if (!mark && (await services.store.datasets.estimatedDocumentCount()) > 0) {
    return { loaded: false, adminKey: null, events: 0 };
  }
  await meta.updateOne({ _id: 'demo' }, { $set: { state: 'loading', at: new Date() } }, { upsert: true });
  const demo = generateDemoData({ ...options, now });
  const w = services.catalogWriter;
  await w.portals(demo.portals);
  await w.themes(demo.themes);
  await w.users(demo.users.map(({ createdAt: _c, ...u }) => u), now);
  await w.spaces(demo.spaces);
  await w.collections(demo.collections);
  await w.datasets(demo.datasets);
  await w.files(demo.files);
  await w.reuses(demo.reuses.map((r) => ({ ...r, modifiedAt: r.createdAt })));
  // The events go through the real ingestion path (validation, catalog
  // checks, classification, the event log); the figures are then built in
  // one bulk pass over the log rather than day by day.
  let recorded = 0;
  let lastProgress = Date.now();
  for (let i = 0; i < demo.events.length; i += 500) {
    const outcomes = await services.ingest.track(demo.events.slice(i, i + 500), DEMO_LOADER);
    recorded += outcomes.filter((o) => o.status === 'RECORDED').length;
    const rejected = outcomes.filter((o) => o.status === 'REJECTED');
    if (rejected.length) logger.warn({ rejected: rejected.slice(0, 3) }, 'demo events rejected');
    if (Date.now() - lastProgress > 1000) {
      lastProgress = Date.now();
      logger.info({ stored: i + 500, of: demo.events.length }, 'loading demo events');
    }
  }
  const built = await services.aggregator.rebuildAll();
  logger.info(built, 'demo figures built from the event log');
  const { key } = await services.auth.issueKey('u-admin', { label: 'demo admin key' });
  await meta.updateOne({ _id: 'demo' }, { $set: { state: 'done', at: new Date() } });
  logger.info({ datasets: demo.datasets.length, files: demo.files.length, events: recorded }, 'demo data loaded');
  return { loaded: true, adminKey: key, events: recorded };
}
