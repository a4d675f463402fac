import { cosine, dividedBy, euclideanDistance } from '../kernels/matrix-products.js';
import { rowSum, squaredDistances } from '../kernels/row-statistics.js';

/** The two centroid measures of one group of items (all of them, or one cluster). */
export interface CentroidShift {
  /** 1 − cos(mean(R), mean(C)); `null` when a centroid is the zero vector. */
  readonly cosineDistance: number | null;
  /** ‖mean(R) − mean(C)‖ / mean_i ‖R_i − mean(R)‖; `null` when the reference spread is 0. */
  readonly relativeShift: number | null;
  /** Why a value is null, else `null`. */
  readonly reason: string | null;
}

/** The mean of the given rows of a row-major matrix, in float64: μ = (1/|rows|) Σ_{i ∈ rows} X_i. */
export function centroid(values: Float32Array, dim: number, rows: ArrayLike<number>): Float64Array {
  return dividedBy(rowSum(values, dim, rows), rows.length);
}

/** mean_i ‖X_i − μ‖ over the given rows: the average distance of an item from its centroid (squaredDistances' arithmetic). */
export function meanDistanceToCentroid(values: Float32Array, dim: number, rows: ArrayLike<number>, mean: Float64Array): number {
  return meanOfRoots(squaredDistances(values, dim, rows, mean));
}

/** mean_i √d_i: the mean distance from squared distances (a zero-length list gives NaN). */
export function meanOfRoots(squared: Float64Array): number {
  let total = 0;
  for (let i = 0; i < squared.length; i++) total += Math.sqrt(squared[i] as number);
  return total / squared.length;
}

/**
 * Centroid shift between the same items in two spaces of equal dimension (unit-normalised rows):
 *   cosineDistance = 1 − cos(μ_R, μ_C)                      range [0, 2]; 0 = same direction;
 *   relativeShift  = ‖μ_R − μ_C‖ / mean_i ‖R_i − μ_R‖        ≥ 0; the move in units of the
 * reference's own spread (1 ≈ the centroid moved as far as a typical item sits from it).
 * Cost: O(|rows| · d).
 */
export function centroidShift(reference: Float32Array, candidate: Float32Array, dim: number, rows: ArrayLike<number>): CentroidShift {
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
