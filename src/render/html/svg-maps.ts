import { html, Html } from './escape-html.js';

/** Colours of up to ten clusters (Tableau 10); further clusters repeat them. */
export const CLUSTER_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** What one map draws: x, y pairs in [0, 10000], and per point its index, cluster and whether it is highlighted. */
export interface MapPoints {
  readonly coordinates: readonly number[];
  /** The point's index in the report's `maps.points` (for the page script and the other maps). */
  readonly index: readonly number[];
  readonly cluster: readonly number[];
  readonly highlighted: ReadonlySet<number>;
}

const circle = (x: number, y: number, point: number, cluster: number, highlighted: boolean, extra = ''): Html =>
  html`<circle class="p c${cluster % CLUSTER_COLOURS.length}${highlighted ? ' worst' : ''}${extra}" cx="${x}" cy="${10000 - y}" r="${highlighted ? 95 : 60}" data-i="${point}"/>`;

/** One UMAP layout as an SVG scatter plot, points coloured by cluster, the lowest-overlap ones ringed. */
export function mapSvg(name: string, title: string, points: MapPoints): Html {
  const circles: Html[] = [];
  // Highlighted points last, so they are drawn on top.
  const order = points.index.map((_, i) => i).sort((a, b) => Number(points.highlighted.has(points.index[a]!)) - Number(points.highlighted.has(points.index[b]!)) || a - b);
  for (const i of order) {
    const point = points.index[i]!;
    circles.push(circle(points.coordinates[2 * i]!, points.coordinates[2 * i + 1]!, point, points.cluster[i]!, points.highlighted.has(point)));
  }
  return html`<figure class="map"><figcaption>${title}</figcaption><svg class="map-svg" data-map="${name}" data-points="${points.index.length}" viewBox="-300 -300 10600 10600" role="img" aria-label="${title}">${circles}</svg></figure>`;
}

/**
 * The joint layout: every point twice (reference position hollow, candidate position filled), and a
 * line from the old to the new position of each of the items that moved most.
 */
export function jointSvg(title: string, reference: MapPoints, candidate: readonly number[], moved: readonly number[]): Html {
  const lines = moved.map((i) => {
    const [x1, y1, x2, y2] = [reference.coordinates[2 * i]!, reference.coordinates[2 * i + 1]!, candidate[2 * i]!, candidate[2 * i + 1]!];
    return html`<line class="move" x1="${x1}" y1="${10000 - y1}" x2="${x2}" y2="${10000 - y2}" data-i="${reference.index[i]!}"/>`;
  });
  const circles: Html[] = [];
  reference.index.forEach((point, i) => {
    circles.push(circle(reference.coordinates[2 * i]!, reference.coordinates[2 * i + 1]!, point, reference.cluster[i]!, false, ' old'));
    circles.push(circle(candidate[2 * i]!, candidate[2 * i + 1]!, point, reference.cluster[i]!, false, ' new'));
  });
  return html`<figure class="map joint"><figcaption>${title}</figcaption><svg class="map-svg" data-map="joint" data-points="${reference.index.length * 2}" data-lines="${moved.length}" viewBox="-300 -300 10600 10600" role="img" aria-label="${title}">${circles}${lines}</svg></figure>`;
}
