/**
 * The shared counting rule set, as plain types: what `counting/rule-set.ts`
 * works with and `store/rules.repository.ts` keeps.
 */

/** What a rule set is made of: pattern sources, matched case-insensitively. */
export interface RuleSetDefinition {
  /** COUNTER-Robots patterns (data/agents/COUNTER_Robots_list.json). */
  robots: string[];
  /** Make Data Count machine patterns (data/agents/mdc-machine.txt). */
  machines: string[];
  /** Operator robot patterns (`ROBOT_PATTERNS`). */
  extraRobots: string[];
  /** Operator machine patterns (`MACHINE_PATTERNS`). */
  extraMachines: string[];
}

/** A rule set as the database keeps it. */
export interface StoredRuleSet extends RuleSetDefinition {
  /** 1, 2, …: moves at every change. */
  version: number;
  /** SHA-256 of the definition: an unchanged definition is not a new version. */
  digest: string;
  publishedAt: Date;
}

/** Where the shared rule set lives (src/store/rules.repository.ts). */
export interface RuleSetStore {
  /** The version and digest in force, or null before the first one. */
  head(): Promise<{ version: number; digest: string } | null>;
  read(): Promise<StoredRuleSet | null>;
  /**
   * Stores `next` if the stored version is still `expected` (null: none
   * stored yet). False when another process got there first.
   */
  replace(expected: number | null, next: StoredRuleSet): Promise<boolean>;
}
