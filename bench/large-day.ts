/**
 * The busiest day a large portal has: `events` views of one UTC day, stored
 * through the real ingestion service by a process whose aggregator never
 * runs, then a gateway started on that database with nothing in memory
 * (as after a restart). Measured: the first aggregation of the whole day,
 * a new event counted after it, `recount --since` and `recount --rebuild`,
 * each with its time and this process's peak resident memory above what it
 * held before the step.
 *
 * Before the fix (3a14d53) the first pass after a restart overflowed the
 * stack past ~125,000 events and every later pass, recount and rebuild
 * failed the same way.
 */
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/gateway';
import { connectStore, ensureIndexes } from '../src/store/store';
import { createServices } from '../src/services';
import type { Caller } from '../src/domain/caller';
import type { TrackEventInput } from '../src/domain/tracking';
import { Visibility } from '../src/domain/resources';
import { withCpu } from './cpu';

const SEEDER: Caller = { kind: 'user', userId: 'bench-seed', role: 'ADMIN', automated: false, spaceIds: [] };
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0';

type Row = (...cells: (string | number)[]) => void;

/** Peak RSS above the level at the start, MB, sampled every 50 ms while `fn` runs. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMb: (peak - base) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export async function benchLargeDay(uri: string, dbPid: number, dbName: string, events: number, row: Row): Promise<void> {
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  // 200 datasets, visitors by cookie (one in three comes back within the
  // hour: double clicks and sessions are exercised), a tenth by machines.
  const event = (i: number): TrackEventInput =>
    ({
      resourceType: 'DATASET',
      resourceId: `ld-${i % 200}`,
      action: i % 5 === 0 ? 'DOWNLOAD' : 'VIEW',
      eventId: `ld-${i}`,
      userCookie: `visitor-${Math.floor(i / 3)}`,
      userAgent: i % 10 === 0 ? 'python-requests/2.31' : UA,
      timestamp: new Date(dayStart + Math.floor((i / events) * 86_000_000)),
    }) as unknown as TrackEventInput;

  const store = await connectStore({ uri, dbName, maxPoolSize: 4 });
  await ensureIndexes(store);
  const services = createServices(store, loadConfig({ MONGODB_URI: 'mongodb://unused', DEMO_DATA: 'false', MAX_EVENTS_PER_REQUEST: '5000' }));
  await services.catalogWriter.portals([{ _id: 'p', name: 'Portal', url: null }]);
  await services.catalogWriter.datasets(
    Array.from({ length: 200 }, (_, d) => ({
      _id: `ld-${d}`, title: `Dataset ${d}`, description: null, portalId: 'p', ownerId: null, spaceIds: [], collectionIds: [],
      themeIds: [], licence: 'ODbL', publisher: 'Org', published: true, visibility: Visibility.PUBLIC, recordCount: 10,
    })),
  );
  const stored = await withCpu(dbPid, async () => {
    for (let i = 0; i < events; i += 5000) {
      await services.ingest.track(Array.from({ length: Math.min(5000, events - i) }, (_, j) => event(i + j)), SEEDER);
    }
  });
  await store.client.close();
  row('large day', `${events.toLocaleString('en')} events of one UTC day stored (ingestion service, aggregator stopped)`, `${events} events`, `${(stored.ms / 1000).toFixed(0)} s`, '');

  const gw = await startGateway(
    loadConfig({ MONGODB_URI: uri, MONGODB_DB: dbName, DEMO_DATA: 'false', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MONGODB_MAX_POOL_SIZE: '4' }),
    { logger: pino({ level: 'silent' }) },
  );
  try {
    const first = await withPeakRss(() => withCpu(dbPid, () => gw.services.aggregator.settle(3_600_000)));
    row('large day', 'restart: the first aggregation of the whole day (nothing in memory)', `${events} events`,
      `${(first.value.ms / 1000).toFixed(0)} s; DB ${first.value.dbCpu.toFixed(0)} s; peak +${first.peakMb.toFixed(0)} MB RSS`, `${((first.peakMb * 2 ** 20) / events).toFixed(0)} B/event`);

    // One event today and one late event of the large day (whose tally
    // the first aggregation left in memory).
    const next = await withCpu(dbPid, async () => {
      await gw.services.ingest.track([{ ...event(events), timestamp: new Date() } as TrackEventInput, event(events + 1)], SEEDER);
      await gw.services.aggregator.settle(600_000);
    });
    row('large day', 'then a new event and a late one of the large day: stored and counted', '2 events', `${next.ms.toFixed(0)} ms`, '');

    const recount = await withPeakRss(() => withCpu(dbPid, () => gw.services.aggregator.recount({ sinceDay: day })));
    row('large day', `recount --since ${day} (the gateway serving)`, `${recount.value.value.events} events`,
      `${(recount.value.ms / 1000).toFixed(0)} s; DB ${recount.value.dbCpu.toFixed(0)} s; peak +${recount.peakMb.toFixed(0)} MB RSS`, '');
    const rebuild = await withPeakRss(() => withCpu(dbPid, () => gw.services.aggregator.rebuildAll()));
    row('large day', 'recount --rebuild', `${rebuild.value.value.events} events`,
      `${(rebuild.value.ms / 1000).toFixed(0)} s; DB ${rebuild.value.dbCpu.toFixed(0)} s; peak +${rebuild.peakMb.toFixed(0)} MB RSS`, '');
  } finally {
    await gw.stop();
  }
}
