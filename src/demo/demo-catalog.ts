/**
 * Builds the demo catalog (users, spaces, collections, datasets, files,
 * reuses) from the fixture tables and a seeded PRNG. Every draw goes through
 * the one `Rng` passed in, in a fixed order: reordering calls changes the data.
 */
import type { CollectionDoc, DatasetDoc, FileDoc, SpaceDoc, UserDoc } from '../store/catalog.documents';
import type { ReuseDoc } from '../store/reuse.documents';
import { Visibility } from '../domain/resources';
import {
  COLLECTION_TREE,
  CSV,
  FIRST_NAMES,
  GEO_THEMES,
  GEOJSON,
  HARVESTERS,
  HUMAN_USER_COUNT,
  JSON_KIND,
  LAST_NAMES,
  LICENCES,
  ORGANISATIONS,
  PDF,
  PORTALS,
  REUSE_TITLES,
  SHARED_SPACE_IDS,
  SPACES,
  TEMPLATES,
  THEMES,
  XLS,
  type FileKind,
  type ThemeId,
} from './demo-fixtures';
import { DAY_S, dateOf, logUniform, pad, requireAt, secondBetween, seconds, slugify, type Clock } from './demo-helpers';
import { WeightedTable, type Rng } from './prng';

/**
 * A reuse of one or more datasets (an app, a map, an article, ...): 1–3
 * datasets biased toward the most used ones; author null when published by
 * an organisation. Stored as a ReuseDoc once `modifiedAt` is set.
 */
export type DemoReuse = Omit<ReuseDoc, 'modifiedAt'>;

/** Cap on file sizes: keeps them within a signed 32-bit GraphQL `Int`. */
const MAX_FILE_BYTES = 2_000_000_000;
const MAX_RECORDS = 2_000_000;

const PORTAL_NAMES: ReadonlyMap<string, string> = new Map(PORTALS.map((p) => [p._id, p.name] as const));

export function buildUsers(rng: Rng, clock: Clock): UserDoc[] {
  const early = (): Date => dateOf(secondBetween(rng, clock.catalogStartS, clock.catalogStartS + 60 * DAY_S));
  const users: UserDoc[] = [
    { _id: 'u-admin', name: 'Administrateur de la passerelle', email: 'admin@example.org', role: 'ADMIN', automated: false, createdAt: early() },
  ];
  // Tracker service accounts only send events on behalf of their portal:
  // they are not automated *users* of the data.
  for (const portal of PORTALS) {
    users.push({ _id: `svc-${portal._id}`, name: `Service de suivi ${portal.name}`, email: null, role: 'TRACKER', automated: false, createdAt: early() });
  }
  for (const h of HARVESTERS) {
    users.push({ _id: h._id, name: h.name, email: null, role: 'USER', automated: true, createdAt: early() });
  }
  const names = new Set<string>();
  while (names.size < HUMAN_USER_COUNT) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const key = `${first} ${last}`;
    if (names.has(key)) continue;
    names.add(key);
    users.push({
      _id: `u-${pad(names.size, 3)}`,
      name: key,
      email: `${slugify(first)}.${slugify(last)}@example.org`,
      role: 'USER',
      automated: false,
      createdAt: dateOf(secondBetween(rng, clock.catalogStartS, clock.nowS - 30 * DAY_S)),
    });
  }
  return users;
}

export function buildSpaces(rng: Rng, clock: Clock, humans: readonly UserDoc[]): SpaceDoc[] {
  return SPACES.map((spec) => ({
    _id: spec._id,
    name: spec.name,
    description: spec.description,
    memberIds: rng.sample(humans, rng.int(3, 8)).map((u) => u._id).sort(),
    createdAt: dateOf(secondBetween(rng, clock.catalogStartS, clock.catalogStartS + 365 * DAY_S)),
  }));
}

export function buildCollections(rng: Rng, clock: Clock, owners: readonly UserDoc[]): CollectionDoc[] {
  const out: CollectionDoc[] = [];
  COLLECTION_TREE.forEach((spec, i) => {
    const parentIdx = [spec.parent, spec.extraParent].filter((p): p is number => p !== undefined);
    const parents = parentIdx.map((p) => requireAt(out, p));
    // A child is created after its parents: the tree grows over time.
    const notBefore = Math.max(clock.catalogStartS, ...parents.map((p) => seconds(p.createdAt)));
    const spaceIds = spec.spaceId ? [spec.spaceId] : rng.chance(0.1) ? [rng.pick(SHARED_SPACE_IDS)] : [];
    out.push({
      _id: `col-${pad(i + 1, 2)}`,
      name: spec.name,
      description: rng.chance(0.7) ? `Sélection de jeux de données : ${spec.name.toLowerCase()}.` : null,
      ownerId: rng.chance(0.9) ? rng.pick(owners)._id : null,
      parentCollectionIds: parents.map((p) => p._id),
      spaceIds,
      createdAt: dateOf(secondBetween(rng, notBefore, Math.min(clock.nowS - 2 * DAY_S, notBefore + 200 * DAY_S))),
    });
  });
  return out;
}

/** Heavy-tailed record count: median ~100, a few in the millions, some empty. */
function recordCount(rng: Rng): number {
  if (rng.chance(0.04)) return 0;
  return Math.min(MAX_RECORDS, Math.floor(Math.exp(Math.log(MAX_RECORDS) * rng.float() ** 1.6)));
}

export interface DatasetMeta {
  doc: DatasetDoc;
  theme: ThemeId | null;
  /** Base of its files' names ("budget-primitif-2022"). */
  fileBase: string;
}

export function buildDatasets(
  rng: Rng,
  clock: Clock,
  count: number,
  humans: readonly UserDoc[],
  collections: readonly CollectionDoc[],
): DatasetMeta[] {
  const orgPairs = ORGANISATIONS.map((o) => [o, o.weight] as const);
  const collectionsByTheme = new Map<ThemeId, CollectionDoc[]>();
  COLLECTION_TREE.forEach((spec, i) => {
    const list = collectionsByTheme.get(spec.theme) ?? [];
    list.push(requireAt(collections, i));
    collectionsByTheme.set(spec.theme, list);
  });
  const themeIds = THEMES.map((t) => t._id as ThemeId);
  const out: DatasetMeta[] = [];
  for (let i = 1; i <= count; i++) {
    const org = rng.weighted(orgPairs);
    // Organisations mostly publish on their own themes, sometimes elsewhere.
    const theme: ThemeId = rng.chance(0.9) ? rng.pick(org.themes) : rng.pick(themeIds);
    const template = rng.pick(TEMPLATES[theme]);
    // At least two days old, so every dataset can receive events.
    const createdS = secondBetween(rng, clock.catalogStartS, clock.nowS - 2 * DAY_S);
    const modifiedS = rng.chance(0.25) ? createdS : secondBetween(rng, createdS, clock.nowS - 60);
    const createdYear = dateOf(createdS).getUTCFullYear();
    const yearSuffix = template.yearly ? ` ${createdYear - rng.int(0, 1)}` : '';
    const baseTitle = `${template.title}${yearSuffix}`;
    const title = rng.chance(0.55) ? `${baseTitle} — ${org.place}` : baseTitle;

    // Themes: usually the template's, plus up to two related ones; a few
    // datasets are not themed at all (as on real portals).
    let themes: ThemeId[] = [];
    if (!rng.chance(0.07)) {
      themes = [theme];
      const extra = rng.weighted([[0, 60], [1, 30], [2, 10]] as const);
      const candidates = rng.shuffled([...org.themes, ...themeIds].filter((t) => t !== theme));
      for (const t of candidates) {
        if (themes.length > extra) break;
        if (!themes.includes(t)) themes.push(t);
      }
    }

    const visibility = rng.chance(0.2) ? Visibility.PRIVATE : Visibility.PUBLIC;
    // Private data lives in a space (that is who may see it).
    const spaceIds: string[] = [];
    if (visibility === Visibility.PRIVATE || rng.chance(0.2)) {
      spaceIds.push(org.spaceId ?? rng.pick(SHARED_SPACE_IDS));
      if (rng.chance(0.12)) {
        const other = rng.pick(SHARED_SPACE_IDS);
        if (!spaceIds.includes(other)) spaceIds.push(other);
      }
    }

    const collectionCount = rng.weighted([[0, 35], [1, 45], [2, 20]] as const);
    const themed = collectionsByTheme.get(theme) ?? [];
    const collectionIds: string[] = [];
    for (let c = 0; c < collectionCount; c++) {
      const col = themed.length > 0 && rng.chance(0.8) ? rng.pick(themed) : rng.pick(collections);
      // A dataset can only join a collection that already existed.
      if (!collectionIds.includes(col._id) && seconds(col.createdAt) <= modifiedS) collectionIds.push(col._id);
    }

    const doc: DatasetDoc = {
      _id: `ds-${pad(i, 4)}`,
      title,
      description: `${baseTitle}. Données publiées par ${org.name} sur ${PORTAL_NAMES.get(org.portalId) ?? org.portalId}.`,
      portalId: org.portalId,
      ownerId: rng.pick(humans)._id,
      spaceIds,
      collectionIds,
      themeIds: themes,
      licence: rng.weighted(LICENCES),
      // Some harvested records lose their publisher on the way.
      publisher: rng.chance(0.08) ? null : org.name,
      published: rng.chance(0.85),
      visibility,
      recordCount: recordCount(rng),
      createdAt: dateOf(createdS),
      modifiedAt: dateOf(modifiedS),
    };
    out.push({ doc, theme: themes.length > 0 ? theme : null, fileBase: slugify(`${template.title}${yearSuffix}`) });
  }
  return out;
}

function fileSize(rng: Rng, kind: FileKind, records: number): number {
  const rowBytes = rng.int(60, 400);
  let size: number;
  switch (kind.ext) {
    case 'csv':
      size = 200 + records * rowBytes;
      break;
    case 'json':
      size = 400 + records * rowBytes * 2.2;
      break;
    case 'xls':
      // Old Excel stops at 65,536 rows.
      size = 15_000 + Math.min(records, 65_536) * rowBytes * 1.3;
      break;
    case 'geojson':
      size = 500 + records * rng.int(300, 900);
      break;
    default:
      size = logUniform(rng, 40_000, 8_000_000);
  }
  return Math.min(MAX_FILE_BYTES, Math.round(size));
}

export function buildFiles(rng: Rng, datasets: readonly DatasetMeta[]): FileDoc[] {
  const files: FileDoc[] = [];
  for (const { doc, theme, fileBase } of datasets) {
    const n = rng.weighted([[1, 40], [2, 30], [3, 20], [4, 10]] as const);
    const geo = theme !== null && GEO_THEMES.has(theme);
    // The main distribution is nearly always tabular; the others are
    // alternative formats and a PDF notice.
    const first = rng.weighted([[CSV, 75], [XLS, 10], [GEOJSON, geo ? 15 : 2], [PDF, 3]] as const);
    const others = rng.shuffled([CSV, JSON_KIND, XLS, GEOJSON, PDF].filter((k) => k !== first && (geo || k !== GEOJSON)));
    const kinds = [first, ...others].slice(0, n);
    for (const kind of kinds) {
      const name = kind === PDF ? `notice-${fileBase}.pdf` : `${fileBase}.${kind.ext}`;
      files.push({
        _id: `f-${pad(files.length + 1, 5)}`,
        title: name,
        sizeBytes: fileSize(rng, kind, doc.recordCount),
        contentType: kind.contentType,
        datasetIds: [doc._id],
        ownerId: doc.ownerId ?? null,
        createdAt: dateOf(secondBetween(rng, seconds(doc.createdAt), seconds(doc.modifiedAt))),
      });
    }
  }
  // A few files (shared reference tables) are attached to a second dataset
  // of the same portal that already existed when the file was added.
  const byId = new Map(datasets.map((d) => [d.doc._id, d.doc] as const));
  const sharedCount = Math.max(1, Math.round(files.length * 0.015));
  for (const file of rng.sample(files, sharedCount)) {
    const home = byId.get(requireAt(file.datasetIds, 0));
    if (!home) continue;
    const candidates = datasets.filter(
      (d) => d.doc._id !== home._id && d.doc.portalId === home.portalId && d.doc.createdAt <= file.createdAt,
    );
    if (candidates.length > 0) file.datasetIds.push(rng.pick(candidates).doc._id);
  }
  return files;
}

export function buildReuses(
  rng: Rng,
  clock: Clock,
  datasets: readonly DatasetDoc[],
  popularity: readonly number[],
  humans: readonly UserDoc[],
): DemoReuse[] {
  // Reuses are built on public, published data, mostly the popular datasets;
  // the square root tempers Zipf so the top dataset is not in half of them.
  const open = datasets.map((d, i) =>
    d.published && d.visibility === Visibility.PUBLIC ? Math.sqrt(popularity[i] ?? 0) : 0,
  );
  let table = new WeightedTable(open);
  if (table.total <= 0) table = new WeightedTable(datasets.map(() => 1));
  const available = open.filter((w) => w > 0).length || datasets.length;
  const reuses: DemoReuse[] = [];
  const count = 60;
  for (let i = 1; i <= count; i++) {
    const k = Math.min(available, rng.weighted([[1, 60], [2, 28], [3, 12]] as const));
    const chosen: DatasetDoc[] = [];
    for (let tries = 0; chosen.length < k && tries < 50; tries++) {
      const d = requireAt(datasets, table.draw(rng));
      if (!chosen.includes(d)) chosen.push(d);
    }
    const type = rng.weighted([['VISUALIZATION', 30], ['APPLICATION', 22], ['ARTICLE', 15], ['API', 10], ['PAPER', 6], ['OTHER', 17]] as const);
    const lead = requireAt(chosen, 0);
    const topic = lead.title.split(' — ')[0] ?? lead.title;
    const title = rng.pick(REUSE_TITLES[type]).replace('{t}', topic.charAt(0).toLowerCase() + topic.slice(1));
    const notBefore = Math.max(...chosen.map((d) => seconds(d.createdAt)));
    reuses.push({
      _id: `re-${pad(i, 3)}`,
      title,
      url: `https://reuses.example.org/${slugify(title)}-${pad(i, 3)}`,
      type,
      datasetIds: chosen.map((d) => d._id),
      authorId: rng.chance(0.75) ? rng.pick(humans)._id : null,
      createdAt: dateOf(secondBetween(rng, notBefore, clock.nowS)),
    });
  }
  return reuses;
}
