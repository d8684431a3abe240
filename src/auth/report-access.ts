/**
 * Who may ask for a usage report, and what one caller sees in it
 * (docs/permissions.md). Used by the CSV and GraphQL reports, the usage
 * table and SUSHI.
 *
 * @packageDocumentation
 */
import type { Caller } from '../domain/caller';
import { canSeeDataset } from './visibility';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import type { DatasetInfo } from '../store/report.repository';

/** Reports are for ADMIN and USER callers: anonymous → UNAUTHENTICATED, TRACKER → FORBIDDEN. */
export function assertCanReport(caller: Caller): asserts caller is Extract<Caller, { kind: 'user' }> {
  if (caller.kind !== 'user') throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'an API key is required');
  if (caller.role !== 'ADMIN' && caller.role !== 'USER') {
    throw new GatewayError(ErrorCode.FORBIDDEN, 'usage reports need the role ADMIN or USER');
  }
}

/** What one caller may see in a report, with a per-report memo. */
export interface ReportAccess {
  /** Admins see every row and every parent. */
  readonly seesAll: boolean;
  /** Rows of the by-user reports are limited to this user (null: all users). */
  readonly onlyUserId: string | null;
  /** Whether the dataset exists in the catalog and the caller may see it. */
  canSeeDataset(id: string): boolean;
}

/**
 * The access of a caller over a catalog. Callers are expected to be ADMIN
 * or USER here ({@link assertCanReport} refuses anonymous and TRACKER
 * callers first); for anyone else this still only grants what
 * `canSeeDataset` grants.
 */
export function reportAccess(caller: Caller, datasets: ReadonlyMap<string, DatasetInfo>): ReportAccess {
  const seesAll = caller.kind === 'user' && caller.role === 'ADMIN';
  const memo = new Map<string, boolean>();
  return {
    seesAll,
    onlyUserId: seesAll || caller.kind !== 'user' ? null : caller.userId,
    canSeeDataset(id: string): boolean {
      let v = memo.get(id);
      if (v === undefined) {
        const d = datasets.get(id);
        v = d !== undefined && canSeeDataset({ ...d, ownerId: d.ownerId, spaceIds: [...d.spaceIds] }, caller);
        memo.set(id, v);
      }
      return v;
    },
  };
}
