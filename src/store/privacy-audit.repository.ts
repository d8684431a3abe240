import { randomBytes } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Store } from './store';

/**
 * One erasure or access request as the `privacy_audit` collection keeps it:
 * who asked for what, when, through which door, and how much it touched.
 *
 * It holds **no identifier of the person**: neither the user id nor the
 * cookie, nor a hash of them. Why not a hash: user ids are short and
 * guessable ("reader-1", an e-mail address), so an unkeyed hash is the id
 * again to anyone who tries the candidates, and a record that outlives the
 * erasure must not undo it. The `_id` is a random receipt the operator
 * hands to the person (or files with the request), which ties the request
 * to this record without the record naming anyone.
 */
export interface PrivacyAuditDoc {
  /** Receipt: `pr_` + 16 random bytes, base64url. */
  _id: string;
  at: Date;
  action: 'forget' | 'forget-dry-run' | 'export';
  /** The admin's user id (GraphQL), or `cli:<operating-system user>`. */
  by: string;
  via: 'graphql' | 'cli';
  /** The sender whose end user it was; null: every sender. */
  sender: string | null;
  /** Which kinds of identifier the request named (never their values). */
  identifiers: ('userId' | 'cookie')[];
  /** `running` from the start of the request, then `done` or `failed`. */
  status: 'running' | 'done' | 'failed';
  finishedAt: Date | null;
  /** Events removed (forget), found (dry run) or given out (export). */
  events: number;
  /** Days recounted (forget). */
  daysRecounted: number;
}

export function newReceipt(): string {
  return `pr_${randomBytes(16).toString('base64url')}`;
}

export class PrivacyAuditRepository {
  private readonly col: Collection<PrivacyAuditDoc>;

  constructor(store: Store) {
    this.col = store.db.collection<PrivacyAuditDoc>('privacy_audit');
  }

  async record(doc: PrivacyAuditDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  async finish(receipt: string, outcome: Pick<PrivacyAuditDoc, 'status' | 'finishedAt'> & Partial<Pick<PrivacyAuditDoc, 'events' | 'daysRecounted'>>): Promise<void> {
    await this.col.updateOne({ _id: receipt }, { $set: outcome });
  }

  /** The latest records, newest first. Why a sort on `at` (a scan on FerretDB): the collection grows by a few records a month. */
  async latest(limit: number): Promise<PrivacyAuditDoc[]> {
    return this.col.find({}).sort({ at: -1, _id: 1 }).limit(limit).toArray();
  }
}
