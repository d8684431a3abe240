/**
 * Pure, deterministic demo data: a small French open-data landscape (three
 * portals, their organisations, a catalog of datasets, files and collections)
 * and a year of access events on it.
 *
 * The fixture tables (inspired by the "Observatoire open data des
 * territoires", see there) live in demo-fixtures.ts, the catalog builders in
 * demo-catalog.ts and the event builders in demo-events.ts; this module is
 * the entry point, its options and the shape of its output.
 *
 * No I/O, no clock, no `Math.random`: every value comes from `options.now`
 * and a seeded PRNG, so the same options always give deep-equal output
 * (demos, screenshots and tests stay reproducible).
 */
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc, SpaceDoc, ThemeDoc, UserDoc } from '../store/catalog.documents';
import { Visibility } from '../domain/resources';
import { buildCollections, buildDatasets, buildFiles, buildReuses, buildSpaces, buildUsers, type DemoReuse } from './demo-catalog';
import { buildEvents, zipfWeights, type DemoEvent } from './demo-events';
import { PORTALS, THEMES } from './demo-fixtures';
import { DAY_S, requireAt, type Clock } from './demo-helpers';
import { Rng } from './prng';

/** Everything `generateDemoData` produces. */
export interface DemoData {
  portals: PortalDoc[];
  themes: ThemeDoc[];
  users: UserDoc[];
  spaces: SpaceDoc[];
  collections: CollectionDoc[];
  datasets: DatasetDoc[];
  files: FileDoc[];
  reuses: DemoReuse[];
  /** Sorted by timestamp; ids `demo-000001`… in that order. */
  events: DemoEvent[];
}

/** Options of `generateDemoData`. */
export interface DemoOptions {
  /** PRNG seed (any integer; default 2022, the observatory's edition). */
  seed?: number;
  /** Reference time: catalog dates are ≤ now, events in [now − 365 d, now). */
  now: Date;
  /** Number of datasets (default 300, at least 1). */
  datasetCount?: number;
  /** Exact number of events (default 6000, at least 0). */
  eventCount?: number;
}

/** Default PRNG seed. */
export const DEFAULT_DEMO_SEED = 2022;
/** Default number of datasets. */
export const DEFAULT_DEMO_DATASET_COUNT = 300;
/** Default number of events. */
export const DEFAULT_DEMO_EVENT_COUNT = 6000;

/** Events cover this many days before `now`. */
const EVENT_WINDOW_DAYS = 365;
/** The catalog is at most this old. */
const CATALOG_AGE_DAYS = 3 * 365;

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/**
 * Generates a complete, self-consistent demo catalog and a year of access
 * events. Pure and deterministic: the same options give deep-equal output.
 *
 * Contents with the defaults: 3 portals, 12 themes, 40 users (1 ADMIN, 3
 * TRACKER service accounts `svc-<portal>`, 2 automated harvesters, 34 people),
 * 8 spaces, 30 collections nested 3 deep, `datasetCount` datasets (`ds-0001`…)
 * with 1–4 files each (`f-00001`…), 60 reuses, and exactly `eventCount`
 * events (`demo-000001`…, sorted by timestamp, all in [now − 365 d, now)).
 *
 * @throws RangeError if `now` is not a valid date or a count is invalid.
 */
export function generateDemoData(options: DemoOptions): DemoData {
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('now must be a valid date');
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  const datasetCount = checkCount('datasetCount', options.datasetCount ?? DEFAULT_DEMO_DATASET_COUNT, 1);
  const eventCount = checkCount('eventCount', options.eventCount ?? DEFAULT_DEMO_EVENT_COUNT, 0);

  const nowS = Math.floor(nowMs / 1000);
  const clock: Clock = {
    nowS,
    catalogStartS: nowS - CATALOG_AGE_DAYS * DAY_S,
    eventStartS: Math.ceil((nowMs - EVENT_WINDOW_DAYS * DAY_S * 1000) / 1000),
    eventEndS: Math.ceil(nowMs / 1000) - 1,
  };
  const rng = new Rng(seed);

  const users = buildUsers(rng, clock);
  const humans = users.filter((u) => u.role === 'USER' && !u.automated);
  const spaces = buildSpaces(rng, clock, humans);
  const collections = buildCollections(rng, clock, humans);
  const datasetMeta = buildDatasets(rng, clock, datasetCount, humans, collections);
  const datasets = datasetMeta.map((d) => d.doc);
  const files = buildFiles(rng, datasetMeta);
  // Zipf popularity with ~12% dormant datasets; drafts and private data are
  // seen by few people.
  const popularity = zipfWeights(rng, datasets.length, 1.05, 0.12).map((w, i) => {
    const d = requireAt(datasets, i);
    return w * (d.published ? 1 : 0.3) * (d.visibility === Visibility.PRIVATE ? 0.6 : 1);
  });
  const reuses = buildReuses(rng, clock, datasets, popularity, humans);
  const events = buildEvents(rng, clock, eventCount, { datasets, files, collections, spaces, humans, popularity });

  return {
    portals: PORTALS.map((p) => ({ ...p })),
    themes: THEMES.map((t) => ({ ...t })),
    users,
    spaces,
    collections,
    datasets,
    files,
    reuses,
    events,
  };
}
