import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../src/compare.js';
import { anyPath } from '../src/io/paths.js';
import { scaleToGrid, umapLayout } from '../src/maps/umap-layout.js';
import { overlapHistogram } from '../src/metrics/knn-overlap.js';
import { overlapChart } from '../src/render/mermaid-chart.js';
import { renderHtml } from '../src/render/html/html.js';
import { parseSettings } from '../src/settings.js';
import { availableEngines, FIXTURES, loadMetricCase, readJson } from './helpers.js';

// Reference values: test/fixtures/metrics/equal.json (scikit-learn brute-force cosine kNN, NumPy overlaps).
const expected = readJson(join(FIXTURES, 'metrics', 'equal.json'));

async function equalReport(extra: Record<string, string> = {}) {
  const settings = parseSettings(
    { reference: 'equal-reference.npy', candidate: 'equal-candidate.npy', k: String(expected.k), clusters: '3', format: 'html', ...extra },
    undefined,
    anyPath(join(FIXTURES, 'metrics')),
  );
  return compare(settings, { info: () => undefined, warn: () => undefined });
}

describe('the maps’ neighbour graph is the engine’s exact kNN', () => {
  it.each(availableEngines())('umapLayout on the $name engine is fed scikit-learn’s neighbour lists', async ({ engine }) => {
    const { pair } = await loadMetricCase('equal', engine);
    const layout = await umapLayout(engine, pair.reference, pair.count, pair.referenceDim, expected.k, 42, 'test');
    const lists = Array.from({ length: pair.count }, (_, i) => Array.from(layout.neighbours.subarray(i * expected.k, (i + 1) * expected.k)));
    expect(lists).toEqual(expected.referenceNeighbours);
    expect(layout.coordinates).toHaveLength(2 * pair.count);
    expect(Math.min(...layout.coordinates)).toBe(0);
    expect(Math.max(...layout.coordinates)).toBe(10000);
  });

  it('a layout is the same for the same seed, and differs for another', async () => {
    const { pair } = await loadMetricCase('equal');
    const engine = availableEngines()[0]!.engine;
    const a = await umapLayout(engine, pair.reference, pair.count, pair.referenceDim, 5, 7, 'a');
    const b = await umapLayout(engine, pair.reference, pair.count, pair.referenceDim, 5, 7, 'b');
    const c = await umapLayout(engine, pair.reference, pair.count, pair.referenceDim, 5, 8, 'c');
    expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates));
    expect(Array.from(a.coordinates)).not.toEqual(Array.from(c.coordinates));
  });

  it('scaleToGrid keeps the aspect ratio in [0, 10000]', () => {
    expect(Array.from(scaleToGrid([[0, 0], [2, 1], [1, 0.5]]))).toEqual([0, 0, 10000, 5000, 5000, 2500]);
  });
});

describe('the data behind the charts and maps', () => {
  it('every item is mapped when there are few; each point carries its cluster and the gate’s overlap', async () => {
    const report = await equalReport();
    const maps = report.maps!;
    expect(maps.sampled).toBe(false);
    expect(maps.points.ids).toHaveLength(expected.n);
    expect(maps.points.overlap).toEqual(expected.knnOverlap.perItem);
    expect(maps.points.query).toEqual(maps.points.ids.map((_, i) => i));
    expect(maps.reference).toHaveLength(2 * expected.n);
    expect(maps.joint!.points.length).toBeLessThanOrEqual(500);
    expect(maps.joint!.moved).toHaveLength(40);
    // Points of one cluster share its index, and each k-means cluster is used.
    expect(new Set(maps.points.cluster)).toEqual(new Set(maps.clusters.map((_, i) => i)));
  });

  it('the overlap histogram counts items by shared neighbours and sums to the evaluated items', async () => {
    const report = await equalReport();
    const counts = Array.from({ length: expected.k + 1 }, (_, j) => expected.knnOverlap.perItem.filter((value: number) => Math.round(value * expected.k) === j).length);
    expect(report.metrics.knnOverlap.histogram).toEqual(counts);
    expect(overlapHistogram([0, 0.5, 0.5, 1], 2)).toEqual([1, 2, 1]);
  });

  it('maps are in the report only when asked for, and the report is byte-for-byte the same on a rerun', async () => {
    const without = await compare(parseSettings({ reference: 'equal-reference.npy', candidate: 'equal-candidate.npy', k: '7', clusters: '3' }, undefined, anyPath(join(FIXTURES, 'metrics'))), { info: () => undefined, warn: () => undefined });
    expect(without.maps).toBeNull();
    expect(JSON.stringify(await equalReport())).toBe(JSON.stringify(await equalReport()));
  });

  it('different dimensions: two maps, no joint view', async () => {
    const settings = parseSettings({ reference: 'dims-reference.npy', candidate: 'dims-candidate.npy', k: '5', clusters: '3', format: 'html' }, undefined, anyPath(join(FIXTURES, 'metrics')));
    const report = await compare(settings, { info: () => undefined, warn: () => undefined });
    expect(report.maps!.joint).toBeNull();
    expect(report.maps!.candidate).toHaveLength(report.maps!.reference.length);
  });
});

describe('renderers of the visual report', () => {
  it('the Mermaid chart follows the exact grammar emitted, from numbers alone', () => {
    const chart = overlapChart([1, 8, 26, 3], 38);
    expect(chart).toBe(['```mermaid', 'xychart-beta', '  title "kNN overlap per item (k = 3, 38 items)"', '  x-axis "overlap" ["0.0", "0.3", "0.7", "1.0"]', '  y-axis "items" 0 --> 26', '  bar [1, 8, 26, 3]', '```'].join('\n'));
    // A forged histogram cannot inject text: non-integers become 0.
    expect(overlapChart([1, Number.NaN, -4, 2.5] as number[], 1e9)).toContain('bar [1, 0, 0, 0]');
  });

  it('a report whose maps do not add up (out-of-range clusters and points, short layouts) still renders, without a throw', async () => {
    const report = await equalReport();
    const maps = report.maps!;
    const broken = {
      ...report,
      maps: { ...maps, points: { ...maps.points, cluster: maps.points.cluster.map(() => 999) }, reference: maps.reference.slice(0, 10), joint: { ...maps.joint!, points: [5000, 1], moved: [7] } },
    };
    expect(renderHtml(broken as typeof report)).toMatch(/<\/html>\n$/);
  });

  it('HTML escapes every string from the report, and data cannot close the script element', async () => {
    const report = await equalReport();
    const payload = '</script><img src=x onerror=alert(1)> "quoted" \u2028';
    const forged = {
      ...report,
      reference: { ...report.reference, source: payload },
      maps: { ...report.maps!, points: { ...report.maps!.points, ids: report.maps!.points.ids.map((id, i) => (i === 0 ? payload : id)), text: report.maps!.points.text.map(() => payload) } },
      metrics: { ...report.metrics, knnOverlap: { ...report.metrics.knnOverlap, worst: report.metrics.knnOverlap.worst.map((item) => ({ ...item, id: payload, text: payload })) } },
      bump: { ...report.bump, reasons: [payload] },
    };
    const page = renderHtml(forged as typeof report);
    expect(page).not.toMatch(/<img|<\/script><img/);
    expect(page.match(/<\/script>/g)).toHaveLength(2); // the data block and the page script, nothing else
    expect(page).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;');
    expect(page).toContain('\\u003c/script\\u003e\\u003cimg');
  });
});
