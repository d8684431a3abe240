/**
 * Traffic classification for COUNTER counting: is an access event human use
 * (`regular`), a script or harvester (`machine`), or a crawler (`robot`)?
 *
 * Pure: no I/O, no clock, no randomness (the published lists are read by
 * `agent-lists.ts` and handed in). Every regular expression is compiled once,
 * when the classifier is created, so `classify` is cheap.
 *
 * Order of the checks (first match wins), all case-insensitive (CoP-RD §10,
 * COUNTER-Robots README):
 * 1. operator robot patterns (`ROBOT_PATTERNS`)                → robot
 * 2. operator machine patterns (`MACHINE_PATTERNS`)            → machine
 * 3. Make Data Count's machine list + our HTTP-client patterns,
 *    unless the agent also names itself a bot/crawler          → machine
 * 4. the COUNTER-Robots list                                    → robot
 * 5. otherwise                                                 → regular
 * An agent on no list is counted (CoP-RD: only listed robots are removed).
 * An empty agent (`""`, blank) is on the list (`^.?$`, with every
 * one-character agent), so it is a robot (R5 §7.8). A missing one (null:
 * the sender gave none) is not an agent at all: only the operator patterns
 * see it (as `""`), then it is regular.
 * Then an automated account or key, or a portal declaring the access
 * method `MACHINE`, turns `regular` into `machine` (robots stay robots:
 * they are excluded, not down-graded).
 *
 * @packageDocumentation
 */

/** How an access event is counted. */
export type TrafficClass = 'robot' | 'machine' | 'regular';

/** Operator additions to the built-in lists, e.g. from env vars. */
export interface ClassifierOptions {
  /** Extra robot regex sources (matched case-insensitively), e.g. from env `ROBOT_PATTERNS`. */
  extraRobotPatterns?: readonly string[];
  /** Extra machine regex sources (matched case-insensitively), e.g. from env `MACHINE_PATTERNS`. */
  extraMachinePatterns?: readonly string[];
  /** The COUNTER-Robots patterns (see `agent-lists.ts`). Default: none. */
  robotList?: readonly string[];
  /** Make Data Count's machine patterns (see `agent-lists.ts`). Default: none. */
  machineList?: readonly string[];
}

/** A classifier with its pattern lists compiled. */
export interface TrafficClassifier {
  /**
   * Classifies one access event.
   *
   * @param userAgent - the end user's `User-Agent` as the portal forwarded it
   *   (trimmed here); `""` is an empty agent (a robot by the COUNTER list),
   *   null or undefined a missing one (regular unless an operator pattern
   *   matches `""`).
   * @param opts.automatedAccount - true when the event comes from an account
   *   or key flagged automated, or the portal declared the access method
   *   `MACHINE`: at least `machine`.
   */
  classify(userAgent: string | null | undefined, opts?: { automatedAccount?: boolean }): TrafficClass;
}

/**
 * Programmatic HTTP clients that COUNTER counts as `machine` access.
 *
 * Why a list of our own besides Make Data Count's: MDC's list (2018) misses
 * the clients of today's research tools (httpx, aiohttp, Go, R's httr2,
 * Julia, PowerShell …), which the COUNTER-Robots list would otherwise catch
 * as robots through generic entries, or not catch at all. Machine patterns
 * are checked before the robot list, as MDC intends.
 *
 * Each source is anchored to the start of the user agent or to a token
 * boundary so that a browser or a crawler merely *mentioning* a URL or a
 * library name is not caught.
 */
export const BUILTIN_MACHINE_PATTERNS: readonly string[] = [
  // Command-line downloaders and shells.
  String.raw`(?:^|[\s;(])(?:lib)?curl(?:/|\s|$)`,
  String.raw`(?:^|[\s;(])wget2?(?:/|\s|$)`,
  String.raw`^(?:aria2|httpie)/`,
  String.raw`(?:^|[\s;(])(?:windows)?powershell/`,
  // Python.
  String.raw`^python(?:[-/\s]|$)`,
  String.raw`(?:^|[\s;(])(?:python-)?(?:requests|urllib3?|httpx|aiohttp|httplib2|pycurl)/`,
  // Java and the JVM.
  String.raw`(?:^|[\s;(])java(?:-http-client)?/\d`,
  String.raw`(?:^|[\s;(])(?:jakarta\s)?(?:apache-httpclient|commons-httpclient|okhttp|apache-cxf|jersey|reactornetty)/`,
  // Go, Rust, Node.js / JavaScript.
  String.raw`(?:^|[\s;(])go-http-client/`,
  String.raw`^reqwest/`,
  String.raw`^(?:node-fetch|undici|axios|got|node|superagent|node-superagent)(?:[/\s(]|$)`,
  // Perl, Ruby, PHP.
  String.raw`(?:^|[\s;(])(?:libwww-perl|lwp-request|lwp-trivial)/`,
  String.raw`^(?:ruby|faraday)(?:[/\s]|$)`,
  String.raw`^rest-client/`,
  String.raw`(?:^|[\s;(])guzzlehttp/`,
  String.raw`^php/`,
  // Research tools: R, Julia, MATLAB, Wolfram.
  String.raw`^R\s\(\d`,
  String.raw`(?:^|[\s;(])(?:httr2?|rcurl|r-curl)/`,
  String.raw`(?:^|[\s;(])(?:http\.jl|julia)/`,
  String.raw`^(?:matlab|wolfram)\b`,
  // API tools.
  String.raw`^(?:postmanruntime|insomnia)/`,
];

/**
 * An HTTP-client user agent that *also* names itself a bot, crawler or spider
 * (`python-requests/2.31 (compatible; ExampleBot/1.0)`) is a crawler built on
 * that library: COUNTER excludes crawlers, so it stays a robot.
 */
const SELF_DECLARED_ROBOT = /bots?(?![a-z])|crawl|spider|slurp|scrapy/i;

/**
 * A sentinel no real user agent looks like. A pattern that matches it
 * matches the empty string or any character, i.e. every user agent: almost
 * surely a typo (a stray `|`, a lone `.*`) that would silently move all
 * traffic into one class.
 */
const MATCH_EVERYTHING_PROBE = '\u0000';

function compilePatterns(sources: readonly string[] | undefined, kind: 'robot' | 'machine'): RegExp[] {
  if (!sources) return [];
  return sources.map((source, i) => {
    const where = `extra ${kind} pattern #${i + 1} ${JSON.stringify(source)}`;
    if (source.trim() === '') throw new Error(`Invalid ${where}: the pattern is empty`);
    let re: RegExp;
    try {
      // No `g`/`y` flag: `test` must stay stateless (no lastIndex carry-over).
      re = new RegExp(source, 'i');
    } catch (err) {
      throw new Error(`Invalid ${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (re.test(MATCH_EVERYTHING_PROBE)) {
      throw new Error(`Invalid ${where}: it matches every user agent (an empty alternative or a bare wildcard?)`);
    }
    return re;
  });
}

function matchesAny(patterns: readonly RegExp[], text: string): boolean {
  for (const re of patterns) if (re.test(text)) return true;
  return false;
}

/**
 * Creates a classifier. Throws an `Error` naming the offending pattern when an
 * extra pattern is blank, is not a valid regular expression, or matches every
 * user agent — at start-up, rather than misclassifying traffic later.
 */
/** The sources as one case-insensitive alternation (none: a regex that never matches). */
function combined(sources: readonly string[]): RegExp[] {
  if (!sources.length) return [];
  return [new RegExp(sources.map((src) => `(?:${src})`).join('|'), 'i')];
}

export function createTrafficClassifier(options: ClassifierOptions = {}): TrafficClassifier {
  const extraRobot = compilePatterns(options.extraRobotPatterns, 'robot');
  const extraMachine = compilePatterns(options.extraMachinePatterns, 'machine');
  // One alternation per list: a browser agent (on no list) is tested
  // against ~360 patterns, and one pass of one regex is far cheaper than
  // 360 `test` calls.
  const machine = combined([...BUILTIN_MACHINE_PATTERNS, ...(options.machineList ?? [])]);
  const robots = combined(options.robotList ?? []);

  function classifyAgent(ua: string, given: boolean): TrafficClass {
    // Operator robot patterns first, even on a missing agent, so `^$` in
    // ROBOT_PATTERNS can exclude agent-less traffic.
    if (matchesAny(extraRobot, ua)) return 'robot';
    // Operator machine patterns beat the published lists: they exist to
    // rescue the operator's own harvesters from generic robot patterns.
    if (matchesAny(extraMachine, ua)) return 'machine';
    // Not given is not empty: the published lists judge agents, and a
    // sender that forwards none has told us nothing about the visitor.
    if (!given) return 'regular';
    if (matchesAny(machine, ua) && !SELF_DECLARED_ROBOT.test(ua)) return 'machine';
    if (matchesAny(robots, ua)) return 'robot';
    return 'regular';
  }

  return {
    classify(userAgent, opts) {
      const cls = classifyAgent((userAgent ?? '').trim(), userAgent != null);
      if (cls === 'regular' && opts?.automatedAccount === true) return 'machine';
      return cls;
    },
  };
}

/**
 * Splits an env var value (e.g. `ROBOT_PATTERNS`) into regex sources: one per
 * line, or separated by `;;`. Not on commas, which regexes use (`{2,5}`).
 * Entries are trimmed and blank ones dropped; write `\s` or `[ ]` for a
 * significant leading or trailing space.
 */
export function parsePatternList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(/\r?\n|;;/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The classifier with a bounded memo by (agent, automated): a portal's
 * traffic repeats a few thousand agents, and a browser agent is tested
 * against every pattern of both lists before it is called regular.
 */
export function memoizedClassifier(inner: TrafficClassifier, maxEntries = 20_000): TrafficClassifier {
  const memo = new Map<string, TrafficClass>();
  return {
    classify(userAgent, opts) {
      // Missing (null) and empty ("") classify differently: two keys.
      const k = `${opts?.automatedAccount === true ? 1 : 0}${userAgent == null ? 'n' : `s${userAgent}`}`;
      let cls = memo.get(k);
      if (cls === undefined) {
        if (memo.size >= maxEntries) memo.clear();
        cls = inner.classify(userAgent, opts);
        memo.set(k, cls);
      }
      return cls;
    },
  };
}
