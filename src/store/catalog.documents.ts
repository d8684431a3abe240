/**
 * Documents of the catalog the portal pushes: `portals`, `spaces`,
 * `collections`, `datasets`, `files`, `users` and `themes`. They use the
 * portal's own ids as `_id`, so pushing the catalog again is an idempotent
 * upsert. (Other collections: usage.documents.ts, reuse.documents.ts,
 * api-key.documents.ts, event-log.repository.ts; every `_id` layout:
 * storage-keys.ts.)
 *
 * FerretDB limits shape these: no `.` or leading `$` in keys, no nested
 * arrays.
 */
import type { Visibility } from '../domain/resources';

export interface PortalDoc {
  _id: string;
  name: string;
  url?: string | null;
  /**
   * Dataset owners' names are public on this portal (shown to anonymous
   * callers and TRACKER keys too). Absent or false (the default): only
   * signed-in people see them (docs/permissions.md, "Owner names").
   */
  publicOwnerNames?: boolean;
}

export interface SpaceDoc {
  _id: string;
  name: string;
  description?: string | null;
  /** Users who may see the space's private datasets. */
  memberIds: string[];
  createdAt: Date;
}

export interface CollectionDoc {
  _id: string;
  name: string;
  description?: string | null;
  ownerId?: string | null;
  parentCollectionIds: string[];
  spaceIds: string[];
  createdAt: Date;
}

export interface DatasetDoc {
  _id: string;
  title: string;
  description?: string | null;
  portalId: string;
  ownerId?: string | null;
  spaceIds: string[];
  collectionIds: string[];
  themeIds: string[];
  licence?: string | null;
  publisher?: string | null;
  /** The publisher's id: a GRID id (`grid.…`), an ISNI (16 digits), else any URN or URL (e.g. ROR); COUNTER `publisher-id`. Null: the portal's id. */
  publisherId?: string | null;
  /** Creators' names, in order (COUNTER `dataset-contributors`). */
  contributors?: string[] | null;
  /** First publication (COUNTER `dataset-dates` pub-date and `yop`). */
  publicationDate?: Date | null;
  /** The dataset's landing page (COUNTER `uri`). */
  landingPageUrl?: string | null;
  /** DOI, normalised (`10.5061/dryad.x1`, lower case, no `doi:` or resolver prefix): the dataset's id in COUNTER reports. */
  doi?: string | null;
  published: boolean;
  visibility: Visibility;
  recordCount: number;
  createdAt: Date;
  modifiedAt: Date;
}

export interface FileDoc {
  _id: string;
  title: string;
  sizeBytes: number;
  contentType?: string | null;
  datasetIds: string[];
  ownerId?: string | null;
  createdAt: Date;
}

export interface UserDoc {
  _id: string;
  name: string;
  email?: string | null;
  role: 'ADMIN' | 'USER' | 'TRACKER';
  /** Extractors and harvesters: their traffic is machine traffic. */
  automated: boolean;
  /** For a TRACKER: the portals it may record events for; absent or empty = every portal. */
  portalIds?: string[] | null;
  createdAt: Date;
}

export interface ThemeDoc {
  _id: string;
  name: string;
}
