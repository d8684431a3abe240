/**
 * What was sent to a usage hub, one document per hub and month in
 * `sushi_submissions` (`_id`: `<hub URL>|<YYYY-MM>`): the id the hub gave
 * the report, so a resubmission after a recount is a PUT to the same id
 * rather than a duplicate (src/sushi/sushi-cli.ts).
 */
import type { Collection } from 'mongodb';
import type { Store } from './store';
import { hubSubmissionId, hubSubmissionRange } from './storage-keys';

export interface HubSubmissionDoc {
  _id: string;
  hubUrl: string;
  month: string;
  /** The hub's id of the report (a UUID at DataCite). */
  reportId: string;
  submittedAt: Date;
  /** Datasets in the report sent. */
  datasets: number;
  /** Bytes of the body as sent (gzip when compressed). */
  bytes: number;
  gzip: boolean;
}

export class HubSubmissionRepository {
  private readonly col: Collection<HubSubmissionDoc>;

  constructor(store: Store) {
    this.col = store.db.collection<HubSubmissionDoc>('sushi_submissions');
  }

  get(hubUrl: string, month: string): Promise<HubSubmissionDoc | null> {
    return this.col.findOne({ _id: hubSubmissionId(hubUrl, month) });
  }

  async save(doc: Omit<HubSubmissionDoc, '_id'>): Promise<void> {
    const _id = hubSubmissionId(doc.hubUrl, doc.month);
    await this.col.replaceOne({ _id }, doc, { upsert: true });
  }

  /** The months already sent to this hub. */
  async months(hubUrl: string): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const d of this.col.find({ _id: hubSubmissionRange(hubUrl) }, { projection: { month: 1 } })) out.add(d.month);
    return out;
  }
}
