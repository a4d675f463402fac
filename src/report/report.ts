import type { AlignmentSummary } from '../core/align.js';
import type { BumpClassification } from '../classify/classify-bump.js';
import type { ClusterCentroids, ClusterShift } from '../metrics/cluster-centroids.js';
import type { KnnOverlapSummary } from '../metrics/knn-overlap.js';
import type { Verdict } from '../policy/verdict.js';
import type { KernelName } from '../kernels/wasm-kernel.js';
import type { Settings } from '../settings.js';

/** Version of the JSON report layout; bump it on any breaking change (documented in schema/report.schema.json). */
export const REPORT_SCHEMA_VERSION = 1;

/** Characters of an item's text the report keeps (the schema's bound; renderers show far fewer). */
export const MAX_REPORT_TEXT = 1000;

/** One side of the comparison as read from disk. */
export interface SetSummary {
  readonly source: string;
  readonly format: string;
  readonly count: number;
  readonly dim: number;
  readonly idSource: string;
  readonly manifest: string | null;
}

/** One of the lowest-overlap items, with both neighbour lists as ids. */
export interface WorstItem {
  readonly id: string;
  readonly text: string | null;
  readonly overlap: number;
  readonly referenceNeighbours: readonly string[];
  readonly candidateNeighbours: readonly string[];
}

/** The whole comparison: what the JSON report holds and every renderer reads. */
export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'embedding-gate'; readonly version: string };
  readonly settings: Pick<Settings, 'k' | 'sample' | 'exactLimit' | 'seed' | 'clusters' | 'minCoverage' | 'compatThreshold' | 'equivalenceTolerance' | 'config'> & {
    /** The kNN kernel that ran (results may differ from another kernel only at float32 near-ties). */
    readonly kernel: KernelName;
  };
  readonly reference: SetSummary;
  readonly candidate: SetSummary;
  readonly alignment: AlignmentSummary;
  readonly metrics: {
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
  readonly bump: BumpClassification;
  readonly verdict: Verdict;
}
