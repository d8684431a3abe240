/**
 * CSV records of the usage reports: rows (report-rows.ts) to the cells of
 * their report's columns (report-columns.ts). Pure.
 */
import { ResourceType } from '../domain/resources';
import { idList, nameList, type CellValue } from './csv-format';
import { spreadsheetDateTime, spreadsheetMonth } from '../dates/date-input';
import {
  REPORT_TYPE_LABELS,
  toMergedRecord,
  type ByUserReportColumn,
  type CollectionReportColumn,
  type DatasetReportColumn,
  type FileReportColumn,
  type MergedReportColumn,
  type MonthlyExportColumn,
  type TrafficColumn,
} from './report-columns';
import type { ByUserReportRow, MonthlyUsageRow, NamedRef, ResourceReportRow } from './report-rows';

// ---------------------------------------------------------------------------
// CSV records
// ---------------------------------------------------------------------------

type Rec<C extends string> = Record<C, CellValue>;

/**
 * Dates in CSV cells: `YYYY-MM-DD HH:MM:SS` UTC, which LibreOffice Calc
 * and Excel open as date-times without an import dialog (Clowder's
 * `…T…Z` with milliseconds stays text in both); blank for never.
 */
const sheet = (d: Date | null | undefined): string => spreadsheetDateTime(d);

const ids = (refs: readonly NamedRef[]): string => idList(refs.map((r) => r.id));
const names = (refs: readonly NamedRef[]): string => nameList(refs.map((r) => r.name));

/** The cells of the traffic columns (the dataset report's last, the merged report's for every type). */
function trafficCells(r: ResourceReportRow): Rec<TrafficColumn> {
  return {
    api_calls: r.apiCalls,
    portal: r.portalId,
    visibility: r.visibility,
    machine_views: r.machineViews,
    machine_downloads: r.machineDownloads,
    machine_api_calls: r.machineApiCalls,
    robot_events: r.robotEvents,
  };
}

/** A file row as a record of {@link FILE_REPORT_COLUMNS}. */
export function fileRecord(r: ResourceReportRow): Rec<FileReportColumn> {
  return {
    type: REPORT_TYPE_LABELS.FILE,
    id: r.id,
    name: r.name,
    owner: r.owner?.name ?? null,
    owner_id: r.owner?.id ?? null,
    size_kb: r.sizeKb,
    uploaded: sheet(r.createdAt),
    views: r.views,
    downloads: r.downloads,
    last_viewed: sheet(r.lastViewedAt),
    last_downloaded: sheet(r.lastDownloadedAt),
    location: r.location,
    parent_datasets: ids(r.parentDatasets),
    parent_collections: ids(r.parentCollections),
    parent_spaces: ids(r.parentSpaces),
    status: r.status,
    parent_dataset_names: names(r.parentDatasets),
    parent_collection_names: names(r.parentCollections),
    parent_space_names: names(r.parentSpaces),
  };
}

/** A dataset row as a record of {@link DATASET_REPORT_COLUMNS}. */
export function datasetRecord(r: ResourceReportRow): Rec<DatasetReportColumn> {
  return {
    type: REPORT_TYPE_LABELS.DATASET,
    id: r.id,
    name: r.name,
    owner: r.owner?.name ?? null,
    owner_id: r.owner?.id ?? null,
    created: sheet(r.createdAt),
    views: r.views,
    downloads: r.downloads,
    last_viewed: sheet(r.lastViewedAt),
    last_downloaded: sheet(r.lastDownloadedAt),
    parent_collections: ids(r.parentCollections),
    parent_spaces: ids(r.parentSpaces),
    parent_collection_names: names(r.parentCollections),
    parent_space_names: names(r.parentSpaces),
    ...trafficCells(r),
  };
}

/** A collection row as a record of {@link COLLECTION_REPORT_COLUMNS}. */
export function collectionRecord(r: ResourceReportRow): Rec<CollectionReportColumn> {
  return {
    type: REPORT_TYPE_LABELS.COLLECTION,
    id: r.id,
    name: r.name,
    owner: r.owner?.name ?? null,
    owner_id: r.owner?.id ?? null,
    created: sheet(r.createdAt),
    views: r.views,
    last_viewed: sheet(r.lastViewedAt),
    parent_collections: ids(r.parentCollections),
    parent_spaces: ids(r.parentSpaces),
    parent_collection_names: names(r.parentCollections),
    parent_space_names: names(r.parentSpaces),
  };
}

/** The record of a resource row in its own type's report. */
export function resourceRecord(r: ResourceReportRow): Record<string, CellValue> {
  switch (r.type) {
    case ResourceType.FILE:
      return fileRecord(r);
    case ResourceType.DATASET:
      return datasetRecord(r);
    case ResourceType.COLLECTION:
      return collectionRecord(r);
  }
}

/**
 * A resource row as a record of {@link MERGED_REPORT_COLUMNS}: the type's
 * own record, with `uploaded`/`created` moved to the merged date column;
 * columns the type lacks are absent, hence blank.
 */
export function mergedRecord(r: ResourceReportRow): Partial<Rec<MergedReportColumn>> {
  return {
    ...(toMergedRecord(resourceRecord(r)) as Partial<Rec<MergedReportColumn>>),
    // The traffic columns of the dataset report, for every type.
    ...trafficCells(r),
  };
}

/** A by-user row as a record of {@link BY_USER_REPORT_COLUMNS} (collections: blank download cells). */
export function byUserRecord(r: ByUserReportRow): Rec<ByUserReportColumn> {
  return {
    type: REPORT_TYPE_LABELS[r.type],
    id: r.id,
    name: r.name,
    user_id: r.user.id,
    user_name: r.user.name,
    views: r.views,
    downloads: r.downloads,
    last_viewed: sheet(r.lastViewedAt),
    last_downloaded: sheet(r.lastDownloadedAt),
  };
}

/** A monthly row as a record of {@link MONTHLY_EXPORT_COLUMNS}. */
export function monthlyRecord(r: MonthlyUsageRow): Rec<MonthlyExportColumn> {
  return {
    dataset_title: r.datasetTitle,
    dataset_id: r.datasetId,
    // The month's first day: a date in spreadsheets (`YYYY-MM` is text).
    month: spreadsheetMonth(r.month),
    monthly_visit: r.views,
    monthly_download_resource: r.downloads,
    monthly_api_calls: r.apiCalls,
  };
}

