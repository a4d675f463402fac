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

/** The mean of the given rows (all rows when `rows` is null) of a row-major matrix, in float64. */
export function centroid(values: Float32Array, dim: number, rows: readonly number[]): Float64Array {
  const mean = new Float64Array(dim);
  for (const row of rows) {
    const offset = row * dim;
    for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (values[offset + j] as number);
  }
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) / rows.length;
  return mean;
}

/** mean_i ‖X_i − μ‖ over the given rows: the average distance of an item from its centroid. */
export function meanDistanceToCentroid(values: Float32Array, dim: number, rows: readonly number[], mean: Float64Array): number {
  let total = 0;
  for (const row of rows) {
    const offset = row * dim;
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
  const meanC = centroid(candidate, dim, rows);
  const cos = cosine(meanR, meanC);
  const spread = meanDistanceToCentroid(reference, dim, rows, meanR);
  const reasons: string[] = [];
  if (cos === null) reasons.push('a centroid is the zero vector, so its direction is undefined');
  if (spread === 0) reasons.push(rows.length === 1 ? 'a single item has no spread' : 'the reference items have no spread');
  return {
    cosineDistance: cos === null ? null : 1 - cos,
    relativeShift: spread === 0 ? null : euclideanDistance(meanR, meanC) / spread,
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  };
}
