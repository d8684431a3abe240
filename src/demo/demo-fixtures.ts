/**
 * Fixture data for the demo generator: constant tables only, no logic.
 * Exempt from the ~400-line rule for hand-written files (it is reference
 * content, not code); keep any logic in demo-catalog.ts / demo-events.ts.
 *
 * Inspired by the "Observatoire open data des territoires" (2022 edition):
 * communes, agglomerations, agencies and departments publishing on
 * Opendatasoft metropolitan portals (Rennes, Brest) and on data.gouv.fr, with
 * the observatory's themes (Social, Citoyenneté, Equipements, Economie, ...).
 */
import type { PortalDoc, ThemeDoc } from '../store/catalog.documents';
import type { ReuseType } from '../store/reuse.documents';

export const PORTALS: readonly PortalDoc[] = [
  { _id: 'rennes-metropole', name: 'Rennes Métropole', url: 'https://data.rennesmetropole.fr' },
  { _id: 'brest-metropole', name: 'Brest Métropole', url: 'https://opendata.brest-metropole.fr' },
  // data.gouv.fr shows who published a dataset on every dataset page.
  { _id: 'datagouv', name: 'data.gouv.fr', url: 'https://www.data.gouv.fr', publicOwnerNames: true },
];

export const THEMES: readonly ThemeDoc[] = [
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

export type ThemeId =
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

export interface Organisation {
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

export const ORGANISATIONS: readonly Organisation[] = [
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

export interface DatasetTemplate {
  title: string;
  /** Title gets a year ("Budget primitif 2022"). */
  yearly?: boolean;
}

export const TEMPLATES: Readonly<Record<ThemeId, readonly DatasetTemplate[]>> = {
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
export const GEO_THEMES: ReadonlySet<ThemeId> = new Set(['urbanisme', 'mobilite', 'equipements', 'environnement', 'tourisme']);

export interface SpaceSpec {
  _id: string;
  name: string;
  description: string;
}

export const SPACES: readonly SpaceSpec[] = [
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
export const SHARED_SPACE_IDS: readonly string[] = ['sp-observatoire', 'sp-mobilite-bretagne'];

export interface CollectionSpec {
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
export const COLLECTION_TREE: readonly CollectionSpec[] = [
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

export const FIRST_NAMES = [
  'Camille', 'Léa', 'Hugo', 'Louis', 'Manon', 'Chloé', 'Lucas', 'Emma', 'Nathan', 'Inès',
  'Jules', 'Sarah', 'Thomas', 'Julie', 'Antoine', 'Pauline', 'Mathieu', 'Élodie', 'Nicolas', 'Claire',
  'Yann', 'Gwenaëlle', 'Erwan', 'Maëlys', 'Loïc', 'Soizic', 'Quentin', 'Margaux', 'Baptiste', 'Anaïs',
] as const;

export const LAST_NAMES = [
  'Le Gall', 'Martin', 'Bernard', 'Dubois', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Bertrand', 'Roux', 'Fournier', 'Morel', 'Girard',
  'André', 'Le Goff', 'Guillou', 'Kerbrat', 'Tanguy', 'Le Roux', 'Quéré', 'Lemoine', 'Bonnet', 'Faure',
] as const;

/** Human USER accounts (40 users in all with admin, trackers, harvesters). */
export const HUMAN_USER_COUNT = 34;

export const HARVESTERS = [
  { _id: 'u-harvest-datagouv', name: 'Moissonneur data.gouv.fr' },
  { _id: 'u-harvest-observatoire', name: 'Extracteur Observatoire open data' },
] as const;

export const BROWSER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
] as const;

export const ROBOT_AGENTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; Qwantify/Bleriot/1.1; +https://help.qwant.com/bot)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
] as const;

export const MACHINE_AGENTS = [
  'curl/8.4.0',
  'python-requests/2.31.0',
  'Wget/1.21.4',
  'python-httpx/0.25.2',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
] as const;

export interface FileKind {
  contentType: string;
  ext: string;
}

export const CSV: FileKind = { contentType: 'text/csv', ext: 'csv' };
export const JSON_KIND: FileKind = { contentType: 'application/json', ext: 'json' };
export const XLS: FileKind = { contentType: 'application/vnd.ms-excel', ext: 'xls' };
export const GEOJSON: FileKind = { contentType: 'application/geo+json', ext: 'geojson' };
export const PDF: FileKind = { contentType: 'application/pdf', ext: 'pdf' };

export const LICENCES = [
  ['Licence Ouverte v2.0', 62],
  ['ODbL', 24],
  ['CC-BY 4.0', 4],
  [null, 10],
] as const;

export const REUSE_TITLES: Readonly<Record<ReuseType, readonly string[]>> = {
  VISUALIZATION: ['Carte interactive : {t}', 'Tableau de bord — {t}', 'Datavisualisation : {t}'],
  APPLICATION: ['Application mobile « {t} »', 'Service en ligne autour de « {t} »'],
  ARTICLE: ['Ce que disent les données : {t}', 'Décryptage : {t}'],
  API: ['API REST — {t}', 'Flux temps réel : {t}'],
  PAPER: ['Étude statistique : {t}', 'Mémoire de master : {t}'],
  OTHER: ['Notebook Jupyter : {t}', 'Jeu de données enrichi : {t}'],
};
