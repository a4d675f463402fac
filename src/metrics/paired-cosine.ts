import { quantileSorted, sortedCopy } from '../stats/quantile.js';

/** Statistics of cos(R_i, C_i) over all aligned items. */
export interface PairedCosine {
  readonly cosineMean: number;
  readonly cosineP5: number;
  readonly cosineMin: number;
  /** Aligned row of the least similar pair (lowest row on ties). */
  readonly minRow: number;
  /** The per-item values, by aligned row. */
  readonly values: Float64Array;
}

/**
 * Paired cosine similarity of each item with itself across the two spaces (equal dimension):
 * cos_i = R_i · C_i for unit rows, clamped to [−1, 1], from the row dot products (core/row-norms.ts
 * rowDots, or the engine's, with the same bits). Reports the mean, the 5th percentile (linear
 * interpolation) and the minimum. 1 everywhere means the vectors did not change. Cost: O(n).
 */
export function pairedCosine(dots: Float64Array): PairedCosine {
  const count = dots.length;
  const values = new Float64Array(count);
  let sum = 0;
  let minRow = 0;
  for (let i = 0; i < count; i++) {
    const value = Math.max(-1, Math.min(1, dots[i] as number));
    values[i] = value;
    sum += value;
    if (value < (values[minRow] as number)) minRow = i;
  }
  const sorted = sortedCopy(values);
  return {
    cosineMean: sum / count,
    cosineP5: quantileSorted(sorted, 0.05),
    cosineMin: sorted[0] as number,
    minRow,
    values,
  };
}
