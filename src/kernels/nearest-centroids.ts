import type { NearestCentroids } from './knn-tasks.js';
import { rowDot } from './score-block.js';
import { allRows } from '../core/all-rows.js';

/**
 * The JavaScript reference of nearestCentroidTask: for each of `rows` (null: all), the centre c with
 * the lowest s_c = ‖μ_c‖² − 2⟨x, μ_c⟩ (float64 sums in dimension order; ties to the lower c), and
 * the gap to the second lowest. Cost: |rows| · k · dim MACs.
 */
export function nearestCentroids(values: Float32Array, count: number, dim: number, centroids: Float32Array, norms: Float64Array, rows: Int32Array | null): NearestCentroids {
  const all = rows ?? allRows(count);
  const k = norms.length;
  const best = new Int32Array(all.length);
  const gap = new Float64Array(all.length);
  all.forEach((row, position) => {
    let first = Infinity;
    let second = Infinity;
    let index = 0;
    for (let c = 0; c < k; c++) {
      const value = (norms[c] as number) - 2 * rowDot(values, row, centroids, c, dim);
      if (value < first) {
        second = first;
        first = value;
        index = c;
      } else if (value < second) second = value;
    }
    best[position] = index;
    gap[position] = second - first;
  });
  return { best, gap };
}
