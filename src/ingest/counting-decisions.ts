import { AccessAction, type ResourceType, resourceKey } from '../domain/resources';
import type { TrafficClass } from '../counting/classify';
import { filterDoubleClicks } from '../counting/session';

/** An event after validation and classification, before counting decisions. */
export interface ClassifiedEvent {
  eventId: string;
  resourceType: ResourceType;
  resourceId: string;
  action: AccessAction;
  userId: string | null;
  timestamp: Date;
  trafficClass: TrafficClass;
  sessionKey: string;
  clickerKey: string;
}

/** What an event contributes, decided once and stored with the event. */
export interface DecidedEvent extends ClassifiedEvent {
  counted: boolean;
  uniqueInvestigation: boolean;
  uniqueRequest: boolean;
}

export interface DecisionState {
  /** Last click time per `clickKey(...)`, from the database. */
  lastClicks: ReadonlyMap<string, Date>;
  /** Session marks (`markKey(...)`) that already exist in the database. */
  existingMarks: ReadonlySet<string>;
}

export interface Decisions {
  events: DecidedEvent[];
  /** New last-click time per click key (write with `$max`). */
  clickUpdates: Map<string, Date>;
  /** Session marks to insert. */
  newMarks: string[];
}

export function clickKey(e: Pick<ClassifiedEvent, 'clickerKey' | 'resourceType' | 'resourceId' | 'action'>): string {
  return `${e.clickerKey}|${resourceKey(e.resourceType, e.resourceId)}|${e.action}`;
}

export function markKey(
  e: Pick<ClassifiedEvent, 'sessionKey' | 'resourceType' | 'resourceId'>,
  kind: 'I' | 'R',
): string {
  return `${e.sessionKey}|${resourceKey(e.resourceType, e.resourceId)}|${kind}`;
}

/** Keys whose database state `decideCounting` needs. */
export function stateKeysFor(events: readonly ClassifiedEvent[]): { clickKeys: string[]; markKeys: string[] } {
  const clickKeys = new Set<string>();
  const markKeys = new Set<string>();
  for (const e of events) {
    if (e.trafficClass === 'robot') continue;
    clickKeys.add(clickKey(e));
    markKeys.add(markKey(e, 'I'));
    if (e.action === AccessAction.DOWNLOAD) markKeys.add(markKey(e, 'R'));
  }
  return { clickKeys: [...clickKeys], markKeys: [...markKeys] };
}

/**
 * Applies the COUNTER rules to a batch: the double-click filter (per
 * clicker, resource and action) and unique-per-session flags. Pure: the
 * database state it depends on is passed in, the state to write is returned.
 */
export function decideCounting(events: readonly ClassifiedEvent[], state: DecisionState): Decisions {
  const counted = new Map<ClassifiedEvent, boolean>();
  const clickUpdates = new Map<string, Date>();
  const groups = new Map<string, ClassifiedEvent[]>();
  for (const e of events) {
    if (e.trafficClass === 'robot') {
      counted.set(e, false);
      continue;
    }
    const k = clickKey(e);
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  for (const [k, group] of groups) {
    group.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.eventId < b.eventId ? -1 : 1));
    // filterDoubleClicks compares the stored click in both directions, so a
    // late event inside the window of a later known click is a repeat too.
    const prev = state.lastClicks.get(k) ?? null;
    const flags = filterDoubleClicks(
      group.map((e) => e.timestamp),
      prev,
    );
    group.forEach((e, i) => counted.set(e, flags[i]));
    const last = group[group.length - 1].timestamp;
    if (!prev || last.getTime() > prev.getTime()) clickUpdates.set(k, last);
  }

  const seen = new Set(state.existingMarks);
  const newMarks: string[] = [];
  const decided: DecidedEvent[] = events.map((e) => {
    const isCounted = counted.get(e) ?? false;
    let uniqueInvestigation = false;
    let uniqueRequest = false;
    if (isCounted) {
      const i = markKey(e, 'I');
      if (!seen.has(i)) {
        seen.add(i);
        newMarks.push(i);
        uniqueInvestigation = true;
      }
      if (e.action === AccessAction.DOWNLOAD) {
        const r = markKey(e, 'R');
        if (!seen.has(r)) {
          seen.add(r);
          newMarks.push(r);
          uniqueRequest = true;
        }
      }
    }
    return { ...e, counted: isCounted, uniqueInvestigation, uniqueRequest };
  });
  return { events: decided, clickUpdates, newMarks };
}
