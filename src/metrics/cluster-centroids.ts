import { dividedBy, euclideanDistance } from '../kernels/matrix-products.js';
import type { KnnEngine } from '../kernels/knn-engine.js';
import { meanOfRoots, shiftBetween, type CentroidShift } from './centroid-shift.js';
import type { ClusterAssignment } from './cluster-assignment.js';
import type { AlignedMatrices } from './types.js';
import { allRows } from '../core/all-rows.js';

/** One cluster's size and centroid shift (shift fields null when dimensions differ). */
export interface ClusterShift extends CentroidShift {
  readonly cluster: string;
  readonly size: number;
}

/** Per-cluster centroid shifts and the spread of cluster centroids in each space. */
export interface ClusterCentroids {
  readonly source: ClusterAssignment['source'];
  readonly description: string;
  readonly clusters: readonly ClusterShift[];
  /** Mean pairwise Euclidean distance between cluster centroids in each space, and its relative change. */
  readonly meanInterCentroidDistance: {
    readonly reference: number | null;
    readonly candidate: number | null;
    /** (candidate − reference) / reference. */
    readonly relativeChange: number | null;
    readonly reason: string | null;
  };
}

/**
 * Mean distance between cluster centroids within one space (the embedding-drift monitor of
 * Arize's write-up): D = mean_{a<b} ‖μ_a − μ_b‖ over the clusters' centroids. Works in any
 * dimension, so D_R and D_C can be compared when the dimension changed. Cost: O(K²·d).
 */
export function meanInterCentroidDistance(centres: readonly Float64Array[]): number {
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < centres.length; a++) {
    for (let b = a + 1; b < centres.length; b++) {
      total += euclideanDistance(centres[a] as Float64Array, centres[b] as Float64Array);
      pairs += 1;
    }
  }
  return total / pairs;
}

/**
 * The centroid measures of a comparison from one pass over each space: per-cluster centroid shifts
 * (same members in both sets; see centroidShift), the relative change of the mean inter-centroid
 * distance, (D_C − D_R) / D_R (negative when clusters crowd together in the new space, positive
 * when they spread apart), and the global centroid shift (`null` when the dimensions differ). The
 * clusters' row sums give their centroids and, when the clusters cover every item, the global one.
 */
export function measureCentroids(
  engine: KnnEngine,
  matrices: AlignedMatrices,
  assignment: ClusterAssignment,
  dimensionReason: string | null,
): { readonly clusters: ClusterCentroids; readonly globalShift: CentroidShift | null } {
  const { reference, candidate, referenceDim, candidateDim, count } = matrices;
  const members = assignment.clusters.map((cluster) => Int32Array.from(cluster.rows));
  const referenceCentroids = spaceCentroids(engine, reference, referenceDim, count, members);
  const candidateCentroids = spaceCentroids(engine, candidate, candidateDim, count, members);
  const spread = (rows: Int32Array, mean: Float64Array) => meanOfRoots(engine.squaredDistances(reference, referenceDim, rows, mean));
  const clusters = assignment.clusters.map((cluster, c) => {
    const meanR = referenceCentroids.clusters[c] as Float64Array;
    const shift: CentroidShift =
      dimensionReason === null
        ? shiftBetween(meanR, candidateCentroids.clusters[c] as Float64Array, spread(members[c] as Int32Array, meanR), cluster.rows.length)
        : { cosineDistance: null, relativeShift: null, reason: dimensionReason };
    return { cluster: cluster.name, size: cluster.rows.length, ...shift };
  });
  let interCentroid: ClusterCentroids['meanInterCentroidDistance'];
  if (assignment.clusters.length < 2) {
    interCentroid = { reference: null, candidate: null, relativeChange: null, reason: 'needs at least 2 clusters' };
  } else {
    const distanceR = meanInterCentroidDistance(referenceCentroids.clusters);
    const distanceC = meanInterCentroidDistance(candidateCentroids.clusters);
    interCentroid =
      distanceR === 0
        ? { reference: distanceR, candidate: distanceC, relativeChange: null, reason: 'the reference cluster centroids coincide' }
        : { reference: distanceR, candidate: distanceC, relativeChange: (distanceC - distanceR) / distanceR, reason: null };
  }
  const globalShift = dimensionReason === null ? shiftBetween(referenceCentroids.overall, candidateCentroids.overall, spread(allRows(count), referenceCentroids.overall), count) : null;
  return { clusters: { source: assignment.source, description: assignment.description, clusters, meanInterCentroidDistance: interCentroid }, globalShift };
}

/**
 * Each cluster's centroid in one space, and the centroid of all `count` rows: the sum of the
 * clusters' row sums (in cluster order) when they cover every row, else a pass of its own.
 */
function spaceCentroids(engine: KnnEngine, values: Float32Array, dim: number, count: number, clusters: readonly Int32Array[]) {
  const sums = clusters.map((rows) => engine.rowSums(values, dim, rows));
  const covered = clusters.reduce((total, rows) => total + rows.length, 0) === count;
  const overall = covered ? new Float64Array(dim) : engine.rowSums(values, dim, allRows(count));
  if (covered) for (const sum of sums) for (let j = 0; j < dim; j++) overall[j] = (overall[j] as number) + (sum[j] as number);
  return { clusters: sums.map((sum, c) => dividedBy(sum, (clusters[c] as Int32Array).length)), overall: dividedBy(overall, count) };
}
