import { UMAP } from 'umap-js';
import type { KnnEngine } from '../kernels/knn-engine.js';
import { seededRandom } from '../stats/random.js';

/** Optimisation epochs of every layout: a stable picture of ≤ 1,000 points in about 1 s each (umap-js, 2 vCPUs). */
export const MAP_EPOCHS = 80;

/** A 2-D layout and the neighbour graph it was built from. */
export interface Layout {
  /** `count × 2` coordinates, row-major, scaled to integers in [0, 10000] (see scaleToGrid). */
  readonly coordinates: Int32Array;
  /** `count × k` neighbour rows (self excluded, best first): the engine's exact cosine kNN. */
  readonly neighbours: Int32Array;
}

/**
 * A seeded UMAP layout (McInnes et al. 2018; the umap-js package) of `count` unit vectors, fed the
 * engine's exact cosine k-nearest-neighbour graph instead of umap-js' approximate search: each
 * point's neighbour list is itself (distance 0) then its k neighbours at cosine distance 1 − ⟨x_i, x_j⟩.
 * Deterministic for a seed. Cost: the kNN (O(count² · dim) on the engine) plus about
 * MAP_EPOCHS · count · k optimisation steps.
 */
export async function umapLayout(engine: KnnEngine, values: Float32Array, count: number, dim: number, k: number, seed: number, label: string): Promise<Layout> {
  const neighbourCount = Math.min(k, count - 1);
  const neighbours = await engine.nearestNeighbours(values, count, dim, neighbourCount, null, label);
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let i = 0; i < count; i++) {
    const row = [i];
    const distance = [0];
    for (let t = 0; t < neighbourCount; t++) {
      const j = neighbours[i * neighbourCount + t] as number;
      let dot = 0;
      for (let c = 0; c < dim; c++) dot += (values[i * dim + c] as number) * (values[j * dim + c] as number);
      row.push(j);
      distance.push(Math.max(0, 1 - dot));
    }
    indices.push(row);
    distances.push(distance);
  }
  const umap = new UMAP({ nComponents: 2, nNeighbors: neighbourCount + 1, minDist: 0.1, nEpochs: MAP_EPOCHS, random: seededRandom(seed) });
  umap.setPrecomputedKNN(indices, distances);
  // With a precomputed graph umap-js reads only the number of rows of its input.
  const embedding = count > 2 ? umap.fit(Array.from({ length: count }, () => [0])) : Array.from({ length: count }, (_, i) => [i, i]);
  return { coordinates: scaleToGrid(embedding), neighbours };
}

/**
 * Coordinates scaled into integers in [0, 10000] with one scale for both axes (aspect kept), so
 * a layout is compact in JSON and the same on every run (sub-grid float noise cannot leak in).
 */
export function scaleToGrid(points: readonly (readonly number[])[]): Int32Array {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x = 0, y = 0] of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const out = new Int32Array(points.length * 2);
  points.forEach(([x = 0, y = 0], i) => {
    out[2 * i] = Math.round(((x - minX) / span) * 10000);
    out[2 * i + 1] = Math.round(((y - minY) / span) * 10000);
  });
  return out;
}
