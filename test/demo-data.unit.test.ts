import { createTrafficClassifier } from '../src/counting/classify';
import { loadAgentLists } from '../src/counting/agent-lists';

const LISTS = loadAgentLists();
const CLASSIFIER = createTrafficClassifier({ robotList: LISTS.robots, machineList: LISTS.machines });
/** On the COUNTER-Robots list (and on no machine list). */
const isbot = (ua: string): boolean => CLASSIFIER.classify(ua) === 'robot';
import { generateDemoData, type DemoData } from '../src/demo/demo-data';
import { AccessAction, ResourceType, Visibility } from '../src/domain/resources';
import type { TrackEventInput } from '../src/domain/tracking';

const NOW = new Date('2023-01-15T10:20:30.456Z');
const DAY_MS = 86_400_000;
const THEME_NAMES = [
  'Social', 'Citoyenneté', 'Equipements', 'Economie', 'Urbanisme', 'Tourisme',
  'Finance', 'Administratif', 'Environnement', 'Mobilité', 'Culture', 'Santé',
];

function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

/** Depth of each collection (roots = 1); throws on a cycle. */
function collectionDepths(data: DemoData): Map<string, number> {
  const byId = new Map(data.collections.map((c) => [c._id, c] as const));
  const depths = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`cycle through ${id}`);
    visiting.add(id);
    const c = byId.get(id);
    if (!c) throw new Error(`unknown collection ${id}`);
    const d = 1 + Math.max(0, ...c.parentCollectionIds.map(depth));
    visiting.delete(id);
    depths.set(id, d);
    return d;
  };
  for (const c of data.collections) depth(c._id);
  return depths;
}

/**
 * Every reference in the data points at something that exists, and every
 * date rule holds. Returns the problems found: one `expect` on the list keeps
 * the check fast (6,000 events) and the failure message readable.
 */
function integrityProblems(data: DemoData, now: Date): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  const ids = (xs: readonly { _id: string }[]): Set<string> => new Set(xs.map((x) => x._id));
  const portals = ids(data.portals);
  const themes = ids(data.themes);
  const users = new Map(data.users.map((u) => [u._id, u] as const));
  const spaces = ids(data.spaces);
  const collections = new Map(data.collections.map((c) => [c._id, c] as const));
  const datasets = new Map(data.datasets.map((d) => [d._id, d] as const));
  const files = new Map(data.files.map((f) => [f._id, f] as const));
  const nowMs = now.getTime();
  const wholeSecond = (d: Date): boolean => d.getTime() % 1000 === 0;

  const lists: [string, readonly { _id: string }[]][] = [
    ['portals', data.portals], ['themes', data.themes], ['users', data.users], ['spaces', data.spaces],
    ['collections', data.collections], ['datasets', data.datasets], ['files', data.files], ['reuses', data.reuses],
  ];
  for (const [name, list] of lists) check(ids(list).size === list.length, `duplicate ids in ${name}`);
  for (const sp of data.spaces) for (const m of sp.memberIds) check(users.has(m), `${sp._id}: member ${m}`);
  for (const c of data.collections) {
    for (const p of c.parentCollectionIds) check(collections.has(p), `${c._id}: parent ${p}`);
    for (const s of c.spaceIds) check(spaces.has(s), `${c._id}: space ${s}`);
    if (c.ownerId) check(users.has(c.ownerId), `${c._id}: owner ${c.ownerId}`);
    check(wholeSecond(c.createdAt) && c.createdAt.getTime() <= nowMs, `${c._id}: createdAt`);
  }
  try {
    collectionDepths(data);
  } catch (e) {
    problems.push(String(e));
  }
  for (const d of data.datasets) {
    check(portals.has(d.portalId), `${d._id}: portal ${d.portalId}`);
    if (d.ownerId) check(users.has(d.ownerId), `${d._id}: owner ${d.ownerId}`);
    for (const s of d.spaceIds) check(spaces.has(s), `${d._id}: space ${s}`);
    for (const c of d.collectionIds) check(collections.has(c), `${d._id}: collection ${c}`);
    for (const t of d.themeIds) check(themes.has(t), `${d._id}: theme ${t}`);
    check(new Set(d.themeIds).size === d.themeIds.length, `${d._id}: duplicate themes`);
    check(d.createdAt.getTime() >= nowMs - 3 * 365 * DAY_MS, `${d._id}: created too early`);
    check(d.createdAt <= d.modifiedAt && d.modifiedAt.getTime() <= nowMs, `${d._id}: modifiedAt`);
    check(wholeSecond(d.createdAt) && wholeSecond(d.modifiedAt), `${d._id}: fractional seconds`);
  }
  for (const f of data.files) {
    check(f.datasetIds.length >= 1, `${f._id}: no dataset`);
    for (const id of f.datasetIds) {
      const d = datasets.get(id);
      check(d !== undefined, `${f._id}: dataset ${id}`);
      if (d) check(f.createdAt >= d.createdAt, `${f._id}: created before ${id}`);
    }
    check(wholeSecond(f.createdAt) && f.createdAt.getTime() <= nowMs, `${f._id}: createdAt`);
    check(Number.isInteger(f.sizeBytes) && f.sizeBytes > 0, `${f._id}: sizeBytes`);
  }
  for (const r of data.reuses) {
    for (const id of r.datasetIds) check(datasets.has(id), `${r._id}: dataset ${id}`);
    if (r.authorId !== null) check(users.get(r.authorId)?.role === 'USER', `${r._id}: author ${r.authorId}`);
    check(r.createdAt.getTime() <= nowMs, `${r._id}: createdAt`);
  }

  const start = nowMs - 365 * DAY_MS;
  let previous = -Infinity;
  data.events.forEach((e, i) => {
    const tag = e.eventId;
    check(e.eventId === `demo-${String(i + 1).padStart(6, '0')}`, `event #${i}: id ${e.eventId}`);
    const t = e.timestamp.getTime();
    check(t >= start && t < nowMs, `${tag}: timestamp outside [now - 365 d, now)`);
    check(wholeSecond(e.timestamp), `${tag}: fractional seconds`);
    check(t >= previous, `${tag}: not sorted`);
    previous = t;
    const created =
      e.resourceType === ResourceType.DATASET
        ? datasets.get(e.resourceId)?.createdAt
        : e.resourceType === ResourceType.FILE
          ? files.get(e.resourceId)?.createdAt
          : collections.get(e.resourceId)?.createdAt;
    check(created !== undefined, `${tag}: unknown ${e.resourceType} ${e.resourceId}`);
    // Nobody uses a resource before it exists.
    if (created) check(t >= created.getTime(), `${tag}: before ${e.resourceId} existed`);
    if (e.resourceType === ResourceType.COLLECTION) check(e.action === AccessAction.VIEW, `${tag}: collection ${e.action}`);
    if (e.userId != null) check(users.get(e.userId)?.role === 'USER', `${tag}: user ${e.userId}`);
    check(/^(192\.0\.2|198\.51\.100)\.\d{1,3}$/.test(e.ipAddress ?? ''), `${tag}: ip ${e.ipAddress}`);
  });
  return problems;
}

describe('generateDemoData', () => {
  let data: DemoData;

  // No timed assertion here: tests run on a busy machine (the generator took
  // 1.3 s under load against a 1 s limit); speed is the benchmarks' business.
  beforeAll(() => {
    data = generateDemoData({ now: NOW });
  });

  it('is deterministic and depends on the seed', () => {
    expect(generateDemoData({ now: NOW })).toEqual(data);
    expect(generateDemoData({ now: NOW, seed: 2022 })).toEqual(data);
    const other = generateDemoData({ now: NOW, seed: 7 });
    expect(other).not.toEqual(data);
    expect(other.datasets.map((d) => d.title)).not.toEqual(data.datasets.map((d) => d.title));
  });

  it('does not depend on the wall clock', () => {
    // Same `now`, different Date instance: identical output.
    expect(generateDemoData({ now: new Date(NOW.getTime()), eventCount: 200, datasetCount: 40 })).toEqual(
      generateDemoData({ now: NOW, eventCount: 200, datasetCount: 40 }),
    );
  });

  it('has the stated counts', () => {
    expect(data.portals.map((p) => p._id)).toEqual(['rennes-metropole', 'brest-metropole', 'datagouv']);
    expect(data.themes).toHaveLength(12);
    expect(data.themes.map((t) => t.name).sort()).toEqual([...THEME_NAMES].sort());
    expect(data.users.length).toBeGreaterThanOrEqual(35);
    expect(data.users.length).toBeLessThanOrEqual(45);
    expect(data.spaces.length).toBeGreaterThanOrEqual(6);
    expect(data.spaces.length).toBeLessThanOrEqual(10);
    expect(data.collections.length).toBeGreaterThanOrEqual(25);
    expect(data.collections.length).toBeLessThanOrEqual(35);
    expect(data.datasets).toHaveLength(300);
    expect(data.datasets[0]?._id).toBe('ds-0001');
    expect(data.datasets[299]?._id).toBe('ds-0300');
    expect(data.files[0]?._id).toBe('f-00001');
    expect(data.reuses.length).toBeGreaterThanOrEqual(50);
    expect(data.reuses.length).toBeLessThanOrEqual(70);
    expect(data.events).toHaveLength(6000);
    // Events can be fed to the tracking input as they are (compile-time check).
    const asInput: readonly TrackEventInput[] = data.events;
    expect(asInput).toBe(data.events);
  });

  it('has the expected accounts', () => {
    const admins = data.users.filter((u) => u.role === 'ADMIN');
    expect(admins.map((u) => u._id)).toEqual(['u-admin']);
    const trackers = data.users.filter((u) => u.role === 'TRACKER');
    expect(trackers.map((u) => u._id).sort()).toEqual(data.portals.map((p) => `svc-${p._id}`).sort());
    expect(trackers.every((u) => !u.automated)).toBe(true);
    const automated = data.users.filter((u) => u.automated);
    expect(automated).toHaveLength(2);
    expect(automated.every((u) => u.role === 'USER')).toBe(true);
  });

  it('keeps referential integrity (defaults, another seed, a tiny catalog)', () => {
    expect(integrityProblems(data, NOW)).toEqual([]);
    expect(integrityProblems(generateDemoData({ now: NOW, seed: 99 }), NOW)).toEqual([]);
    // A `now` on a whole second: the last event must still be strictly before it.
    const roundNow = new Date('2024-08-20T00:00:00.000Z');
    expect(integrityProblems(generateDemoData({ now: roundNow, seed: 5, datasetCount: 1, eventCount: 300 }), roundNow)).toEqual([]);
  });

  it('nests collections up to 3 levels, some with two parents', () => {
    const depths = [...collectionDepths(data).values()];
    expect(Math.max(...depths)).toBe(3);
    expect(depths.filter((d) => d === 1).length).toBeGreaterThan(0);
    expect(data.collections.some((c) => c.parentCollectionIds.length === 2)).toBe(true);
    expect(data.collections.some((c) => c.spaceIds.length > 0)).toBe(true);
  });

  it('gives datasets a realistic mix of attributes', () => {
    const ds = data.datasets;
    expect(share(ds, (d) => d.published)).toBeGreaterThan(0.75);
    expect(share(ds, (d) => d.published)).toBeLessThan(0.95);
    expect(share(ds, (d) => d.visibility === Visibility.PRIVATE)).toBeGreaterThan(0.1);
    expect(share(ds, (d) => d.visibility === Visibility.PRIVATE)).toBeLessThan(0.3);
    expect(ds.some((d) => d.publisher === null)).toBe(true);
    expect(ds.some((d) => d.licence === null)).toBe(true);
    expect(share(ds, (d) => d.licence === 'Licence Ouverte v2.0' || d.licence === 'ODbL')).toBeGreaterThan(0.7);
    expect(ds.some((d) => d.themeIds.length === 0)).toBe(true);
    expect(ds.every((d) => d.themeIds.length <= 3 && d.spaceIds.length <= 2 && d.collectionIds.length <= 2)).toBe(true);
    expect(ds.every((d) => d.recordCount >= 0 && d.recordCount <= 2_000_000 && Number.isInteger(d.recordCount))).toBe(true);
    expect(Math.max(...ds.map((d) => d.recordCount))).toBeGreaterThan(100_000);
    // Private data lives in a space, so someone besides the owner can see it.
    expect(ds.filter((d) => d.visibility === Visibility.PRIVATE).every((d) => d.spaceIds.length > 0)).toBe(true);
  });

  it('attaches 1–4 files per dataset, a few shared', () => {
    const home = new Map<string, number>();
    for (const f of data.files) home.set(f.datasetIds[0] ?? '', (home.get(f.datasetIds[0] ?? '') ?? 0) + 1);
    for (const d of data.datasets) {
      expect(home.get(d._id)).toBeGreaterThanOrEqual(1);
      expect(home.get(d._id)).toBeLessThanOrEqual(4);
    }
    const shared = data.files.filter((f) => f.datasetIds.length === 2);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(data.files.length * 0.05);
    const types = new Set(data.files.map((f) => f.contentType));
    expect(types).toEqual(
      new Set(['text/csv', 'application/json', 'application/vnd.ms-excel', 'application/geo+json', 'application/pdf']),
    );
    expect(data.files.every((f) => /^[a-z0-9-]+\.(csv|json|xls|geojson|pdf)$/.test(f.title))).toBe(true);
  });

  it('bases reuses on 1–3 datasets, favouring popular ones', () => {
    for (const r of data.reuses) {
      expect(r.datasetIds.length).toBeGreaterThanOrEqual(1);
      expect(r.datasetIds.length).toBeLessThanOrEqual(3);
      expect(new Set(r.datasetIds).size).toBe(r.datasetIds.length);
    }
    const perDataset = new Map<string, number>();
    for (const r of data.reuses) for (const id of r.datasetIds) perDataset.set(id, (perDataset.get(id) ?? 0) + 1);
    // Heavy tail: the most reused dataset is reused several times.
    expect(Math.max(...perDataset.values())).toBeGreaterThanOrEqual(3);
  });

  it('mixes resource types and actions like a portal', () => {
    const ev = data.events;
    const datasetShare = share(ev, (e) => e.resourceType === ResourceType.DATASET);
    expect(datasetShare).toBeGreaterThan(share(ev, (e) => e.resourceType === ResourceType.FILE));
    expect(datasetShare).toBeGreaterThan(0.4);
    expect(ev.some((e) => e.resourceType === ResourceType.COLLECTION)).toBe(true);
    const fileEvents = ev.filter((e) => e.resourceType === ResourceType.FILE);
    expect(share(fileEvents, (e) => e.action === AccessAction.DOWNLOAD)).toBeGreaterThan(0.8);
    expect(ev.some((e) => e.action === AccessAction.API_CALL)).toBe(true);
    const withUser = share(ev, (e) => e.userId != null);
    expect(withUser).toBeGreaterThan(0.3);
    expect(withUser).toBeLessThan(0.5);
  });

  it('mixes browsers, robots and scripts', () => {
    const ev = data.events;
    const robots = share(ev, (e) => e.userAgent.startsWith('Mozilla/') && isbot(e.userAgent));
    const machines = share(ev, (e) => !e.userAgent.startsWith('Mozilla/'));
    expect(robots).toBeGreaterThan(0.04);
    expect(robots).toBeLessThan(0.14);
    expect(machines).toBeGreaterThan(0.04);
    expect(machines).toBeLessThan(0.14);
    // Browser agents are real ones, which the COUNTER-Robots list lets through.
    const browsers = ev.filter((e) => e.userAgent.startsWith('Mozilla/') && !isbot(e.userAgent));
    expect(browsers.length / ev.length).toBeGreaterThan(0.7);
    // Crawlers only see public, published datasets.
    const restricted = new Set(
      data.datasets.filter((d) => !d.published || d.visibility === Visibility.PRIVATE).map((d) => d._id),
    );
    expect(ev.filter((e) => isbot(e.userAgent) && restricted.has(e.resourceId))).toHaveLength(0);
  });

  it('has heavy-tailed popularity', () => {
    const counts = new Map<string, number>();
    for (const e of data.events) {
      if (e.resourceType === ResourceType.DATASET) counts.set(e.resourceId, (counts.get(e.resourceId) ?? 0) + 1);
    }
    expect(counts.size).toBeLessThan(data.datasets.length); // some datasets get nothing
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top = sorted.slice(0, Math.ceil(data.datasets.length * 0.1)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.5);
  });

  it('follows the calendar: quiet August, light weekends', () => {
    const human = data.events.filter((e) => !isbot(e.userAgent));
    const perMonth = new Array<number>(12).fill(0);
    let weekend = 0;
    let weekday = 0;
    for (const e of human) {
      const m = e.timestamp.getUTCMonth();
      perMonth[m] = (perMonth[m] ?? 0) + 1;
      const dow = e.timestamp.getUTCDay();
      if (dow === 0 || dow === 6) weekend++;
      else weekday++;
    }
    // NOW is mid-January: February–December are whole months in the window.
    const daysIn = (m: number): number => new Date(Date.UTC(2022, m + 1, 0)).getUTCDate();
    const rate = (m: number): number => (perMonth[m] ?? 0) / daysIn(m);
    const others = [1, 2, 3, 4, 5, 8, 9, 10].map(rate);
    expect(rate(7)).toBeLessThan(0.75 * (others.reduce((a, b) => a + b, 0) / others.length));
    expect(weekend / 2).toBeLessThan(0.7 * (weekday / 5));
  });

  it('rejects invalid options', () => {
    expect(() => generateDemoData({ now: new Date(Number.NaN) })).toThrow(RangeError);
    expect(() => generateDemoData({ now: NOW, datasetCount: 0 })).toThrow(RangeError);
    expect(() => generateDemoData({ now: NOW, eventCount: -1 })).toThrow(RangeError);
    expect(() => generateDemoData({ now: NOW, eventCount: 1.5 })).toThrow(RangeError);
    expect(generateDemoData({ now: NOW, eventCount: 0 }).events).toEqual([]);
  });
});
