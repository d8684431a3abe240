import { Visibility } from '../domain/resources';
import type { DatasetListScope } from '../store/catalog.repository';
import type { DatasetDoc, PortalDoc } from '../store/catalog.documents';
import type { Caller } from '../domain/caller';

/**
 * Who may see a dataset (docs/permissions.md):
 * - published PUBLIC: everyone, anonymous included;
 * - published PRIVATE: its owner, members of one of its spaces, admins;
 * - unpublished: its owner and admins.
 * Files follow their datasets: a file is visible when one of its datasets is.
 */
export function canSeeDataset(d: Pick<DatasetDoc, 'published' | 'visibility' | 'ownerId' | 'spaceIds'>, c: Caller): boolean {
  if (d.published && d.visibility === Visibility.PUBLIC) return true;
  if (c.kind !== 'user') return false;
  if (c.role === 'ADMIN') return true;
  if (c.role === 'TRACKER') return false;
  if (d.ownerId && d.ownerId === c.userId) return true;
  return d.published && d.spaceIds.some((s) => c.spaceIds.includes(s));
}

/**
 * Who may see the owner of a dataset they can see (`Dataset.owner`: name
 * and id; docs/permissions.md, "Owner names"). Owners are people, and a
 * user id may be a login name or an e-mail address, so both stay hidden
 * unless the dataset's portal publishes them (`publicOwnerNames`), or the
 * caller is a signed-in person (USER or ADMIN: the CSV reports, which only
 * they may read, list owners too). Anonymous callers and TRACKER keys (a
 * portal back end, no person) get null.
 */
export function canSeeOwner(portal: Pick<PortalDoc, 'publicOwnerNames'> | null | undefined, c: Caller): boolean {
  if (c.kind === 'user' && (c.role === 'ADMIN' || c.role === 'USER')) return true;
  return portal?.publicOwnerNames === true;
}

/**
 * The same rule for queries that list datasets: which datasets `c` may
 * list, which the store turns into its filter.
 */
export function datasetListScope(c: Caller): DatasetListScope {
  if (c.kind !== 'user' || c.role === 'TRACKER') return { kind: 'public' };
  if (c.role === 'ADMIN') return { kind: 'all' };
  return { kind: 'user', userId: c.userId, spaceIds: c.spaceIds };
}
