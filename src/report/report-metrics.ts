import type { ClusterCentroids, ClusterShift } from '../metrics/cluster-centroids.js';
import type { KnnOverlapSummary } from '../metrics/knn-overlap.js';

/** One of the lowest-overlap items, with both neighbour lists as ids. */
export interface WorstItem {
  readonly id: string;
  readonly text: string | null;
  readonly overlap: number;
  readonly referenceNeighbours: readonly string[];
  readonly candidateNeighbours: readonly string[];
}

/** The metrics section of a report: what the policy reads and every renderer shows. */
export type ReportMetrics = {
  readonly knnOverlap: Omit<KnnOverlapSummary, 'worstPositions'> & { readonly worst: readonly WorstItem[] };
  readonly cka: { readonly linear: number | null; readonly reason: string | null };
  readonly centroid: {
    readonly cosineDistance: number | null;
    readonly relativeShift: number | null;
    readonly reason: string | null;
    readonly clustering: { readonly source: 'label' | 'kmeans'; readonly description: string; readonly count: number };
    readonly clusters: readonly ClusterShift[];
    readonly meanInterCentroidDistance: ClusterCentroids['meanInterCentroidDistance'];
  };
  readonly paired: {
    readonly cosineMean: number | null;
    readonly cosineP5: number | null;
    readonly cosineMin: number | null;
    readonly lowest: { readonly id: string; readonly cosine: number } | null;
    readonly reason: string | null;
  };
  readonly crossRetrieval: {
    readonly evaluated: number | null;
    readonly top1: number | null;
    readonly recallAtK: number | null;
    readonly k: number;
    readonly threshold: number;
    /** false also when the dimensions differ: an old index cannot hold the new vectors. */
    readonly indexCompatible: boolean;
    readonly reason: string | null;
  };
  readonly procrustes: { readonly alignedCosineMean: number | null; readonly reason: string | null };
};
