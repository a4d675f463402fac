import { cosine, euclideanDistance } from '../kernels/matrix-products.js';

/** The two centroid measures of one group of items (all of them, or one cluster). */
export interface CentroidShift {
  /** 1 − cos(mean(R), mean(C)); `null` when a centroid is the zero vector. */
  readonly cosineDistance: number | null;
  /** ‖mean(R) − mean(C)‖ / mean_i ‖R_i − mean(R)‖; `null` when the reference spread is 0. */
  readonly relativeShift: number | null;
  /** Why a value is null, else `null`. */
  readonly reason: string | null;
}

/**
 * Σ_{i ∈ rows} X_i of a row-major matrix, in float64, added in row order. Four rows per pass over
 * the columns: s_j + a + b + c + d is evaluated left to right, so the bits are those of one row at a time.
 */
export function rowSum(values: Float32Array, dim: number, rows: readonly number[]): Float64Array {
  const sum = new Float64Array(dim);
  let p = 0;
  for (; p + 4 <= rows.length; p += 4) {
    const o0 = (rows[p] as number) * dim;
    const o1 = (rows[p + 1] as number) * dim;
    const o2 = (rows[p + 2] as number) * dim;
    const o3 = (rows[p + 3] as number) * dim;
    for (let j = 0; j < dim; j++) sum[j] = (sum[j] as number) + (values[o0 + j] as number) + (values[o1 + j] as number) + (values[o2 + j] as number) + (values[o3 + j] as number);
  }
  for (; p < rows.length; p++) {
    const offset = (rows[p] as number) * dim;
    for (let j = 0; j < dim; j++) sum[j] = (sum[j] as number) + (values[offset + j] as number);
  }
  return sum;
}

/** The mean of the given rows of a row-major matrix, in float64: μ = (1/|rows|) Σ_{i ∈ rows} X_i. */
export function centroid(values: Float32Array, dim: number, rows: readonly number[]): Float64Array {
  const mean = rowSum(values, dim, rows);
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) / rows.length;
  return mean;
}

/**
 * mean_i ‖X_i − μ‖ over the given rows: the average distance of an item from its centroid. Two
 * rows at a time (each row's sum still in dimension order), so the two sums overlap.
 */
export function meanDistanceToCentroid(values: Float32Array, dim: number, rows: readonly number[], mean: Float64Array): number {
  let total = 0;
  let p = 0;
  for (; p + 2 <= rows.length; p += 2) {
    const o0 = (rows[p] as number) * dim;
    const o1 = (rows[p + 1] as number) * dim;
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < dim; j++) {
      const m = mean[j] as number;
      const d0 = (values[o0 + j] as number) - m;
      const d1 = (values[o1 + j] as number) - m;
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    total += Math.sqrt(s0);
    total += Math.sqrt(s1);
  }
  for (; p < rows.length; p++) {
    const offset = (rows[p] as number) * dim;
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const diff = (values[offset + j] as number) - (mean[j] as number);
      sum += diff * diff;
    }
    total += Math.sqrt(sum);
  }
  return total / rows.length;
}

/**
 * Centroid shift between the same items in two spaces of equal dimension (unit-normalised rows):
 *   cosineDistance = 1 − cos(μ_R, μ_C)                      range [0, 2]; 0 = same direction;
 *   relativeShift  = ‖μ_R − μ_C‖ / mean_i ‖R_i − μ_R‖        ≥ 0; the move in units of the
 * reference's own spread (1 ≈ the centroid moved as far as a typical item sits from it).
 * Cost: O(|rows| · d).
 */
export function centroidShift(reference: Float32Array, candidate: Float32Array, dim: number, rows: readonly number[]): CentroidShift {
  const meanR = centroid(reference, dim, rows);
  return shiftBetween(meanR, centroid(candidate, dim, rows), meanDistanceToCentroid(reference, dim, rows, meanR), rows.length);
}

/** centroidShift from the two centroids μ_R, μ_C of a group of `size` items and its reference spread mean_i ‖R_i − μ_R‖. */
export function shiftBetween(meanR: Float64Array, meanC: Float64Array, spread: number, size: number): CentroidShift {
  const cos = cosine(meanR, meanC);
  const reasons: string[] = [];
  if (cos === null) reasons.push('a centroid is the zero vector, so its direction is undefined');
  if (spread === 0) reasons.push(size === 1 ? 'a single item has no spread' : 'the reference items have no spread');
  return {
    cosineDistance: cos === null ? null : 1 - cos,
    relativeShift: spread === 0 ? null : euclideanDistance(meanR, meanC) / spread,
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  };
}
