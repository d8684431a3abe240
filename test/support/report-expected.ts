/**
 * The expected rows of the usage report tests (test/reports-*.test.ts), as
 * CSV records keyed by column: every one computed by hand from
 * REPORT_EVENTS and the report catalog (test/support/report-fixtures.ts).
 */
import { NAMES } from './report-fixtures';

export type Rec = Record<string, string>;

export const F_AT = '2024-12-01T00:00:00.000Z';
/** F_AT as a CSV cell (a date-time spreadsheets open as a date). */
export const F_CELL = '2024-12-01 00:00:00';

/** The file report for an admin, all time, by hand. */
export const FILES_ADMIN: Rec[] = [
  {
    type: 'file', id: 'f1', name: NAMES.f1, owner: NAMES.carol, owner_id: 'carol', size_kb: '2', uploaded: F_CELL,
    views: '1', downloads: '2', last_viewed: '2025-01-10 10:10:00', last_downloaded: '2025-01-10 10:05:00',
    location: '', parent_datasets: 'd-pub', parent_collections: 'c-child', parent_spaces: 's2', status: 'PROCESSED',
    parent_dataset_names: `'${NAMES.dPub}`, parent_collection_names: `'${NAMES.cChild}`, parent_space_names: `'${NAMES.s2}`,
  },
  {
    type: 'file', id: 'f2', name: `'${NAMES.f2}`, owner: NAMES.alice, owner_id: 'alice', size_kb: '2', uploaded: F_CELL,
    views: '1', downloads: '1', last_viewed: '2025-02-03 08:00:00', last_downloaded: '2025-02-03 08:01:00',
    location: '', parent_datasets: 'd-priv', parent_collections: 'c-root', parent_spaces: 's1', status: 'PROCESSED',
    parent_dataset_names: NAMES.dPriv, parent_collection_names: NAMES.cRoot, parent_space_names: NAMES.s1,
  },
  {
    type: 'file', id: 'f3', name: NAMES.f3, owner: '', owner_id: '', size_kb: '0', uploaded: F_CELL,
    // The double click (09:00:00, 09:00:10) is one download, dated by the click kept: the last (CoP-RD §10).
    views: '0', downloads: '1', last_viewed: '', last_downloaded: '2025-01-20 09:00:10',
    location: '', parent_datasets: 'd-pub,d-priv', parent_collections: 'c-child,c-root', parent_spaces: 's2,s1', status: 'PROCESSED',
    parent_dataset_names: `'${NAMES.dPub} | ${NAMES.dPriv}`,
    parent_collection_names: `'${NAMES.cChild} | ${NAMES.cRoot}`,
    parent_space_names: `'${NAMES.s2} | ${NAMES.s1}`,
  },
  {
    type: 'file', id: 'f4', name: `'${NAMES.f4}`, owner: NAMES.alice, owner_id: 'alice', size_kb: '0', uploaded: F_CELL,
    views: '1', downloads: '0', last_viewed: '2025-02-04 12:00:00', last_downloaded: '',
    location: '', parent_datasets: 'd-draft', parent_collections: '', parent_spaces: '', status: 'PROCESSED',
    parent_dataset_names: NAMES.dDraft, parent_collection_names: '', parent_space_names: '',
  },
];

export const DATASETS_ADMIN: Rec[] = [
  {
    type: 'dataset', id: 'd-pub', name: `'${NAMES.dPub}`, owner: NAMES.carol, owner_id: 'carol', created: '2024-06-01 00:00:00',
    // The dataset is the COUNTER unit: f1's and f3's use counts here too.
    views: '3', downloads: '4', last_viewed: '2025-01-10 11:05:00', last_downloaded: '2025-02-15 14:00:00',
    parent_collections: 'c-child', parent_spaces: 's2', parent_collection_names: `'${NAMES.cChild}`, parent_space_names: `'${NAMES.s2}`,
  },
  {
    type: 'dataset', id: 'd-priv', name: NAMES.dPriv, owner: NAMES.alice, owner_id: 'alice', created: '2024-07-01 00:00:00',
    views: '2', downloads: '3', last_viewed: '2025-02-03 08:00:00', last_downloaded: '2025-02-20 09:00:00',
    parent_collections: 'c-root', parent_spaces: 's1', parent_collection_names: NAMES.cRoot, parent_space_names: NAMES.s1,
  },
  {
    type: 'dataset', id: 'd-draft', name: NAMES.dDraft, owner: NAMES.alice, owner_id: 'alice', created: '2024-08-01 00:00:00',
    views: '2', downloads: '0', last_viewed: '2025-03-01 10:00:00', last_downloaded: '',
    parent_collections: '', parent_spaces: '', parent_collection_names: '', parent_space_names: '',
  },
];

export const COLLECTIONS_ADMIN: Rec[] = [
  {
    type: 'collection', id: 'c-child', name: `'${NAMES.cChild}`, owner: NAMES.alice, owner_id: 'alice', created: '2024-05-01 00:00:00',
    views: '2', last_viewed: '2025-03-02 10:00:00', parent_collections: 'c-root', parent_spaces: '',
    parent_collection_names: NAMES.cRoot, parent_space_names: '',
  },
  {
    type: 'collection', id: 'c-root', name: NAMES.cRoot, owner: NAMES.alice, owner_id: 'alice', created: '2024-05-01 00:00:00',
    views: '1', last_viewed: '2025-01-15 10:00:00', parent_collections: '', parent_spaces: 's1',
    parent_collection_names: '', parent_space_names: NAMES.s1,
  },
];

const byUser = (type: string, id: string, name: string, user: 'alice' | 'bob' | 'carol', views: string, downloads: string, lastViewed: string, lastDownloaded: string): Rec => ({
  type, id, name, user_id: user, user_name: NAMES[user], views, downloads, last_viewed: lastViewed, last_downloaded: lastDownloaded,
});

export const FILES_BY_USER: Rec[] = [
  byUser('file', 'f2', `'${NAMES.f2}`, 'bob', '1', '1', '2025-02-03 08:00:00', '2025-02-03 08:01:00'),
  byUser('file', 'f1', NAMES.f1, 'alice', '0', '1', '', '2025-01-10 10:00:00'),
  byUser('file', 'f1', NAMES.f1, 'bob', '0', '1', '', '2025-01-10 10:05:00'),
  byUser('file', 'f3', NAMES.f3, 'alice', '0', '1', '', '2025-01-20 09:00:10'),
  byUser('file', 'f4', `'${NAMES.f4}`, 'alice', '1', '0', '2025-02-04 12:00:00', ''),
];

// A user's use of a dataset includes their use of its files (f1 ∈ d-pub, f2 ∈ d-priv, f3 ∈ both, f4 ∈ d-draft).
export const DATASETS_BY_USER: Rec[] = [
  byUser('dataset', 'd-priv', NAMES.dPriv, 'bob', '2', '2', '2025-02-03 08:00:00', '2025-02-20 09:00:00'),
  byUser('dataset', 'd-pub', `'${NAMES.dPub}`, 'alice', '2', '2', '2025-01-10 11:05:00', '2025-01-20 09:00:10'),
  byUser('dataset', 'd-priv', NAMES.dPriv, 'alice', '0', '1', '', '2025-01-20 09:00:10'),
  byUser('dataset', 'd-pub', `'${NAMES.dPub}`, 'bob', '0', '1', '', '2025-01-10 10:05:00'),
  byUser('dataset', 'd-pub', `'${NAMES.dPub}`, 'carol', '0', '1', '', '2025-02-15 14:00:00'),
  byUser('dataset', 'd-draft', NAMES.dDraft, 'alice', '2', '0', '2025-03-01 10:00:00', ''),
];

export const COLLECTIONS_BY_USER: Rec[] = [
  byUser('collection', 'c-child', `'${NAMES.cChild}`, 'alice', '1', '', '2025-01-16 10:00:00', ''),
  byUser('collection', 'c-child', `'${NAMES.cChild}`, 'carol', '1', '', '2025-03-02 10:00:00', ''),
  byUser('collection', 'c-root', NAMES.cRoot, 'bob', '1', '', '2025-01-15 10:00:00', ''),
];

export const monthly = (id: string, title: string, month: string, v: string, d: string, a: string): Rec => ({
  dataset_title: title, dataset_id: id, month, monthly_visit: v, monthly_download_resource: d, monthly_api_calls: a,
});
// monthly_download_resource counts the downloads of the dataset's files too (data.gouv.fr's meaning).
// `month` is the month's first day, so spreadsheets open it as a date.
export const MONTHLY_P1: Rec[] = [
  monthly('d-priv', NAMES.dPriv, '2025-01-01', '1', '1', '0'),
  monthly('d-priv', NAMES.dPriv, '2025-02-01', '1', '2', '0'),
  monthly('d-pub', `'${NAMES.dPub}`, '2025-01-01', '3', '3', '0'),
  monthly('d-pub', `'${NAMES.dPub}`, '2025-02-01', '0', '1', '1'),
];
