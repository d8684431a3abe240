/**
 * Column lists of the CSV usage reports.
 *
 * The first columns of each resource report are Clowder's, byte for byte and
 * in Clowder's order (app/api/Reporting.scala), so that spreadsheets and
 * scripts written against Clowder's `FileMetrics.csv`, `DatasetMetrics.csv`,
 * `CollectionMetrics.csv` and `AllMetrics.csv` keep working. Our additions
 * always come *after* Clowder's columns, never in between, for the same reason.
 *
 * The lists are frozen tuples: they are `readonly string[]` for callers, keep
 * their literal types for row builders (`FileReportColumn` …), and cannot be
 * mutated at run time by a careless `push` in one request handler that would
 * otherwise change every later report.
 *
 * @packageDocumentation
 */

/**
 * Our traffic columns: API calls, the dataset's portal and visibility,
 * machine use and robot events. The dataset report ends with them, and the
 * merged report has them for every type.
 */
const TRAFFIC_COLUMNS = ['api_calls', 'portal', 'visibility', 'machine_views', 'machine_downloads', 'machine_api_calls', 'robot_events'] as const;
export type TrafficColumn = (typeof TRAFFIC_COLUMNS)[number];

/**
 * Columns of `GET /api/reports/metrics/files`.
 *
 * Clowder's 16 columns, then the names of the parents (Clowder only gives
 * their ids). `parent_dataset_names` lists names in the same order as the ids
 * in `parent_datasets` (likewise for collections and spaces).
 */
export const FILE_REPORT_COLUMNS = Object.freeze([
  'type',
  'id',
  'name',
  'owner',
  'owner_id',
  'size_kb',
  'uploaded',
  'views',
  'downloads',
  'last_viewed',
  'last_downloaded',
  'location',
  'parent_datasets',
  'parent_collections',
  'parent_spaces',
  'status',
  // --- our additions ---
  'parent_dataset_names',
  'parent_collection_names',
  'parent_space_names',
] as const);

/**
 * Columns of `GET /api/reports/metrics/datasets`: Clowder's 12, then parent
 * names, API calls, the portal and visibility, machine traffic (counted
 * apart) and robot events (never counted).
 */
export const DATASET_REPORT_COLUMNS = Object.freeze([
  'type',
  'id',
  'name',
  'owner',
  'owner_id',
  'created',
  'views',
  'downloads',
  'last_viewed',
  'last_downloaded',
  'parent_collections',
  'parent_spaces',
  // --- our additions ---
  'parent_collection_names',
  'parent_space_names',
  ...TRAFFIC_COLUMNS,
] as const);

/**
 * Columns of `GET /api/reports/metrics/collections`: Clowder's 10, then parent
 * names. Collections have no downloads in Clowder, hence no download columns.
 */
export const COLLECTION_REPORT_COLUMNS = Object.freeze([
  'type',
  'id',
  'name',
  'owner',
  'owner_id',
  'created',
  'views',
  'last_viewed',
  'parent_collections',
  'parent_spaces',
  // --- our additions ---
  'parent_collection_names',
  'parent_space_names',
] as const);

/**
 * The merged column of {@link MERGED_REPORT_COLUMNS} that holds a file's
 * `uploaded` date or a dataset's / collection's `created` date.
 */
export const MERGED_CREATED_COLUMN = 'uploaded/created';

/**
 * Columns of `GET /api/reports/metrics` (files, datasets and collections in
 * one file; a type that lacks a column gets a blank cell).
 *
 * Choice: this is Clowder's own merged header, unchanged, followed by our
 * additions. Clowder does not add a separate `created` column to the file
 * columns: it puts a file's upload date and a dataset's or collection's
 * creation date in one column named `uploaded/created`, in the slot where the
 * file report has `uploaded`. We keep that because (1) both dates mean "when
 * the resource came into being", so one column sorts and filters all three
 * types together, and (2) a separate `created` column would shift every later
 * column and break consumers of Clowder's `AllMetrics.csv`. Use
 * {@link toMergedRecord} to move `uploaded` / `created` into that column.
 *
 * Clowder writes collections first, then datasets, then files; the row order
 * is the row source's business, not this list's.
 */
export const MERGED_REPORT_COLUMNS = Object.freeze([
  'type',
  'id',
  'name',
  'owner',
  'owner_id',
  'size_kb',
  MERGED_CREATED_COLUMN,
  'views',
  'downloads',
  'last_viewed',
  'last_downloaded',
  'location',
  'parent_datasets',
  'parent_collections',
  'parent_spaces',
  'status',
  // --- our additions ---
  'parent_dataset_names',
  'parent_collection_names',
  'parent_space_names',
  ...TRAFFIC_COLUMNS,
] as const);

/**
 * Columns of the per-user reports (`files_by_user`, `datasets_by_user`,
 * `collections_by_user`), which Clowder designed but never built. One row per
 * (resource, user); collections leave the download columns blank.
 */
export const BY_USER_REPORT_COLUMNS = Object.freeze([
  'type',
  'id',
  'name',
  'user_id',
  'user_name',
  'views',
  'downloads',
  'last_viewed',
  'last_downloaded',
] as const);

/**
 * Columns of the organisation-wide monthly export, data.gouv.fr style: one row
 * per (dataset, month), `month` as `YYYY-MM`. `monthly_api_calls` is our
 * addition after udata's columns.
 */
export const MONTHLY_EXPORT_COLUMNS = Object.freeze([
  'dataset_title',
  'dataset_id',
  'month',
  'monthly_visit',
  'monthly_download_resource',
  'monthly_api_calls',
] as const);

/** A column name of {@link FILE_REPORT_COLUMNS}. */
export type FileReportColumn = (typeof FILE_REPORT_COLUMNS)[number];
/** A column name of {@link DATASET_REPORT_COLUMNS}. */
export type DatasetReportColumn = (typeof DATASET_REPORT_COLUMNS)[number];
/** A column name of {@link COLLECTION_REPORT_COLUMNS}. */
export type CollectionReportColumn = (typeof COLLECTION_REPORT_COLUMNS)[number];
/** A column name of {@link MERGED_REPORT_COLUMNS}. */
export type MergedReportColumn = (typeof MERGED_REPORT_COLUMNS)[number];
/** A column name of {@link BY_USER_REPORT_COLUMNS}. */
export type ByUserReportColumn = (typeof BY_USER_REPORT_COLUMNS)[number];
/** A column name of {@link MONTHLY_EXPORT_COLUMNS}. */
export type MonthlyExportColumn = (typeof MONTHLY_EXPORT_COLUMNS)[number];

/**
 * Value of the `type` column for each resource type, as Clowder writes it
 * (lower case). Keyed by the string values of the domain's `ResourceType`.
 */
export const REPORT_TYPE_LABELS = Object.freeze({
  FILE: 'file',
  DATASET: 'dataset',
  COLLECTION: 'collection',
} as const);

/**
 * Adapts a row of the file, dataset or collection report to
 * {@link MERGED_REPORT_COLUMNS}: copies `uploaded` (files) or `created`
 * (datasets, collections) into {@link MERGED_CREATED_COLUMN}. Every other
 * column already has the same name in the merged report; columns a type lacks
 * are simply absent and come out blank.
 *
 * Returns a new object; the input is not modified.
 */
export function toMergedRecord<V>(row: Readonly<Record<string, V>>): Record<string, V | undefined> {
  // Test for `undefined`, not nullishness: a file whose upload date is
  // explicitly null must give a blank cell, not fall through to a `created`
  // key that a row builder may have set for another purpose.
  const when = row['uploaded'] !== undefined ? row['uploaded'] : row['created'];
  return { ...row, [MERGED_CREATED_COLUMN]: when };
}
