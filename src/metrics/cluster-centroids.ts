import { euclideanDistance } from '../kernels/matrix-products.js';
import { centroid, centroidShift, type CentroidShift } from './centroid-shift.js';
import type { ClusterAssignment } from './cluster-assignment.js';
import type { AlignedMatrices } from './types.js';

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
 * dimension, so D_R and D_C can be compared when the dimension changed. Cost: O(n·d + K²·d).
 */
export function meanInterCentroidDistance(values: Float32Array, dim: number, clusters: ClusterAssignment['clusters']): number {
  const centres = clusters.map((cluster) => centroid(values, dim, cluster.rows));
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
 * Per-cluster centroid shift (same members in both sets; see centroidShift) and the relative
 * change of the mean inter-centroid distance, (D_C − D_R) / D_R: negative when clusters
 * crowd together in the new space, positive when they spread apart.
 */
export function clusterCentroids(matrices: AlignedMatrices, assignment: ClusterAssignment, dimensionReason: string | null): ClusterCentroids {
  const clusters = assignment.clusters.map((cluster) => {
    const shift: CentroidShift =
      dimensionReason === null
        ? centroidShift(matrices.reference, matrices.candidate, matrices.referenceDim, cluster.rows)
        : { cosineDistance: null, relativeShift: null, reason: dimensionReason };
    return { cluster: cluster.name, size: cluster.rows.length, ...shift };
  });
  let spread: ClusterCentroids['meanInterCentroidDistance'];
  if (assignment.clusters.length < 2) {
    spread = { reference: null, candidate: null, relativeChange: null, reason: 'needs at least 2 clusters' };
  } else {
    const reference = meanInterCentroidDistance(matrices.reference, matrices.referenceDim, assignment.clusters);
    const candidate = meanInterCentroidDistance(matrices.candidate, matrices.candidateDim, assignment.clusters);
    spread =
      reference === 0
        ? { reference, candidate, relativeChange: null, reason: 'the reference cluster centroids coincide' }
        : { reference, candidate, relativeChange: (candidate - reference) / reference, reason: null };
  }
  return { source: assignment.source, description: assignment.description, clusters, meanInterCentroidDistance: spread };
}
