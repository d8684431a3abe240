/*
 * ECharts, imported piece by piece (bar, line, pie, treemap): the bundle stays
 * a fraction of the full library, which keeps the first paint fast.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart, TreemapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption, ECharts } from 'echarts/core';
import { PALETTE } from './palette';

echarts.use([BarChart, LineChart, PieChart, TreemapChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;
export type ChartClick = (dataIndex: number) => void;

/**
 * Live charts by card id: resized with their box, disposed on re-render.
 * Exposed on window for the browser tests and the console (read-only use).
 */
const live = new Map<string, ECharts>();
(window as unknown as { usageGatewayCharts: Map<string, ECharts> }).usageGatewayCharts = live;

const resizer = new ResizeObserver((entries) => {
  for (const e of entries) echarts.getInstanceByDom(e.target as HTMLElement)?.resize();
});

export function mountChart(id: string, el: HTMLElement, option: ChartOption, onClick?: ChartClick): void {
  live.get(id)?.dispose();
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const animation = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  chart.setOption({ color: PALETTE, aria: { enabled: true }, animation, animationDuration: 300, textStyle: { fontFamily: 'inherit' }, ...option });
  if (onClick) chart.on('click', (p) => onClick((p as { dataIndex: number }).dataIndex));
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
    xAxis: { type: 'value', minInterval: integers ? 1 : 0, axisLabel: { formatter: (v: number) => fmt(v) } },
    yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { width: 140, overflow: 'truncate' } },
    series: [{ type: 'bar', data: values, barMaxWidth: 28, itemStyle: { color: colour }, cursor: 'pointer', label: { show: true, position: 'right', formatter: (p: { value: number }) => fmt(p.value) }, emphasis: { itemStyle: { color: '#003E66' } } }],
  };
}

/** Vertical bars (histogram, grouped comparisons). */
export function vbarOption(categories: string[], series: { name: string; values: number[]; colour: string }[], fmt: (n: number) => string): ChartOption {
  return {
    grid: { ...grid, top: series.length > 1 ? 32 : 8 },
    legend: series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(Number(v)) },
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => fmt(v) } },
    series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values, barMaxWidth: 48, itemStyle: { color: s.colour }, barGap: '10%' })),
  };
}

export function lineOption(periods: string[], series: { name: string; values: number[]; colour: string }[], fmt: (n: number) => string): ChartOption {
  return {
    grid: { ...grid, top: 32 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => fmt(Number(v)) },
    xAxis: { type: 'category', data: periods, boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => fmt(v) } },
    series: series.map((s, i) => ({
      type: 'line',
      name: s.name,
      data: s.values,
      showSymbol: periods.length <= 60,
      itemStyle: { color: s.colour },
      // Dash patterns tell the lines apart without colour.
      lineStyle: { width: 2, type: (['solid', 'dashed', 'dotted'] as const)[i % 3] },
    })),
  };
}

export function pieOption(items: { name: string; value: number }[], fmt: (n: number) => string): ChartOption {
  return {
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number; percent: number }) => `${escapeHtml(p.name)}: ${fmt(p.value)} (${p.percent}%)` },
    series: [{
      type: 'pie',
      radius: ['35%', '70%'],
      data: items,
      itemStyle: { borderColor: '#fff', borderWidth: 2 },
      label: { formatter: '{b}', overflow: 'truncate', width: 120 },
    }],
  };
}

export function treemapOption(items: { name: string; value: number; tooltip: string }[]): ChartOption {
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
      label: { show: true, formatter: '{b}', color: '#000', fontSize: 13, textBorderColor: '#fff', textBorderWidth: 3 },
      levels: [{ itemStyle: { borderColor: '#fff', borderWidth: 2, gapWidth: 2 }, colorMappingBy: 'index' }],
    }],
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
