/*
 * English and French labels. The language comes from navigator.language and
 * can be switched on the page; numbers follow the same locale (format.ts).
 */
import { fr } from './i18n-fr';

const en = {
  appTitle: 'Data usage dashboard',
  skipToContent: 'Skip to content',
  navDashboard: 'Dashboard',
  navTree: 'Usage tree',
  navGraphiql: 'GraphQL explorer',
  switchLang: 'Français',
  switchLangLabel: 'Afficher la page en français',
  keyLabel: 'API key',
  keyPlaceholder: 'Paste an API key',
  keyUse: 'Use key',
  keyForget: 'Forget key',
  keyAnonymous: 'Without a key you see public, published data only.',
  keySignedIn: 'Signed in as {name} ({role}): you see what this key may see.',
  keyInvalid: 'This key is not valid or has expired. It was dropped; you now see public data only.',
  keyHint: 'The key is kept in this tab only (sessionStorage), never in the address.',
  filters: 'Filters',
  visibility: 'Datasets',
  visALL: 'All',
  visPUBLIC: 'Public',
  visPRIVATE: 'Private',
  portal: 'Portal',
  network: 'Network (all portals)',
  window: 'Time window',
  win7: 'Last 7 days',
  win30: 'Last 30 days',
  win365: 'Last 365 days',
  winAll: 'All time',
  winCustom: 'Custom…',
  from: 'From',
  to: 'To',
  apply: 'Apply',
  loading: 'Loading…',
  error: 'Could not load the data: {message}',
  retry: 'Retry',
  empty: 'No data for this selection.',
  totals: 'Totals',
  datasets: 'Datasets',
  records: 'Records',
  views: 'Views',
  downloads: 'Downloads',
  apiCalls: 'API calls',
  reuses: 'Reuses',
  reuseShare: 'Datasets with reuses',
  score: 'Score',
  traffic: 'Traffic',
  robotShare: 'Robot share',
  machineShare: 'Machine share',
  trafficNote: 'All time, on these datasets: robot events among all recorded events (robots are never counted as use); machine use (scripts, harvesters) among all use.',
  trafficNoteApi: 'In the window, on these datasets: robot events among all recorded events (robots are never counted as use); machine use (scripts, harvesters) among all use.',
  gaps: 'Metadata gaps',
  missingTheme: 'Without a theme',
  missingLicence: 'Without a licence',
  missingPublisher: 'Without a publisher',
  popularity: 'Popularity',
  mostPopular: 'Top 5 most popular',
  leastPopular: 'Least popular 5',
  details: 'Details',
  detailsHint: 'Select a bar (or a row of its table) to see the dataset here.',
  label: 'Label',
  id: 'Id',
  openDataset: 'Open the dataset page',
  seeMore: 'See more: score distribution',
  seeLess: 'Hide the score distribution',
  histogram: 'Score distribution',
  scoreRange: 'Score range',
  count: 'Datasets',
  top5: 'Top 5',
  top5Downloads: 'Top 5 by downloads',
  top5ApiCalls: 'Top 5 by API calls',
  top5Reuses: 'Top 5 by reuses',
  themes: 'Theme distribution',
  theme: 'Theme',
  averageScore: 'Average score',
  formula: 'The popularity formula is open',
  formulaText: 'score = 100 × Σ weight × ln(1 + count) / ln(1 + highest count of the scope), for downloads (weight {d}), API calls ({a}) and reuses ({r}). Version {v}.',
  showTable: 'Show table',
  hideTable: 'Hide table',
  downloadCsv: 'Download CSV',
  scopeNETWORK: 'Scores relative to every portal (network).',
  scopePORTAL: 'Scores relative to this portal.',
  windowShown: 'Activity from {from} to {to}.',
  windowAll: 'Activity of all time.',
  back: '← Back to the dashboard',
  notFound: 'This dataset does not exist or you may not see it.',
  datasetMeta: 'About',
  publisher: 'Publisher',
  licence: 'Licence',
  themesLabel: 'Themes',
  collections: 'Collections',
  visibilityLabel: 'Access',
  PUBLIC: 'Public',
  PRIVATE: 'Private',
  none: '—',
  usageOverTime: 'Usage over time',
  granularity: 'Granularity',
  DAY: 'Day',
  MONTH: 'Month',
  period: 'Period',
  uniqueVsTotal: 'Unique vs total (all time)',
  measure: 'Measure',
  total: 'Total',
  unique: 'Unique sessions',
  investigations: 'Investigations',
  requests: 'Requests (downloads)',
  regularVsMachine: 'Regular vs machine (all time)',
  regular: 'Regular (people)',
  machine: 'Machine',
  robotEvents: 'Robot events (not counted)',
  files: 'Files',
  file: 'File',
  size: 'Size',
  reusesList: 'Reuses',
  createdAt: 'Registered',
  noReuses: 'No known reuse.',
  popularityScore: 'Popularity score',
  rank: 'Rank',
  percentile: 'Percentile',
  contribution: 'Points',
  maxPoints: 'Out of',
  value: 'Count',
  metric: 'Metric',
  scopeSwitch: 'Scope',
  PORTAL: 'Portal',
  NETWORK: 'Network',
  noScore: 'No score: the dataset is not published.',
  rankOf: '{rank} of {size}',
  tree: 'Usage tree',
  treeHint: 'Collections → datasets → files. Select a collection to see which of its datasets get the most use.',
  collection: 'Collection',
  subCollections: 'Sub-collections',
  use: 'Use (views + downloads + API calls)',
  datasetUse: 'Which datasets get the most use',
  noCollections: 'No collection.',
  tableOf: 'Table: {title}',
  andMore: 'And {n} more.',
  loadingView: 'Loading the figures…',
  errorTitle: 'The figures could not be loaded.',
  errorNetwork: 'The gateway could not be reached. Check the connection, then retry.',
  errorServer: 'The gateway ran into a problem on its side. Retry in a moment; if it goes on, tell its administrator.',
  errorTimeout: 'The gateway took too long for this selection. Retry, or pick a shorter time window.',
  errorRateLimited: 'Too many requests for now. Wait a minute, then retry.',
  errorBadInput: 'This selection is not valid: check the dates of the custom window.',
  errorForbidden: 'This key may not see this. Use another key, or the public view.',
  errorCode: 'Error code: {code}',
  needKeyTitle: 'Private datasets need an API key',
  needKey: 'Without a key only public, published datasets are visible, so there is nothing private to show. Paste an API key in the field at the top of the page: a USER key sees the private datasets shared with its spaces, an ADMIN key sees all of them.',
  needKeyAction: 'Go to the key field',
  emptyScores: 'Every dataset here has a score of 0: no download, API call or reuse in this window.',
  emptyCounts: 'No dataset has any {metric} in this window.',
  emptyValues: 'Nothing to draw: every value is 0 in this selection.',
  emptySeries: 'No use in this period.',
  emptyThemes: 'No dataset of this selection has a theme.',
  partialMonth: 'Partial month',
  partialDay: 'Today (partial)',
  partialNote: 'The last period ({period}) is not over yet: its figures are partial.',
  countries: 'Where use comes from',
  country: 'Country',
  unknownCountry: 'Unknown',
  countriesNote: 'Regular use (views + downloads + API calls) by the visitor’s country; visitors whose country is not known count as “unknown”. Countries too small for the map are in the table.',
  countriesUnavailable: 'This gateway does not report countries yet.',
  noCountries: 'No use in this selection, so no country to show.',
  networkUsage: 'Usage over time: the network',
  portalUsage: 'Usage over time: {name}',
  collectionUsage: 'Usage over time (with its sub-collections)',
  fileUsage: 'Usage over time: {name}',
  fileHint: 'Select a file (its name in the table) to see its use over time.',
  topCollections: 'Most used collections',
  treeLanding: 'Select a collection to see its datasets and files.',
  subtreeNote: 'Figures include the sub-collections.',
  reuseAPI: 'API',
  reuseAPPLICATION: 'Application',
  reuseARTICLE: 'Article',
  reuseOTHER: 'Other',
  reusePAPER: 'Paper',
  reuseVISUALIZATION: 'Visualisation',
  avgScoreShort: 'avg. score {s}',
  themeList: 'Themes, datasets and average score',
  useShort: 'Use',
  kv: '{k}: {v}',
  chartOf: 'Chart: {title}',
};

export type MessageKey = keyof typeof en;


const dictionaries = { en, fr } as const;
export type Lang = keyof typeof dictionaries;

const LANG_KEY = 'usage-gateway.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'fr') return saved;
  } catch {
    /* storage disabled */
  }
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

let current: Lang = initialLang();

export const lang = (): Lang => current;
/** BCP 47 locale for Intl: the browser's own when it matches the language (fr-CA stays fr-CA). */
export const locale = (): string => (navigator.language.toLowerCase().startsWith(current) ? navigator.language : current === 'fr' ? 'fr-FR' : 'en-GB');

export function setLang(l: Lang): void {
  current = l;
  try {
    localStorage.setItem(LANG_KEY, l);
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
  document.documentElement.lang = l;
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return dictionaries[current][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}
