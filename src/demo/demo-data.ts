/**
 * Pure, deterministic demo data: a small French open-data landscape (three
 * portals, their organisations, a catalog of datasets, files and collections)
 * and a year of access events on it.
 *
 * Inspired by the "Observatoire open data des territoires" (2022 edition):
 * communes, agglomerations, agencies and departments publishing on
 * Opendatasoft metropolitan portals (Rennes, Brest) and on data.gouv.fr, with
 * the observatory's themes (Social, Citoyenneté, Equipements, Economie, ...).
 *
 * No I/O, no clock, no `Math.random`: every value comes from `options.now`
 * and a seeded PRNG, so the same options always give deep-equal output
 * (demos, screenshots and tests stay reproducible).
 */
import type { CollectionDoc, DatasetDoc, FileDoc, PortalDoc, SpaceDoc, ThemeDoc, UserDoc } from '../store/catalog.documents';
import type { ReuseDoc, ReuseType } from '../store/reuse.documents';
import { AccessAction, ResourceType, Visibility } from '../domain/resources';
import type { TrackEventInput } from '../domain/tracking';
import { mulberry32 } from './prng';

export type { ReuseType };

/**
 * A reuse of one or more datasets (an app, a map, an article, ...): 1–3
 * datasets biased toward the most used ones; author null when published by
 * an organisation. Stored as a ReuseDoc once `modifiedAt` is set.
 */
export type DemoReuse = Omit<ReuseDoc, 'modifiedAt'>;

type DemoEventRequiredKey = 'eventId' | 'resourceType' | 'resourceId' | 'action' | 'timestamp' | 'userAgent';

/**
 * One generated access event: a `TrackEventInput` whose id, resource, action,
 * timestamp and user agent are always set. `userId` is null for anonymous
 * traffic; `ipAddress` always comes from the documentation ranges
 * 192.0.2.0/24 and 198.51.100.0/24 (RFC 5737), never a real address.
 */
export type DemoEvent = {
  [K in DemoEventRequiredKey]-?: NonNullable<TrackEventInput[K]>;
} & Pick<TrackEventInput, 'userId' | 'ipAddress'>;

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

const DAY_S = 86_400;
/** Events cover this many days before `now`. */
const EVENT_WINDOW_DAYS = 365;
/** The catalog is at most this old. */
const CATALOG_AGE_DAYS = 3 * 365;
/** Cap on file sizes: keeps them within a signed 32-bit GraphQL `Int`. */
const MAX_FILE_BYTES = 2_000_000_000;
const MAX_RECORDS = 2_000_000;

// ---------------------------------------------------------------------------
// PRNG


/** Convenience draws on top of the PRNG. */
class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Picks by weight from `[value, weight]` pairs. */
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.next() * total;
    for (const [value, w] of pairs) {
      r -= w;
      if (r < 0) return value;
    }
    const last = pairs[pairs.length - 1];
    if (last === undefined) throw new RangeError('weighted pick from an empty list');
    return last[0];
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Up to `k` distinct items, in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffled(items).slice(0, Math.max(0, k));
  }
}

/**
 * Weighted draws over a fixed table (cumulative sums + binary search): the
 * event loop draws thousands of times from the same popularity weights.
 */
class WeightedTable {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      sum += w > 0 ? w : 0;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  /** An index with weight > 0, or -1 if every weight is 0. */
  draw(rng: Rng): number {
    if (this.total <= 0) return -1;
    const r = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// ---------------------------------------------------------------------------
// Static reference content

const PORTALS: readonly PortalDoc[] = [
  { _id: 'rennes-metropole', name: 'Rennes Métropole', url: 'https://data.rennesmetropole.fr' },
  { _id: 'brest-metropole', name: 'Brest Métropole', url: 'https://opendata.brest-metropole.fr' },
  // data.gouv.fr shows who published a dataset on every dataset page.
  { _id: 'datagouv', name: 'data.gouv.fr', url: 'https://www.data.gouv.fr', publicOwnerNames: true },
];

const PORTAL_NAMES: ReadonlyMap<string, string> = new Map(PORTALS.map((p) => [p._id, p.name] as const));

const THEMES: readonly ThemeDoc[] = [
  { _id: 'social', name: 'Social' },
  { _id: 'citoyennete', name: 'Citoyenneté' },
  { _id: 'equipements', name: 'Equipements' },
  { _id: 'economie', name: 'Economie' },
  { _id: 'urbanisme', name: 'Urbanisme' },
  { _id: 'tourisme', name: 'Tourisme' },
  { _id: 'finance', name: 'Finance' },
  { _id: 'administratif', name: 'Administratif' },
  { _id: 'environnement', name: 'Environnement' },
  { _id: 'mobilite', name: 'Mobilité' },
  { _id: 'culture', name: 'Culture' },
  { _id: 'sante', name: 'Santé' },
];

type ThemeId =
  | 'social'
  | 'citoyennete'
  | 'equipements'
  | 'economie'
  | 'urbanisme'
  | 'tourisme'
  | 'finance'
  | 'administratif'
  | 'environnement'
  | 'mobilite'
  | 'culture'
  | 'sante';

interface Organisation {
  /** Publisher name as the portal shows it. */
  name: string;
  /** Territory used in dataset titles ("— Ville d'Agen"). */
  place: string;
  portalId: string;
  /** Relative catalog size. */
  weight: number;
  /** What it mostly publishes (the observatory's "Thématiques"). */
  themes: readonly ThemeId[];
  /** Its private workspace, if it has one. */
  spaceId?: string;
}

const ORGANISATIONS: readonly Organisation[] = [
  { name: 'Rennes Métropole', place: 'Rennes Métropole', portalId: 'rennes-metropole', weight: 30, themes: ['mobilite', 'urbanisme', 'environnement', 'equipements'], spaceId: 'sp-rennes-metropole' },
  { name: 'Ville de Rennes', place: 'Ville de Rennes', portalId: 'rennes-metropole', weight: 18, themes: ['culture', 'citoyennete', 'equipements', 'social'], spaceId: 'sp-ville-de-rennes' },
  { name: "Commune d'Acigné", place: 'Acigné', portalId: 'rennes-metropole', weight: 4, themes: ['social', 'citoyennete'] },
  { name: 'Commune de Cesson-Sévigné', place: 'Cesson-Sévigné', portalId: 'rennes-metropole', weight: 4, themes: ['finance', 'equipements'] },
  { name: 'Commune de Bruz', place: 'Bruz', portalId: 'rennes-metropole', weight: 3, themes: ['administratif', 'urbanisme'] },
  { name: 'Brest Métropole', place: 'Brest Métropole', portalId: 'brest-metropole', weight: 25, themes: ['mobilite', 'environnement', 'urbanisme', 'equipements'], spaceId: 'sp-brest-metropole' },
  { name: 'ADEUPa', place: 'Pays de Brest', portalId: 'brest-metropole', weight: 12, themes: ['economie', 'urbanisme', 'tourisme'], spaceId: 'sp-adeupa' },
  { name: 'Ville de Brest', place: 'Ville de Brest', portalId: 'brest-metropole', weight: 9, themes: ['culture', 'citoyennete', 'social'] },
  { name: "Brest'aim", place: 'Brest', portalId: 'brest-metropole', weight: 3, themes: ['tourisme', 'equipements', 'culture'] },
  { name: "Mairie d'Agen", place: "Ville d'Agen", portalId: 'datagouv', weight: 12, themes: ['finance', 'administratif'], spaceId: 'sp-agen' },
  { name: 'ADACL Landes', place: 'Landes', portalId: 'datagouv', weight: 5, themes: ['equipements'] },
  { name: 'ADICO', place: 'Oise', portalId: 'datagouv', weight: 3, themes: ['administratif'] },
  { name: 'Département de la Gironde', place: 'Gironde', portalId: 'datagouv', weight: 10, themes: ['social', 'sante', 'mobilite'], spaceId: 'sp-gironde' },
  { name: 'GrandAngoulême', place: 'GrandAngoulême', portalId: 'datagouv', weight: 6, themes: ['mobilite', 'environnement'] },
  { name: 'Région Bretagne', place: 'Bretagne', portalId: 'datagouv', weight: 10, themes: ['economie', 'tourisme', 'culture', 'mobilite'] },
];

interface DatasetTemplate {
  title: string;
  /** Title gets a year ("Budget primitif 2022"). */
  yearly?: boolean;
}

const TEMPLATES: Readonly<Record<ThemeId, readonly DatasetTemplate[]>> = {
  finance: [
    { title: 'Budget primitif', yearly: true },
    { title: 'Compte administratif', yearly: true },
    { title: 'Subventions aux associations', yearly: true },
    { title: 'Marchés publics attribués', yearly: true },
    { title: 'Dette de la collectivité' },
  ],
  equipements: [
    { title: 'Équipements sportifs' },
    { title: 'Bibliothèques et médiathèques' },
    { title: 'Aires de jeux' },
    { title: 'Toilettes publiques' },
    { title: 'Bornes de recharge pour véhicules électriques' },
  ],
  mobilite: [
    { title: 'Fréquentation des parkings' },
    { title: 'Horaires théoriques du réseau de bus (GTFS)' },
    { title: 'Stations de vélos en libre-service' },
    { title: 'Comptages routiers', yearly: true },
    { title: 'Aménagements cyclables' },
  ],
  urbanisme: [
    { title: 'Permis de construire délivrés', yearly: true },
    { title: "Plan local d'urbanisme intercommunal" },
    { title: 'Cadastre — parcelles' },
    { title: 'Base adresse locale' },
    { title: 'Zones de préemption' },
  ],
  economie: [
    { title: "Établissements d'activité économique" },
    { title: 'Marchés de plein air' },
    { title: "Zones d'activités économiques" },
    { title: "Demandeurs d'emploi par commune", yearly: true },
  ],
  tourisme: [
    { title: 'Hébergements touristiques' },
    { title: "Fréquentation de l'office de tourisme", yearly: true },
    { title: 'Sentiers de randonnée' },
    { title: "Points d'intérêt touristiques" },
  ],
  social: [
    { title: 'Centres communaux d’action sociale' },
    { title: 'Places en crèche' },
    { title: 'Logements sociaux', yearly: true },
    { title: 'Aides sociales versées', yearly: true },
  ],
  citoyennete: [
    { title: 'Résultats des élections municipales 2020' },
    { title: 'Bureaux de vote' },
    { title: 'Délibérations du conseil municipal', yearly: true },
    { title: 'Liste des élus' },
  ],
  administratif: [
    { title: 'Annuaire des services municipaux' },
    { title: 'Effectifs de la collectivité', yearly: true },
    { title: 'Recueil des actes administratifs', yearly: true },
    { title: "Horaires d'ouverture des mairies" },
  ],
  environnement: [
    { title: "Qualité de l'air" },
    { title: "Arbres d'alignement" },
    { title: "Points d'apport volontaire" },
    { title: 'Consommation énergétique des bâtiments publics', yearly: true },
  ],
  culture: [
    { title: 'Fréquentation des musées', yearly: true },
    { title: 'Programmation culturelle' },
    { title: 'Monuments historiques' },
    { title: 'Prêts en bibliothèque', yearly: true },
  ],
  sante: [
    { title: 'Défibrillateurs (DAE)' },
    { title: 'Pharmacies de garde' },
    { title: 'Centres de vaccination' },
    { title: 'Professionnels de santé' },
  ],
};

/** Themes whose data is mostly geographic, hence more GeoJSON. */
const GEO_THEMES: ReadonlySet<ThemeId> = new Set(['urbanisme', 'mobilite', 'equipements', 'environnement', 'tourisme']);

interface SpaceSpec {
  _id: string;
  name: string;
  description: string;
}

const SPACES: readonly SpaceSpec[] = [
  { _id: 'sp-rennes-metropole', name: 'Rennes Métropole — espace agents', description: 'Jeux de données en préparation des services métropolitains.' },
  { _id: 'sp-ville-de-rennes', name: 'Ville de Rennes — données internes', description: 'Données internes de la Ville de Rennes.' },
  { _id: 'sp-brest-metropole', name: 'Brest Métropole — espace agents', description: 'Espace de travail des agents de Brest Métropole.' },
  { _id: 'sp-adeupa', name: 'ADEUPa — études en cours', description: "Données des études de l'agence d'urbanisme du Pays de Brest." },
  { _id: 'sp-agen', name: "Mairie d'Agen — service finances", description: 'Documents budgétaires avant publication.' },
  { _id: 'sp-gironde', name: 'Département de la Gironde — action sociale', description: 'Données sociales à diffusion restreinte.' },
  { _id: 'sp-observatoire', name: 'Observatoire open data des territoires', description: 'Groupe de travail inter-collectivités sur les indicateurs open data.' },
  { _id: 'sp-mobilite-bretagne', name: 'Groupe de travail mobilité bretonne', description: 'Échanges de données de mobilité entre collectivités bretonnes.' },
];

/** Spaces not owned by one organisation: where the others share data. */
const SHARED_SPACE_IDS: readonly string[] = ['sp-observatoire', 'sp-mobilite-bretagne'];

interface CollectionSpec {
  name: string;
  theme: ThemeId;
  /** Index of the main parent in this list (parents come first). */
  parent?: number;
  /** A second parent, at the same depth as the main one. */
  extraParent?: number;
  /** The space it lives in, if it is an organisation's own collection. */
  spaceId?: string;
}

/**
 * The collection tree: 8 roots, 16 children, 6 grandchildren (30), a few
 * children with two parents. Static so that ids and nesting are the same for
 * every seed (tests and fixtures can rely on `col-25`…`col-30` being 3 deep).
 */
const COLLECTION_TREE: readonly CollectionSpec[] = [
  /* 0 */ { name: 'Finances locales', theme: 'finance' },
  /* 1 */ { name: 'Mobilité et transports', theme: 'mobilite' },
  /* 2 */ { name: 'Urbanisme et aménagement', theme: 'urbanisme' },
  /* 3 */ { name: 'Environnement et cadre de vie', theme: 'environnement' },
  /* 4 */ { name: 'Culture, sport et loisirs', theme: 'culture' },
  /* 5 */ { name: 'Vie citoyenne', theme: 'citoyennete' },
  /* 6 */ { name: 'Solidarités et santé', theme: 'social' },
  /* 7 */ { name: 'Tourisme et attractivité', theme: 'tourisme' },
  /* 8 */ { name: 'Budgets', theme: 'finance', parent: 0 },
  /* 9 */ { name: 'Subventions et marchés publics', theme: 'finance', parent: 0 },
  /* 10 */ { name: 'Stationnement', theme: 'mobilite', parent: 1 },
  /* 11 */ { name: 'Transports en commun', theme: 'mobilite', parent: 1 },
  /* 12 */ { name: 'Vélo et mobilités douces', theme: 'mobilite', parent: 1, extraParent: 3 },
  /* 13 */ { name: "Documents d'urbanisme", theme: 'urbanisme', parent: 2 },
  /* 14 */ { name: 'Adresses et cadastre', theme: 'urbanisme', parent: 2 },
  /* 15 */ { name: 'Déchets', theme: 'environnement', parent: 3 },
  /* 16 */ { name: 'Nature en ville', theme: 'environnement', parent: 3 },
  /* 17 */ { name: 'Équipements sportifs et de loisirs', theme: 'equipements', parent: 4 },
  /* 18 */ { name: 'Patrimoine', theme: 'culture', parent: 4, extraParent: 7 },
  /* 19 */ { name: 'Élections', theme: 'citoyennete', parent: 5 },
  /* 20 */ { name: 'Délibérations et actes', theme: 'administratif', parent: 5 },
  /* 21 */ { name: 'Petite enfance', theme: 'social', parent: 6 },
  /* 22 */ { name: 'Santé publique', theme: 'sante', parent: 6, extraParent: 3 },
  /* 23 */ { name: 'Économie locale', theme: 'economie', parent: 7, extraParent: 0 },
  /* 24 */ { name: 'Budgets primitifs', theme: 'finance', parent: 8, spaceId: 'sp-agen' },
  /* 25 */ { name: 'Comptes administratifs', theme: 'finance', parent: 8 },
  /* 26 */ { name: 'Parkings en ouvrage', theme: 'mobilite', parent: 10, spaceId: 'sp-brest-metropole' },
  /* 27 */ { name: 'PLUi de Rennes Métropole', theme: 'urbanisme', parent: 13, spaceId: 'sp-rennes-metropole' },
  /* 28 */ { name: "Arbres et espaces verts", theme: 'environnement', parent: 16, extraParent: 13 },
  /* 29 */ { name: 'Élections municipales 2020', theme: 'citoyennete', parent: 19 },
];

const FIRST_NAMES = [
  'Camille', 'Léa', 'Hugo', 'Louis', 'Manon', 'Chloé', 'Lucas', 'Emma', 'Nathan', 'Inès',
  'Jules', 'Sarah', 'Thomas', 'Julie', 'Antoine', 'Pauline', 'Mathieu', 'Élodie', 'Nicolas', 'Claire',
  'Yann', 'Gwenaëlle', 'Erwan', 'Maëlys', 'Loïc', 'Soizic', 'Quentin', 'Margaux', 'Baptiste', 'Anaïs',
] as const;

const LAST_NAMES = [
  'Le Gall', 'Martin', 'Bernard', 'Dubois', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Bertrand', 'Roux', 'Fournier', 'Morel', 'Girard',
  'André', 'Le Goff', 'Guillou', 'Kerbrat', 'Tanguy', 'Le Roux', 'Quéré', 'Lemoine', 'Bonnet', 'Faure',
] as const;

/** Human USER accounts (40 users in all with admin, trackers, harvesters). */
const HUMAN_USER_COUNT = 34;

const HARVESTERS = [
  { _id: 'u-harvest-datagouv', name: 'Moissonneur data.gouv.fr' },
  { _id: 'u-harvest-observatoire', name: 'Extracteur Observatoire open data' },
] as const;

const BROWSER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
] as const;

const ROBOT_AGENTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; Qwantify/Bleriot/1.1; +https://help.qwant.com/bot)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
] as const;

const MACHINE_AGENTS = [
  'curl/8.4.0',
  'python-requests/2.31.0',
  'Wget/1.21.4',
  'python-httpx/0.25.2',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
] as const;

interface FileKind {
  contentType: string;
  ext: string;
}

const CSV: FileKind = { contentType: 'text/csv', ext: 'csv' };
const JSON_KIND: FileKind = { contentType: 'application/json', ext: 'json' };
const XLS: FileKind = { contentType: 'application/vnd.ms-excel', ext: 'xls' };
const GEOJSON: FileKind = { contentType: 'application/geo+json', ext: 'geojson' };
const PDF: FileKind = { contentType: 'application/pdf', ext: 'pdf' };

const LICENCES = [
  ['Licence Ouverte v2.0', 62],
  ['ODbL', 24],
  ['CC-BY 4.0', 4],
  [null, 10],
] as const;

// ---------------------------------------------------------------------------
// Helpers

/** File-name and URL slug: lower case ASCII, dashes. */
function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function dateOf(seconds: number): Date {
  return new Date(seconds * 1000);
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** A whole second uniformly in [lo, hi]. */
function secondBetween(rng: Rng, lo: number, hi: number): number {
  return hi <= lo ? lo : rng.int(lo, hi);
}

/** Log-uniform number in [min, max]: sizes are heavy-tailed. */
function logUniform(rng: Rng, min: number, max: number): number {
  return Math.exp(Math.log(min) + rng.float() * (Math.log(max) - Math.log(min)));
}

function requireAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} out of range`);
  return item;
}

// ---------------------------------------------------------------------------
// Catalog

interface Clock {
  /** Whole seconds, ≤ now: latest time a catalog date may take. */
  nowS: number;
  /** Earliest catalog date. */
  catalogStartS: number;
  /** Earliest event second (inclusive). */
  eventStartS: number;
  /** Latest event second: the last whole second strictly before now. */
  eventEndS: number;
}

function buildUsers(rng: Rng, clock: Clock): UserDoc[] {
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

function buildSpaces(rng: Rng, clock: Clock, humans: readonly UserDoc[]): SpaceDoc[] {
  return SPACES.map((spec) => ({
    _id: spec._id,
    name: spec.name,
    description: spec.description,
    memberIds: rng.sample(humans, rng.int(3, 8)).map((u) => u._id).sort(),
    createdAt: dateOf(secondBetween(rng, clock.catalogStartS, clock.catalogStartS + 365 * DAY_S)),
  }));
}

function buildCollections(rng: Rng, clock: Clock, owners: readonly UserDoc[]): CollectionDoc[] {
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

interface DatasetMeta {
  doc: DatasetDoc;
  theme: ThemeId | null;
  /** Base of its files' names ("budget-primitif-2022"). */
  fileBase: string;
}

function buildDatasets(
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

function buildFiles(rng: Rng, datasets: readonly DatasetMeta[]): FileDoc[] {
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

const REUSE_TITLES: Readonly<Record<ReuseType, readonly string[]>> = {
  VISUALIZATION: ['Carte interactive : {t}', 'Tableau de bord — {t}', 'Datavisualisation : {t}'],
  APPLICATION: ['Application mobile « {t} »', 'Service en ligne autour de « {t} »'],
  ARTICLE: ['Ce que disent les données : {t}', 'Décryptage : {t}'],
  API: ['API REST — {t}', 'Flux temps réel : {t}'],
  PAPER: ['Étude statistique : {t}', 'Mémoire de master : {t}'],
  OTHER: ['Notebook Jupyter : {t}', 'Jeu de données enrichi : {t}'],
};

function buildReuses(
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

// ---------------------------------------------------------------------------
// Events

/**
 * Relative traffic of a human visitor at a UTC second: August and the
 * Christmas holidays are quiet, weekends lighter, nights nearly empty
 * (hours are UTC; France is UTC+1/+2).
 */
function humanActivity(s: number): number {
  const d = dateOf(s);
  const month = [0.95, 1, 1, 0.95, 0.9, 1, 0.8, 0.45, 1, 1, 1, 0.75][d.getUTCMonth()] ?? 1;
  const dow = d.getUTCDay();
  const weekday = dow === 6 ? 0.45 : dow === 0 ? 0.35 : 1;
  const h = d.getUTCHours();
  const hour = h >= 7 && h <= 16 ? 1 : h >= 5 && h <= 20 ? 0.5 : h >= 21 ? 0.3 : 0.08;
  return month * weekday * hour;
}

interface Client {
  ip: string;
  userAgent: string;
}

type TrafficKind = 'browser' | 'robot' | 'machine';

interface EventResource {
  type: ResourceType;
  id: string;
  /** Earliest second an event on it may have. */
  startS: number;
  /** USER accounts allowed to see it; null = anyone. */
  allowed: readonly string[] | null;
}

function fakeIp(rng: Rng): string {
  const net = rng.chance(0.5) ? '192.0.2' : '198.51.100';
  return `${net}.${rng.int(1, 254)}`;
}

interface EventContext {
  rng: Rng;
  clock: Clock;
  datasets: readonly EventResource[];
  files: readonly EventResource[];
  collections: readonly EventResource[];
  /** Popularity over datasets / files / collections, for each audience. */
  tables: Record<'all' | 'open', Record<'dataset' | 'file' | 'collection', WeightedTable>>;
  filesOfDataset: readonly (readonly number[])[];
  datasetsOfCollection: readonly (readonly number[])[];
  humanIds: readonly string[];
  humanTable: WeightedTable;
  clientsOfUser: ReadonlyMap<string, readonly Client[]>;
  anonymousClients: readonly Client[];
  robotClients: readonly Client[];
  machineClients: readonly Client[];
}

interface RawEvent {
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  s: number;
  userAgent: string;
  userId: string | null;
  ipAddress: string;
}

/**
 * A second in the resource's window; for humans, drawn with the seasonal
 * activity curve by rejection. Null when the window is empty.
 */
function eventSecond(ctx: EventContext, res: EventResource, kind: TrafficKind): number | null {
  const lo = Math.max(ctx.clock.eventStartS, res.startS);
  const hi = ctx.clock.eventEndS;
  if (hi < lo) return null;
  let s = secondBetween(ctx.rng, lo, hi);
  // Crawlers and scripts run around the clock; people follow the calendar.
  if (kind === 'browser') {
    for (let tries = 0; tries < 40 && !ctx.rng.chance(humanActivity(s)); tries++) s = secondBetween(ctx.rng, lo, hi);
  }
  return s;
}

function draw(ctx: EventContext, audience: 'all' | 'open', type: 'dataset' | 'file' | 'collection'): EventResource | null {
  const list = type === 'dataset' ? ctx.datasets : type === 'file' ? ctx.files : ctx.collections;
  const i = ctx.tables[audience][type].draw(ctx.rng);
  return i < 0 ? null : requireAt(list, i);
}

/** One browser visit: a landing page and a few clicks (collection → dataset → file). */
function browserVisit(ctx: EventContext, out: RawEvent[]): void {
  const { rng } = ctx;
  const landingType = rng.weighted([['dataset', 66], ['file', 20], ['collection', 14]] as const);
  const landing = draw(ctx, 'all', landingType);
  if (!landing) return;
  // Logged in a third of the time, always when the page is restricted
  // (which brings the logged-in share of all events to ~40%).
  let userId: string | null = rng.chance(0.33) ? requireAt(ctx.humanIds, ctx.humanTable.draw(rng)) : null;
  if (landing.allowed && (userId === null || !landing.allowed.includes(userId))) userId = rng.pick(landing.allowed);
  const client = userId ? rng.pick(ctx.clientsOfUser.get(userId) ?? ctx.anonymousClients) : rng.pick(ctx.anonymousClients);
  const start = eventSecond(ctx, landing, 'browser');
  if (start === null) return;

  let s = start;
  const emit = (res: EventResource, action: AccessAction): boolean => {
    if (s < res.startS || s > ctx.clock.eventEndS) return false;
    if (res.allowed && (userId === null || !res.allowed.includes(userId))) return false;
    const ev: RawEvent = { resourceType: res.type, resourceId: res.id, action, s, userAgent: client.userAgent, userId, ipAddress: client.ip };
    out.push(ev);
    // Impatient double clicks, for the COUNTER 30-second rule.
    if (rng.chance(0.02) && s + 15 <= ctx.clock.eventEndS) out.push({ ...ev, s: s + rng.int(1, 15) });
    return true;
  };
  const later = (minS: number, maxS: number): void => {
    s += rng.int(minS, maxS);
  };

  let dataset: number | null = null;
  if (landing.type === ResourceType.COLLECTION) {
    if (!emit(landing, AccessAction.VIEW)) return;
    const inside = ctx.datasetsOfCollection[ctx.collections.indexOf(landing)] ?? [];
    if (inside.length > 0 && rng.chance(0.6)) {
      dataset = rng.pick(inside);
      later(10, 300);
      if (!emit(requireAt(ctx.datasets, dataset), AccessAction.VIEW)) return;
    }
  } else if (landing.type === ResourceType.FILE) {
    // Deep links to files are mostly direct downloads.
    const action = rng.weighted([[AccessAction.DOWNLOAD, 88], [AccessAction.VIEW, 10], [AccessAction.API_CALL, 2]] as const);
    emit(landing, action);
    return;
  } else {
    dataset = ctx.datasets.indexOf(landing);
    const action = rng.weighted([[AccessAction.VIEW, 88], [AccessAction.API_CALL, 7], [AccessAction.DOWNLOAD, 5]] as const);
    if (!emit(landing, action)) return;
  }
  if (dataset === null) return;
  // From a dataset page, many visitors download one of its files.
  const files = ctx.filesOfDataset[dataset] ?? [];
  if (files.length > 0 && rng.chance(0.45)) {
    // The first (main) distribution gets most downloads.
    const f = rng.chance(0.7) ? requireAt(files, 0) : rng.pick(files);
    later(15, 480);
    if (!emit(requireAt(ctx.files, f), AccessAction.DOWNLOAD)) return;
    if (files.length > 1 && rng.chance(0.15)) {
      later(5, 120);
      emit(requireAt(ctx.files, rng.pick(files)), AccessAction.DOWNLOAD);
    }
  }
}

/** A script or harvester sweeping the open catalog through the API. */
function machineVisit(ctx: EventContext, out: RawEvent[]): void {
  const { rng } = ctx;
  const client = rng.pick(ctx.machineClients);
  // Harvesters run under their account; ad-hoc scripts are anonymous.
  const userId = rng.chance(0.45) ? rng.pick(HARVESTERS)._id : null;
  const n = rng.int(1, 5);
  let s: number | null = null;
  for (let k = 0; k < n; k++) {
    const type = rng.chance(0.65) ? 'dataset' : 'file';
    const res = draw(ctx, 'open', type);
    if (!res) return;
    if (s === null) {
      s = eventSecond(ctx, res, 'machine');
      if (s === null) return;
    } else {
      s += rng.int(1, 20);
    }
    if (s < res.startS || s > ctx.clock.eventEndS) return;
    const action =
      type === 'file'
        ? AccessAction.DOWNLOAD
        : rng.weighted([[AccessAction.API_CALL, 70], [AccessAction.VIEW, 15], [AccessAction.DOWNLOAD, 15]] as const);
    out.push({ resourceType: res.type, resourceId: res.id, action, s, userAgent: client.userAgent, userId, ipAddress: client.ip });
  }
}

/** A search-engine crawler: views of public pages, sometimes a file. */
function robotVisit(ctx: EventContext, out: RawEvent[]): void {
  const { rng } = ctx;
  const client = rng.pick(ctx.robotClients);
  const n = rng.int(1, 3);
  let s: number | null = null;
  for (let k = 0; k < n; k++) {
    const type = rng.weighted([['dataset', 70], ['collection', 15], ['file', 15]] as const);
    const res = draw(ctx, 'open', type);
    if (!res) return;
    if (s === null) {
      s = eventSecond(ctx, res, 'robot');
      if (s === null) return;
    } else {
      s += rng.int(2, 90);
    }
    if (s < res.startS || s > ctx.clock.eventEndS) return;
    const action = type === 'file' ? AccessAction.DOWNLOAD : AccessAction.VIEW;
    out.push({ resourceType: res.type, resourceId: res.id, action, s, userAgent: client.userAgent, userId: null, ipAddress: client.ip });
  }
}

function buildEvents(
  rng: Rng,
  clock: Clock,
  count: number,
  catalog: {
    datasets: readonly DatasetDoc[];
    files: readonly FileDoc[];
    collections: readonly CollectionDoc[];
    spaces: readonly SpaceDoc[];
    humans: readonly UserDoc[];
    popularity: readonly number[];
  },
): DemoEvent[] {
  if (count === 0) return [];
  const { datasets, files, collections, spaces, humans, popularity } = catalog;
  const humanIds = humans.map((u) => u._id);
  const humanSet = new Set(humanIds);
  const membersOf = new Map(spaces.map((sp) => [sp._id, sp.memberIds] as const));

  // Who may see a dataset: anyone if public and published, else its owner
  // and the members of its spaces (the portal hides it from everyone else).
  const datasetRes: EventResource[] = datasets.map((d) => {
    const restricted = d.visibility === Visibility.PRIVATE || !d.published;
    let allowed: string[] | null = null;
    if (restricted) {
      const ids = new Set<string>(d.ownerId ? [d.ownerId] : []);
      for (const sp of d.spaceIds) for (const m of membersOf.get(sp) ?? []) ids.add(m);
      allowed = [...ids].filter((id) => humanSet.has(id)).sort();
      if (allowed.length === 0) allowed = humanIds.slice(0, 1);
    }
    return { type: ResourceType.DATASET, id: d._id, startS: seconds(d.createdAt), allowed };
  });
  const datasetIndex = new Map(datasets.map((d, i) => [d._id, i] as const));
  const filesOfDataset: number[][] = datasets.map(() => []);
  const fileRes: EventResource[] = files.map((f, fi) => {
    const parents = f.datasetIds.map((id) => datasetIndex.get(id) ?? -1).filter((i) => i >= 0);
    for (const p of parents) filesOfDataset[p]?.push(fi);
    // A file is open if any of its datasets is.
    const parentAllowed = parents.map((p) => requireAt(datasetRes, p).allowed);
    const allowed = parentAllowed.some((a) => a === null)
      ? null
      : [...new Set(parentAllowed.flatMap((a) => a ?? []))].sort();
    return { type: ResourceType.FILE, id: f._id, startS: seconds(f.createdAt), allowed };
  });
  const collectionIndex = new Map(collections.map((c, i) => [c._id, i] as const));
  const datasetsOfCollection: number[][] = collections.map(() => []);
  datasets.forEach((d, di) => {
    for (const c of d.collectionIds) datasetsOfCollection[collectionIndex.get(c) ?? -1]?.push(di);
  });
  const collectionRes: EventResource[] = collections.map((c) => ({
    type: ResourceType.COLLECTION,
    id: c._id,
    startS: seconds(c.createdAt),
    allowed: null,
  }));

  // Popularity: datasets from the Zipf weights; a file shares its datasets'
  // popularity (the main distribution more than notices); collections get
  // their own Zipf ranking. Each weight is then scaled by the share of the
  // year the resource existed: popularity is a rate per day, so a dataset
  // created last week must not cram a year of traffic into a week (which
  // would also drown the seasonal curve).
  const windowDays = Math.max(1, (clock.eventEndS - clock.eventStartS) / DAY_S);
  const perDay = (weights: readonly number[], res: readonly EventResource[]): number[] =>
    weights.map((w, i) => {
      const from = Math.max(clock.eventStartS, requireAt(res, i).startS);
      return (w * Math.max(0, clock.eventEndS - from)) / DAY_S / windowDays;
    });
  const fileWeights = files.map((f, fi) => {
    const base = f.datasetIds.reduce((sum, id) => sum + (popularity[datasetIndex.get(id) ?? -1] ?? 0), 0);
    const home = filesOfDataset[datasetIndex.get(f.datasetIds[0] ?? '') ?? -1] ?? [];
    const factor = home[0] === fi ? 1 : f.contentType === 'application/pdf' ? 0.25 : 0.45;
    return base * factor;
  });
  const datasetWeights = perDay(popularity, datasetRes);
  const fileDayWeights = perDay(fileWeights, fileRes);
  const collectionWeights = perDay(zipfWeights(rng, collections.length, 0.9, 0), collectionRes);
  const openOnly = (weights: readonly number[], res: readonly EventResource[]): number[] =>
    weights.map((w, i) => (requireAt(res, i).allowed === null ? w : 0));
  const tables = {
    all: {
      dataset: new WeightedTable(datasetWeights),
      file: new WeightedTable(fileDayWeights),
      collection: new WeightedTable(collectionWeights),
    },
    open: {
      dataset: new WeightedTable(openOnly(datasetWeights, datasetRes)),
      file: new WeightedTable(openOnly(fileDayWeights, fileRes)),
      collection: new WeightedTable(collectionWeights),
    },
  };

  // Clients (IP + user agent): each person uses one or two devices; NATed
  // anonymous visitors share the small documentation ranges.
  const clientsOfUser = new Map<string, Client[]>();
  for (const id of humanIds) {
    const devices = rng.int(1, 2);
    clientsOfUser.set(id, Array.from({ length: devices }, () => ({ ip: fakeIp(rng), userAgent: rng.pick(BROWSER_AGENTS) })));
  }
  const anonymousClients = Array.from({ length: 300 }, () => ({ ip: fakeIp(rng), userAgent: rng.pick(BROWSER_AGENTS) }));
  const robotClients = ROBOT_AGENTS.flatMap((ua) => [
    { ip: fakeIp(rng), userAgent: ua },
    { ip: fakeIp(rng), userAgent: ua },
  ]);
  const machineClients = Array.from({ length: 24 }, () => ({ ip: fakeIp(rng), userAgent: rng.pick(MACHINE_AGENTS) }));

  const ctx: EventContext = {
    rng,
    clock,
    datasets: datasetRes,
    files: fileRes,
    collections: collectionRes,
    tables,
    filesOfDataset,
    datasetsOfCollection,
    humanIds,
    // A few power users account for much of the logged-in traffic.
    humanTable: new WeightedTable(zipfWeights(rng, humanIds.length, 0.8, 0)),
    clientsOfUser,
    anonymousClients,
    robotClients,
    machineClients,
  };

  const raw: RawEvent[] = [];
  // Visit mix tuned so that ~8% of events are robots and ~8% machines
  // (machine and robot visits are longer than the average browser visit).
  for (let guard = 0; raw.length < count && guard < count * 20; guard++) {
    const kind = rng.weighted([['browser', 88], ['robot', 6], ['machine', 3.8]] as const);
    if (kind === 'browser') browserVisit(ctx, raw);
    else if (kind === 'robot') robotVisit(ctx, raw);
    else machineVisit(ctx, raw);
  }
  // Stable sort: same-second events keep their visit order.
  const kept = raw.slice(0, count).sort((a, b) => a.s - b.s);
  return kept.map((e, i) => ({
    eventId: `demo-${pad(i + 1, 6)}`,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    action: e.action,
    timestamp: dateOf(e.s),
    userAgent: e.userAgent,
    userId: e.userId,
    ipAddress: e.ipAddress,
  }));
}

/**
 * Zipf-like weights over a random ranking of `n` items: weight 1/rank^s, and
 * a `dormant` share of items get 0 (datasets nobody ever opens).
 */
function zipfWeights(rng: Rng, n: number, s: number, dormant: number): number[] {
  const ranks = rng.shuffled(Array.from({ length: n }, (_, i) => i));
  const weights = new Array<number>(n).fill(0);
  ranks.forEach((item, rank) => {
    weights[item] = rng.chance(dormant) ? 0 : 1 / (rank + 1) ** s;
  });
  // Never leave everything dormant (tiny catalogs).
  if (n > 0 && !weights.some((w) => w > 0)) weights[requireAt(ranks, 0)] = 1;
  return weights;
}

// ---------------------------------------------------------------------------
// Entry point

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
