import { html, type Html } from './escape-html.js';

/** A floor or ceiling drawn on a chart's value axis. */
export interface LimitLine {
  readonly label: string;
  readonly value: number;
  readonly level: 'warn' | 'fail';
}

const WIDTH = 520;
const HEIGHT = 220;
const LEFT = 44;
const BOTTOM = 28;

/**
 * Histogram of per-item kNN overlap: one bar per possible overlap j/k (j = 0 … k), its height the
 * share of evaluated items, with the policy's limits and the mean as vertical lines. Inline SVG.
 */
export function overlapHistogram(histogram: readonly number[], mean: number, limits: readonly LimitLine[]): Html {
  const k = histogram.length - 1;
  const total = histogram.reduce((sum, count) => sum + count, 0) || 1;
  const top = Math.max(...histogram.map((count) => count / total), 0.01);
  const plotWidth = WIDTH - LEFT - 10;
  const plotHeight = HEIGHT - BOTTOM - 10;
  const barWidth = plotWidth / (k + 1);
  const x = (overlap: number) => LEFT + (overlap * k + 0.5) * barWidth;
  const bars = histogram.map((count, j) => {
    const height = ((count / total) / top) * plotHeight;
    return html`<rect class="bar" x="${(LEFT + j * barWidth + 1).toFixed(1)}" y="${(10 + plotHeight - height).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${height.toFixed(1)}"><title>overlap ${(j / k).toFixed(2)}: ${count} items (${((100 * count) / total).toFixed(1)}%)</title></rect>`;
  });
  const ticks = histogram.map((_, j) => (j % Math.max(1, Math.round(k / 5)) === 0 || j === k ? html`<text class="tick" x="${x(j / k).toFixed(1)}" y="${HEIGHT - 12}">${(j / k).toFixed(1)}</text>` : html``));
  const lines = [...limits.map((limit) => ({ ...limit, kind: limit.level })), { label: `mean ${mean.toFixed(3)}`, value: mean, kind: 'mean' as const }].map(
    (line) =>
      html`<line class="limit ${line.kind}" x1="${x(line.value).toFixed(1)}" x2="${x(line.value).toFixed(1)}" y1="6" y2="${10 + plotHeight}"/><text class="limit-label ${line.kind}" x="${(x(line.value) + 3).toFixed(1)}" y="16">${line.label}</text>`,
  );
  return html`<svg class="chart" data-chart="overlap-histogram" data-bars="${histogram.length}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Histogram of per-item kNN overlap">${bars}${ticks}${lines}<text class="axis" x="${LEFT + plotWidth / 2}" y="${HEIGHT - 1}">kNN overlap per item</text><text class="axis" x="4" y="12">share</text></svg>`;
}

/** One bar of a bar chart: a label, a value, and its shown text. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
}

/** Horizontal bar chart (one bar per cluster), values from 0 to `max`. Inline SVG. */
export function barChart(name: string, title: string, bars: readonly Bar[], max: number): Html {
  const rowHeight = 20;
  const labelWidth = 130;
  const height = bars.length * rowHeight + 24;
  const plotWidth = WIDTH - labelWidth - 70;
  const scale = max > 0 ? plotWidth / max : 0;
  const rows = bars.map((bar, i) => {
    const y = 18 + i * rowHeight;
    const label = bar.label.length > 18 ? `${bar.label.slice(0, 17)}…` : bar.label;
    return html`<text class="bar-label" x="${labelWidth - 6}" y="${y + 13}">${label}</text><rect class="bar" x="${labelWidth}" y="${y + 2}" width="${Math.max(0.5, bar.value * scale).toFixed(1)}" height="${rowHeight - 6}"><title>${bar.label}: ${bar.text}</title></rect><text class="bar-value" x="${(labelWidth + Math.max(0.5, bar.value * scale) + 4).toFixed(1)}" y="${y + 13}">${bar.text}</text>`;
  });
  return html`<svg class="chart" data-chart="${name}" data-bars="${bars.length}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${title}"><text class="axis" x="4" y="12">${title}</text>${rows}</svg>`;
}

/** One point of a trend: its label (a version), value (`null`: not measured) and link (`null`: none). */
export interface TrendPoint {
  readonly label: string;
  readonly value: number | null;
  readonly href: string | null;
}

/**
 * A trend line over releases, oldest left: one point per release (a gap where the value is null),
 * each a link to its commit when it has one, with its version and value as a tooltip. The value
 * axis spans the data (and `floor` when given, e.g. a drift budget). Inline SVG.
 */
export function trendChart(name: string, title: string, points: readonly TrendPoint[], floor: number | null = null): Html {
  const values = points.flatMap((point) => (point.value === null ? [] : [point.value]));
  const all = floor === null ? values : [...values, floor];
  const low = all.length > 0 ? Math.min(...all) : 0;
  const high = all.length > 0 ? Math.max(...all) : 1;
  const pad = high > low ? (high - low) * 0.1 : Math.max(Math.abs(high) * 0.1, 0.01);
  const [min, max] = [low - pad, high + pad];
  const plotWidth = WIDTH - LEFT - 16;
  const plotHeight = HEIGHT - BOTTOM - 24;
  const x = (index: number) => LEFT + 8 + (points.length > 1 ? (index / (points.length - 1)) * (plotWidth - 16) : plotWidth / 2);
  const y = (value: number) => 20 + plotHeight - ((value - min) / (max - min)) * plotHeight;
  const segments: string[] = [];
  let open = false;
  points.forEach((point, index) => {
    if (point.value === null) {
      open = false;
      return;
    }
    segments.push(`${open ? 'L' : 'M'}${x(index).toFixed(1)},${y(point.value).toFixed(1)}`);
    open = true;
  });
  const dots = points.map((point, index) => {
    if (point.value === null) return html``;
    const dot = html`<circle class="point" cx="${x(index).toFixed(1)}" cy="${y(point.value).toFixed(1)}" r="4"><title>${point.label}: ${point.value.toFixed(4)}</title></circle>`;
    return point.href === null ? dot : html`<a href="${point.href}">${dot}</a>`;
  });
  const step = Math.max(1, Math.ceil(points.length / 8));
  const ticks = points.map((point, index) => (index % step === 0 || index === points.length - 1 ? html`<text class="tick" x="${x(index).toFixed(1)}" y="${HEIGHT - 12}">${point.label.length > 14 ? `${point.label.slice(0, 13)}…` : point.label}</text>` : html``));
  const floorLine =
    floor === null
      ? html``
      : html`<line class="limit fail" x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(floor).toFixed(1)}" y2="${y(floor).toFixed(1)}"/><text class="limit-label fail" x="${LEFT + 4}" y="${(y(floor) - 4).toFixed(1)}">budget ${floor}</text>`;
  const axis = html`<text class="tick" x="${LEFT - 22}" y="${(y(max - pad) + 4).toFixed(1)}">${(max - pad).toFixed(3)}</text><text class="tick" x="${LEFT - 22}" y="${(y(min + pad) + 4).toFixed(1)}">${(min + pad).toFixed(3)}</text>`;
  return html`<svg class="chart trend" data-chart="${name}" data-points="${values.length}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}"><text class="axis" x="4" y="12">${title}</text>${axis}<path class="trend-line" d="${segments.join(' ')}"/>${dots}${ticks}${floorLine}</svg>`;
}
