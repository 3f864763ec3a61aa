/**
 * Charts for the reports, rendered to SVG at report time with ECharts' server-side renderer:
 * the report carries them inline and needs no script and no network. Labels and titles are
 * ours (run numbers, dates, metric names); ECharts escapes text it writes, and the chart's
 * accessible name is escaped here.
 */
import { createRequire } from 'node:module';
import type * as ECharts from 'echarts';
import { esc } from './escape.ts';

/**
 * Loaded on first use, as the single-file CommonJS build: every CLI command imports the report
 * renderer, and the ES module build takes ~0.7 s to load where the bundle takes ~0.1 s.
 */
let loaded: typeof ECharts | undefined;
function echarts(): typeof ECharts {
  loaded ??= createRequire(import.meta.url)('echarts') as typeof ECharts;
  return loaded;
}

/** Single quotes: ECharts writes the family into a double-quoted style attribute. */
const FONT = `'Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif`;
const COLORS = ['#b91c1c', '#1d4ed8', '#15803d', '#b45309', '#7c3aed'];

export interface Series {
  name: string;
  /** One value per label; null = not measured in that run (a gap in the line). */
  values: (number | null)[];
}

export interface LineChart {
  title: string;
  labels: string[];
  series: Series[];
  /** Appended to values on the axis and labels (e.g. %). */
  unit?: string;
  /** Fixed axis range (e.g. 0–100 for rates and the score). */
  min?: number;
  max?: number;
  /** A dashed reference line (pass mark, threshold). */
  markLine?: { value: number; label: string };
  width?: number;
  height?: number;
}

/** An SVG line chart (one or more series over the runs); a gap where a value is null. */
export function lineChartSvg(c: LineChart): string {
  const width = c.width ?? 360;
  const height = c.height ?? 190;
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const unit = c.unit ?? '';
    chart.setOption({
      animation: false,
      color: COLORS,
      textStyle: { fontFamily: FONT },
      title: { text: c.title, left: 4, top: 2, textStyle: { fontSize: 13, fontWeight: 'bold', color: '#1f2328', fontFamily: FONT } },
      legend: c.series.length > 1 ? { top: 2, right: 4, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11, fontFamily: FONT } } : undefined,
      grid: { left: 44, right: c.series.length > 1 || c.markLine ? 58 : 16, top: 34, bottom: 28 },
      xAxis: { type: 'category', data: c.labels, boundaryGap: true, axisLabel: { fontSize: 10, hideOverlap: true } },
      yAxis: {
        type: 'value',
        min: c.min,
        max: c.max,
        minInterval: unit ? undefined : 1,
        axisLabel: { fontSize: 10, formatter: `{value}${unit}` },
      },
      series: c.series.map((s, i) => ({
        name: s.name,
        type: 'line',
        data: s.values,
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 6,
        lineStyle: { width: 2 },
        // One series: every point labelled (up to 12 runs). Several: only each line's last point, so labels do not collide.
        label: { show: c.series.length === 1 && c.labels.length <= 12, fontSize: 10, formatter: `{c}${unit}` },
        ...(c.series.length > 1 ? { endLabel: { show: true, fontSize: 10, formatter: `{c}${unit}` } } : {}),
        ...(i === 0 && c.markLine
          ? { markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#6b7280' }, label: { formatter: c.markLine.label, fontSize: 10, position: 'end', color: '#6b7280' }, data: [{ yAxis: c.markLine.value }] } }
          : {}),
      })),
    });
    const svg = chart.renderToSVGString();
    // An accessible name for screen readers; ECharts' own hover styles are not needed in a static page.
    return tidy(svg, c.title);
  } finally {
    chart.dispose();
  }
}

/**
 * An accessible name for screen readers; ECharts' hover styles (a <style> block and the classes
 * that point into it) are not needed in a static page.
 */
function tidy(svg: string, title: string): string {
  return svg
    .replace(/^<svg /, `<svg role="img" aria-label="${esc(title)}" `)
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '');
}

/** A horizontal bar chart (e.g. updates per column kind). */
export function barChartSvg(c: { title: string; labels: string[]; values: number[]; width?: number; height?: number }): string {
  const width = c.width ?? 420;
  const height = c.height ?? Math.max(120, 40 + c.labels.length * 26);
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      color: COLORS,
      textStyle: { fontFamily: FONT },
      title: { text: c.title, left: 4, top: 2, textStyle: { fontSize: 13, fontWeight: 'bold', color: '#1f2328', fontFamily: FONT } },
      grid: { left: 110, right: 40, top: 30, bottom: 10 },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: { type: 'category', data: c.labels, inverse: true, axisLabel: { fontSize: 11 } },
      series: [{ type: 'bar', data: c.values, barMaxWidth: 16, label: { show: true, position: 'right', fontSize: 11 } }],
    });
    return tidy(chart.renderToSVGString(), c.title);
  } finally {
    chart.dispose();
  }
}
