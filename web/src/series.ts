/*
 * Usage over time, at every level: a dataset, a file, a collection (its
 * subtree), a portal or the network. Same arguments and shape everywhere
 * (`usage(from, to, granularity)`), so one card draws them all.
 */
import { gql } from './api';
import { h } from './dom';
import { t, type MessageKey } from './i18n';
import { fmtInt } from './format';
import { chartCard } from './chart-card';
import { lineOption } from './charts';
import { METRIC_COLOURS } from './palette';
import { state, windowRange } from './state';
import type { UsageSeries } from './queries';

export type Granularity = 'DAY' | 'MONTH';
export type SeriesLevel = 'dataset' | 'file' | 'collection' | 'portal' | 'network';

const DAY_MS = 86_400_000;
const FIELDS = 'firstDay lastDay granularity points { period views downloads apiCalls } total { views downloads apiCalls }';

/** The operation for one level; the network's series hangs off Query. */
export function seriesQuery(level: SeriesLevel): string {
  if (level === 'network') return `query NetworkUsage($from: DateTime!, $to: DateTime!, $g: UsageGranularity!) { networkUsage(from: $from, to: $to, granularity: $g) { ${FIELDS} } }`;
  return `query ${level}Usage($id: ID!, $from: DateTime!, $to: DateTime!, $g: UsageGranularity!) { ${level}(id: $id) { usage(from: $from, to: $to, granularity: $g) { ${FIELDS} } } }`;
}

/**
 * The series range: the window; for "all time", the API's longest (1096
 * days), trimmed client-side to start at the first activity.
 */
export function usageRange(): { from: string; to: string; days: number; allTime: boolean } {
  const w = windowRange(state.filters);
  const to = w.to ?? new Date().toISOString();
  const toMs = new Date(to).getTime();
  const fromMs = Math.max(w.from ? new Date(w.from).getTime() : 0, toMs - 1095 * DAY_MS);
  return { from: new Date(fromMs).toISOString(), to, days: Math.round((toMs - fromMs) / DAY_MS) + 1, allTime: !w.from };
}

/** Day steps up to about three months, month steps beyond. */
export const defaultGranularity = (days: number): Granularity => (days <= 92 ? 'DAY' : 'MONTH');

/** Drops the empty periods before the first activity (all-time series). */
export function fromFirstActivity(u: UsageSeries): UsageSeries {
  const first = u.points.findIndex((p) => p.views + p.downloads + p.apiCalls > 0);
  if (first <= 0) return u;
  return { ...u, firstDay: u.points[first].period, points: u.points.slice(first) };
}

/** Fetches a level's series for the page's window (null: no such resource, or not visible). */
export async function loadSeries(level: SeriesLevel, id: string | null, g: Granularity): Promise<UsageSeries | null> {
  const range = usageRange();
  const vars = { id, from: range.from, to: range.to, g };
  const data = await gql<Record<string, { usage: UsageSeries } | UsageSeries | null>>(seriesQuery(level), vars);
  const raw = level === 'network' ? (data.networkUsage as UsageSeries | null) : ((data[level] as { usage: UsageSeries } | null)?.usage ?? null);
  return raw && range.allTime ? fromFirstActivity(raw) : raw;
}

/**
 * Index of the first point of a period that is not over (today, or this
 * month), or -1. Its low figures are marked, not read as a drop.
 */
export function partialIndex(u: UsageSeries, now = new Date()): number {
  const today = now.toISOString().slice(0, 10);
  const current = u.granularity === 'MONTH' ? today.slice(0, 7) : today;
  const last = u.points.length - 1;
  return last >= 0 && u.points[last].period.slice(0, current.length) === current ? last : -1;
}

let switchSeq = 0;

export function switcher<T extends string>(name: string, label: string, values: T[], current: T, onPick: (v: T) => void): HTMLElement {
  const group = `${name}-${++switchSeq}`;
  return h('fieldset', { class: 'segmented', 'data-switch': name },
    h('legend', {}, label),
    values.map((v) => h('label', {}, h('input', { type: 'radio', name: group, value: v, checked: v === current, onchange: () => onPick(v) }), h('span', {}, t(v as MessageKey)))));
}

/** The card: three lines, the partial period marked, the table and CSV; a day/month switch. */
export function seriesCard(id: string, title: string, u: UsageSeries, g: Granularity, onGranularity: (g: Granularity) => void, note?: string): HTMLElement {
  const partial = partialIndex(u);
  const partialLabel = t(u.granularity === 'MONTH' ? 'partialMonth' : 'partialDay');
  const empty = u.points.every((p) => p.views + p.downloads + p.apiCalls === 0);
  const notes = [
    `${u.firstDay} → ${u.lastDay} · ${t('kv', { k: t('views'), v: fmtInt(u.total.views) })} · ${t('kv', { k: t('downloads'), v: fmtInt(u.total.downloads) })} · ${t('kv', { k: t('apiCalls'), v: fmtInt(u.total.apiCalls) })}`,
    note,
    partial >= 0 && !empty ? t('partialNote', { period: u.points[partial].period }) : null,
  ].filter(Boolean);
  const card = chartCard({
    id,
    title,
    rows: u.points,
    note: notes.join(' · '),
    emptyText: empty && u.points.length > 0 ? t('emptySeries') : null,
    option: lineOption(u.points.map((p) => p.period), [
      { name: t('views'), values: u.points.map((p) => p.views), colour: METRIC_COLOURS.views },
      { name: t('downloads'), values: u.points.map((p) => p.downloads), colour: METRIC_COLOURS.downloads },
      { name: t('apiCalls'), values: u.points.map((p) => p.apiCalls), colour: METRIC_COLOURS.apiCalls },
    ], fmtInt, partial >= 0 ? { index: partial, label: partialLabel } : undefined),
    height: 280,
    spokenRows: 6,
    tableMaxHeight: 360,
    columns: [
      { label: t('period'), value: (p) => p.period, format: (p) => (u.points[partial] === p ? `${p.period} (${partialLabel.toLowerCase()})` : p.period) },
      { label: t('views'), value: (p) => p.views, format: (p) => fmtInt(p.views), numeric: true },
      { label: t('downloads'), value: (p) => p.downloads, format: (p) => fmtInt(p.downloads), numeric: true },
      { label: t('apiCalls'), value: (p) => p.apiCalls, format: (p) => fmtInt(p.apiCalls), numeric: true },
    ],
  });
  card.setAttribute('data-series', u.granularity);
  if (partial >= 0) card.setAttribute('data-partial', u.points[partial].period);
  card.insertBefore(switcher<Granularity>('granularity', t('granularity'), ['DAY', 'MONTH'], g, onGranularity), card.children[1] ?? null);
  return card;
}
