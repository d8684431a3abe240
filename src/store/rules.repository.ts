import type { Collection } from 'mongodb';
import type { RuleSetStore, StoredRuleSet } from '../domain/counting-rules';
import type { Store } from './store';
import { DUPLICATE_KEY } from './bulk';

type RuleSetDoc = StoredRuleSet & { _id: string };

const ID = 'counting-rules';

/**
 * The shared counting rule set: one document, `meta` `counting-rules`
 * (read by `_id`, so FerretDB answers from its index). A new version
 * replaces it only if the version read is still there.
 *
 * On FerretDB an update is a read-modify-write, so two publishes at the
 * same instant could both pass that check; publishing is an operator
 * command (`usage-gateway refresh-rules`), and either result is a whole,
 * consistent rule set that every process then follows.
 */
export class RulesRepository implements RuleSetStore {
  private readonly col: Collection<RuleSetDoc>;

  constructor(store: Store) {
    this.col = store.db.collection<RuleSetDoc>('meta');
  }

  async head(): Promise<{ version: number; digest: string } | null> {
    const d = await this.col.findOne({ _id: ID }, { projection: { version: 1, digest: 1 } });
    return d ? { version: d.version, digest: d.digest } : null;
  }

  async read(): Promise<StoredRuleSet | null> {
    const d = await this.col.findOne({ _id: ID });
    if (!d) return null;
    const { _id, ...rules } = d;
    void _id;
    return rules;
  }

  async replace(expected: number | null, next: StoredRuleSet): Promise<boolean> {
    if (expected === null) {
      try {
        await this.col.insertOne({ _id: ID, ...next });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === DUPLICATE_KEY) return false;
        throw err;
      }
    }
    const r = await this.col.replaceOne({ _id: ID, version: expected }, next);
    return r.matchedCount === 1;
  }
}
