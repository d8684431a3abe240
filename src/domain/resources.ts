/** Kinds of catalog resource whose use is tracked. */
export enum ResourceType {
  FILE = 'FILE',
  DATASET = 'DATASET',
  COLLECTION = 'COLLECTION',
}

/** What an access event did to a resource. */
export enum AccessAction {
  /** Someone looked at the resource's page or metadata (a COUNTER investigation). */
  VIEW = 'VIEW',
  /** Someone retrieved the data itself (a COUNTER request, also an investigation). */
  DOWNLOAD = 'DOWNLOAD',
  /** A programmatic read through the portal's API (a COUNTER investigation). */
  API_CALL = 'API_CALL',
}

export enum Visibility {
  PUBLIC = 'PUBLIC',
  PRIVATE = 'PRIVATE',
}
