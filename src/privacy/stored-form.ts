/**
 * What the event log keeps of an event once less is needed (issue 19,
 * "Less kept, for less time"). Pure: no I/O, no clock.
 *
 * - A URL is stored without its query string and fragment (they carry
 *   search terms, tokens, e-mail addresses…) unless `KEEP_URL_QUERY`; the
 *   double-click key is made from the full URL before, so counting is
 *   unchanged.
 * - After the identity-key window a stored event's user agent is removed
 *   unless `KEEP_USER_AGENT`; its traffic class, decided while the agent
 *   was known, is kept with the version of the counting rules that decided
 *   it (`uaRules`), and recounts use that class instead of classifying again.
 *
 * @packageDocumentation
 */
import type { LoggedEvent, TrafficClass } from '../domain/logged-event';

/** The URL without its query string and fragment (`https://x.org/d/1?token=…#p` → `https://x.org/d/1`). */
export function stripQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}

/** The URL as stored: whole when `keepQuery`, else without query and fragment; null stays null. */
export function storedUrl(url: string | null | undefined, keepQuery: boolean): string | null {
  if (url == null) return null;
  return keepQuery ? url : stripQuery(url);
}

/** True when the event's user agent was reduced away (its class is final). */
export function isReduced(e: Pick<LoggedEvent, 'uaRules'>): boolean {
  return typeof e.uaRules === 'number';
}

/**
 * The class an event is counted with: the stored one when its agent was
 * reduced (nothing is left to classify), else its agent and `automated`
 * flag classified with the rules in force.
 */
export function countedClass(
  e: Pick<LoggedEvent, 'uaRules' | 'trafficClass' | 'userAgent' | 'automated'>,
  classify: (userAgent: string | null, automated: boolean) => TrafficClass,
): TrafficClass {
  return isReduced(e) ? e.trafficClass : classify(e.userAgent, e.automated);
}

/**
 * The events of one day whose agents are to be reduced, grouped by the
 * class they are counted with now: one update per class. Events of other
 * days (an index lists the next day's first 30 s too), reduced ones and
 * those without an agent are left out.
 */
export function reductionPlan(
  day: string,
  events: readonly Pick<LoggedEvent, '_id' | 'day' | 'uaRules' | 'trafficClass' | 'userAgent' | 'automated'>[],
  classify: (userAgent: string | null, automated: boolean) => TrafficClass,
): Map<TrafficClass, string[]> {
  const plan = new Map<TrafficClass, string[]>();
  for (const e of events) {
    if (e.day !== day || isReduced(e) || e.userAgent == null) continue;
    const cls = classify(e.userAgent, e.automated);
    let ids = plan.get(cls);
    if (!ids) plan.set(cls, (ids = []));
    ids.push(e._id);
  }
  return plan;
}
