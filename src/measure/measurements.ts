import type { ClusterAssignment } from '../metrics/cluster-assignment.js';
import type { ClusterCentroids } from '../metrics/cluster-centroids.js';
import type { CentroidShift } from '../metrics/centroid-shift.js';
import type { CrossRetrieval } from '../metrics/cross-retrieval.js';
import type { KnnOverlapDetail, KnnOverlapSummary } from '../metrics/knn-overlap.js';
import type { CrossProducts, PendingCrossProducts } from '../metrics/linear-cka.js';
import type { PairedCosine } from '../metrics/paired-cosine.js';
import type { Applicable } from '../metrics/types.js';
import type { ReportMaps } from '../report/report-maps.js';

/** What the measure steps produce, each under its own key, filled in step order. */
export interface Measurements {
  readonly knnDetail?: KnnOverlapDetail;
  readonly knnSummary?: KnnOverlapSummary;
  /** The cross-products as they are being formed, from before the first step (CKA's head start). */
  readonly pendingProducts?: PendingCrossProducts;
  /** The share of the cross-products formed before the CKA step began (for its log line). */
  readonly productsFormedEarly?: number;
  /** The uncentred RᵀR, CᵀC and CᵀR: CKA and Procrustes read them. */
  readonly products?: CrossProducts;
  readonly cka?: Applicable<number>;
  readonly assignment?: ClusterAssignment;
  readonly clusters?: ClusterCentroids;
  /** The global centroid shift, or `null` when the dimensions differ. */
  readonly globalShift?: CentroidShift | null;
  /** Equal dimensions only. */
  readonly paired?: PairedCosine | null;
  readonly cross?: (CrossRetrieval & { readonly ranks: Int32Array }) | null;
  readonly procrustes?: number | null;
  /** The HTML report's maps, when asked for. */
  readonly maps?: ReportMaps;
}
