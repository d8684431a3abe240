/*
 * ECharts, imported piece by piece (bar, line, pie, treemap, map): the bundle
 * stays a fraction of the full library, which keeps the first paint fast.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart, PieChart, TreemapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption, ECharts } from 'echarts/core';
import { PALETTE } from './palette';
import { t } from './i18n';
import { fmtShare } from './format';
import { worldGeoJson } from './world';

echarts.use([BarChart, LineChart, MapChart, PieChart, TreemapChart, AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;
export type ChartClick = (dataIndex: number) => void;

/**
 * Live charts by card id: resized with their box, disposed on re-render.
 * Exposed on window for the browser tests and the console (read-only use).
 */
const live = new Map<string, ECharts>();
(window as unknown as { usageGatewayCharts: Map<string, ECharts> }).usageGatewayCharts = live;

const resizer = new ResizeObserver((entries) => {
  for (const e of entries) {
    // A chart leaving the page (re-render) shrinks to 0×0: a map cannot lay out in no space.
    if (!e.target.isConnected || e.contentRect.width === 0 || e.contentRect.height === 0) continue;
    echarts.getInstanceByDom(e.target as HTMLElement)?.resize();
  }
});

/**
 * `description` is what screen readers hear (ECharts' aria label): written by
 * the page in its own language, because ECharts' generated text is English
 * only and reads out series indexes.
 */
export function mountChart(id: string, el: HTMLElement, option: ChartOption, description: string, onClick?: ChartClick): void {
  live.get(id)?.dispose();
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const animation = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  chart.setOption({ color: PALETTE, aria: { enabled: true, label: { description } }, animation, animationDuration: 300, textStyle: { fontFamily: 'inherit' }, ...option });
  if (onClick) chart.on('click', (p) => { if (typeof (p as { dataIndex?: number }).dataIndex === 'number') onClick((p as { dataIndex: number }).dataIndex); });
  live.set(id, chart);
  resizer.observe(el);
}

/** Disposes the charts whose element left the page (view changes). */
export function disposeDetached(): void {
  for (const [id, chart] of live) {
    if (!chart.getDom().isConnected) {
      resizer.unobserve(chart.getDom());
      chart.dispose();
      live.delete(id);
    }
  }
}

const grid = { left: 8, right: 32, top: 8, bottom: 8, containLabel: true };

/** Horizontal bars, the first item on top (rankings). */
export function hbarOption(labels: string[], values: number[], colour: string, fmt: (n: number) => string, integers = false): ChartOption {
  return {
    grid,
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => fmt(Number(v)) },
    xAxis: { type: 'value', minInterval: integers ? 1 : 0, axisLabel: { formatter: (v: number) => fmt(v), hideOverlap: true } },
    // Two lines before an ellipsis: titles sharing their start ("Population by municipality 2019/2020") stay apart.
    yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { width: 140, overflow: 'break', lineOverflow: 'truncate', height: 30, lineHeight: 15 } },
    series: [{ type: 'bar', data: values, barMaxWidth: 28, itemStyle: { color: colour }, cursor: 'pointer', label: { show: true, position: 'right', formatter: (p: { value: number }) => fmt(p.value) }, emphasis: { itemStyle: { color: '#003E66' } } }],
  };
}

/** Vertical bars (histogram, grouped comparisons). */
export function vbarOption(categories: string[], series: { name: string; values: number[]; colour: string }[], fmt: (n: number) => string): ChartOption {
  // Few categories (grouped comparisons): every label is shown, wrapped, never
  // dropped for overlap (on a phone ECharts would hide the second one).
  const few = categories.length <= 4;
  return {
    grid: { ...grid, top: series.length > 1 ? 32 : 8 },
    legend: series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(Number(v)) },
    xAxis: { type: 'category', data: categories, axisLabel: few ? { interval: 0, width: 96, overflow: 'break' } : { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => fmt(v) } },
    series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values, barMaxWidth: 48, itemStyle: { color: s.colour }, barGap: '10%' })),
  };
}

/**
 * Lines over periods. `partialFrom`: index of the first period that is not
 * over yet (the current month or day): shaded and labelled, so its low
 * figures do not read as a drop.
 */
export function lineOption(periods: string[], series: { name: string; values: number[]; colour: string }[], fmt: (n: number) => string, partial?: { index: number; label: string }): ChartOption {
  const mark = partial && partial.index < periods.length
    ? {
        silent: true,
        itemStyle: { color: 'rgba(77, 77, 77, 0.12)' },
        label: { show: true, position: 'insideTop', color: '#1a1a1a', fontSize: 12, formatter: partial.label },
        data: [[{ xAxis: periods[Math.max(0, partial.index - 1)] }, { xAxis: periods[periods.length - 1] }]],
      }
    : undefined;
  return {
    grid: { ...grid, top: 32 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(Number(v)) },
    xAxis: { type: 'category', data: periods, boundaryGap: false, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => fmt(v) } },
    series: series.map((s, i) => ({
      type: 'line',
      name: s.name,
      data: s.values,
      showSymbol: periods.length <= 60,
      itemStyle: { color: s.colour },
      // Dash patterns tell the lines apart without colour.
      lineStyle: { width: 2, type: (['solid', 'dashed', 'dotted'] as const)[i % 3] },
      markArea: i === 0 ? mark : undefined,
    })),
  };
}

export function pieOption(items: { name: string; value: number }[], fmt: (n: number) => string): ChartOption {
  return {
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number; percent: number }) => escapeHtml(t('kv', { k: p.name, v: `${fmt(p.value)} (${fmtShare(p.percent / 100)})` })) },
    series: [{
      type: 'pie',
      radius: ['30%', '58%'],
      data: items,
      itemStyle: { borderColor: '#fff', borderWidth: 2 },
      // Wrapped, not truncated: two titles with the same start stay apart.
      // Aligned to the chart's edges, so a label never leaves the card.
      label: { formatter: '{b}\n{d} %', overflow: 'break', alignTo: 'edge', edgeDistance: 6, lineHeight: 15, fontSize: 12 },
      labelLine: { length: 8, length2: 6 },
      labelLayout: { hideOverlap: true },
    }],
  };
}

/** Treemap cells: the name and a second line (the average score), visible without hover. */
export function treemapOption(items: { name: string; value: number; sub: string; tooltip: string }[]): ChartOption {
  return {
    tooltip: { formatter: (p: { dataIndex: number; data?: { tooltip?: string } }) => p.data?.tooltip ?? '' },
    series: [{
      type: 'treemap',
      data: items,
      roam: false,
      nodeClick: false,
      breadcrumb: { show: false },
      top: 0,
      left: 0,
      width: '100%',
      height: '100%',
      // Dark text with a white halo reads on every palette colour, yellow and black included.
      // Long names wrap instead of being cut; cells too small for 12 px text show none (the list under the chart has them all).
      label: {
        show: true,
        position: 'insideTopLeft',
        formatter: (p: { name: string; data?: { sub?: string } }) => `${p.name}\n${p.data?.sub ?? ''}`,
        overflow: 'break',
        fontSize: 13,
        lineHeight: 17,
        fontWeight: 'bold',
        color: '#000',
        textBorderColor: '#fff',
        textBorderWidth: 3,
      },
      levels: [{ itemStyle: { borderColor: '#fff', borderWidth: 2, gapWidth: 2 }, colorMappingBy: 'index' }],
    }],
  };
}

let worldRegistered = false;

/**
 * Countries coloured by a count (features are named by ISO alpha-2 code, see
 * world.ts); `names` turns a code into the page language's country name.
 */
export function mapOption(items: { code: string; value: number }[], names: (code: string) => string, fmt: (n: number) => string, colour: string): ChartOption {
  if (!worldRegistered) {
    echarts.registerMap('world', worldGeoJson() as unknown as Parameters<typeof echarts.registerMap>[1]);
    worldRegistered = true;
  }
  const max = Math.max(1, ...items.map((i) => i.value));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number }) => (p.name.startsWith('~') ? '' : escapeHtml(t('kv', { k: names(p.name), v: fmt(Number.isFinite(p.value) ? p.value : 0) }))),
    },
    // The scale under the map, horizontal: it never covers a continent.
    visualMap: { min: 0, max, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 140, itemWidth: 12, calculable: false, inRange: { color: ['#dcebf6', colour] }, text: [fmt(max), fmt(0)], textStyle: { fontSize: 12 } },
    series: [{
      type: 'map',
      map: 'world',
      roam: false,
      // The whole box above the scale; ECharts keeps the map's proportions inside it.
      left: 0,
      right: 0,
      top: 0,
      bottom: 36,
      data: items.map((i) => ({ name: i.code, value: i.value })),
      itemStyle: { areaColor: '#f0f1f2', borderColor: '#8a9096', borderWidth: 0.5 },
      emphasis: { label: { show: false }, itemStyle: { areaColor: '#E69F00' } },
      select: { disabled: true },
      label: { show: false },
    }],
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
