/** The filters shared by every view, and who is looking. */
export type VisibilityFilter = 'ALL' | 'PUBLIC' | 'PRIVATE';
export type WindowChoice = '7' | '30' | '365' | 'all' | 'custom';

export interface Filters {
  visibility: VisibilityFilter;
  /** null: the network (every portal). */
  portalId: string | null;
  window: WindowChoice;
  /** YYYY-MM-DD, for a custom window. */
  customFrom: string;
  customTo: string;
}

export interface Viewer {
  id: string;
  name: string;
  role: string;
}

type Listener = () => void;

const listeners = new Set<Listener>();

export const state: { filters: Filters; viewer: Viewer | null; portals: { id: string; name: string }[] } = {
  filters: { visibility: 'ALL', portalId: null, window: 'all', customFrom: '', customTo: '' },
  viewer: null,
  portals: [],
};

export function onChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function setFilters(patch: Partial<Filters>): void {
  state.filters = { ...state.filters, ...patch };
  notify();
}

export function notify(): void {
  for (const fn of listeners) fn();
}

const DAY_MS = 86_400_000;
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The window as the API takes it (UTC days, both included): "last 7 days" is
 * today and the 6 days before. Null bounds: no bound (all time).
 */
export function windowRange(f: Filters, now = new Date()): { from: string | null; to: string | null } {
  if (f.window === 'all') return { from: null, to: null };
  if (f.window === 'custom') {
    return {
      from: f.customFrom ? `${f.customFrom}T00:00:00Z` : null,
      to: f.customTo ? `${f.customTo}T00:00:00Z` : null,
    };
  }
  const days = Number(f.window);
  return { from: `${isoDay(new Date(now.getTime() - (days - 1) * DAY_MS))}T00:00:00Z`, to: `${isoDay(now)}T00:00:00Z` };
}
