/**
 * The counting rules in force — the COUNTER-Robots and machine lists and
 * the operator's `ROBOT_PATTERNS` / `MACHINE_PATTERNS` — as one versioned
 * rule set shared by every process through the database.
 *
 * Why shared: each process used to compile the lists it found at start.
 * After `recount` under new lists, an instance still holding the old ones
 * counted that day again under them at its next pass (a recount turned a
 * dataset's views 3 → 0, one new event through the running instance put
 * them back to 3). Now the database holds the rule set and its version;
 * an aggregator checks the version under the aggregation lock before every
 * pass, recount and rebuild and reloads when it moved, so no day is
 * counted under two rule sets, whichever process writes.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { createTrafficClassifier, memoizedClassifier, type TrafficClass, type TrafficClassifier } from './classify';
import type { RuleSetDefinition, RuleSetStore } from '../domain/counting-rules';

export type { RuleSetDefinition, RuleSetStore, StoredRuleSet } from '../domain/counting-rules';

export function ruleSetDigest(d: RuleSetDefinition): string {
  return createHash('sha256').update(JSON.stringify([d.robots, d.machines, d.extraRobots, d.extraMachines])).digest('hex');
}

function compile(d: RuleSetDefinition): TrafficClassifier {
  return memoizedClassifier(
    createTrafficClassifier({ robotList: d.robots, machineList: d.machines, extraRobotPatterns: d.extraRobots, extraMachinePatterns: d.extraMachines }),
  );
}

/**
 * The rule set this process counts with: a {@link TrafficClassifier} whose
 * rules follow the database's version ({@link sync}). Until the first sync
 * it counts with the local definition (the files and environment of this
 * process).
 */
export class CountingRules implements TrafficClassifier {
  private classifier: TrafficClassifier;
  private held: { version: number; digest: string } | null = null;

  /**
   * @param store the shared rule set
   * @param local this process's definition: published as version 1 into an
   *   empty database; otherwise only by {@link publish} (`usage-gateway
   *   refresh-rules`)
   * @param onMismatch told once per version when the database's rules differ
   *   from the local definition (a process started with other lists or patterns)
   */
  constructor(
    private readonly store: RuleSetStore,
    private readonly local: RuleSetDefinition,
    private readonly onMismatch: (info: { version: number }) => void = () => undefined,
  ) {
    this.classifier = compile(local);
  }

  classify(userAgent: string | null | undefined, opts?: { automatedAccount?: boolean }): TrafficClass {
    return this.classifier.classify(userAgent, opts);
  }

  /** The version counted with (null before the first sync). */
  get version(): number | null {
    return this.held?.version ?? null;
  }

  /**
   * Follows the database: loads its rule set when the version moved (one
   * `_id` read when it did not). Publishes the local definition into an
   * empty database. Resolves true when the rules counted with changed.
   */
  async sync(): Promise<boolean> {
    let head = await this.store.head();
    if (!head) {
      await this.store.replace(null, { ...this.local, version: 1, digest: ruleSetDigest(this.local), publishedAt: new Date() });
      head = await this.store.head();
      if (!head) throw new Error('the counting rule set could not be stored');
    }
    if (this.held && this.held.version === head.version && this.held.digest === head.digest) return false;
    const stored = await this.store.read();
    if (!stored) throw new Error('the counting rule set vanished while being read');
    const changed = this.held === null ? stored.digest !== ruleSetDigest(this.local) : true;
    this.classifier = compile(stored);
    this.held = { version: stored.version, digest: stored.digest };
    if (stored.digest !== ruleSetDigest(this.local)) this.onMismatch({ version: stored.version });
    return changed;
  }

  /**
   * Makes `definition` (default: the local one) the rule set of every
   * process, as a new version, unless it is the one in force. Resolves
   * with the version in force afterwards and whether it moved.
   */
  async publish(definition: RuleSetDefinition = this.local): Promise<{ version: number; changed: boolean }> {
    const digest = ruleSetDigest(definition);
    for (let attempt = 0; attempt < 5; attempt++) {
      const head = await this.store.head();
      if (head?.digest === digest) {
        await this.sync();
        return { version: head.version, changed: false };
      }
      const version = (head?.version ?? 0) + 1;
      if (await this.store.replace(head?.version ?? null, { ...definition, version, digest, publishedAt: new Date() })) {
        await this.sync();
        return { version, changed: true };
      }
    }
    throw new Error('the counting rule set kept changing under this publish; try again');
  }
}
