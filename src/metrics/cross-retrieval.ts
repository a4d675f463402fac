import type { KnnEngine } from '../kernels/knn-engine.js';
import type { AlignedMatrices } from './types.js';

/** Cross-model retrieval results (equal dimension). */
export interface CrossRetrieval {
  readonly evaluated: number;
  /** Fraction of queries C_i whose most similar reference vector is R_i. */
  readonly top1: number;
  /** Fraction of queries C_i with R_i among the k most similar reference vectors. */
  readonly recallAtK: number;
  readonly k: number;
  /** top1 ≥ the compatibility threshold. */
  readonly indexCompatible: boolean;
  readonly threshold: number;
}

/**
 * Cross-model retrieval, the compatibility test of backward-compatible representation learning
 * (Shen et al., CVPR 2020): query an index of the reference vectors with each candidate vector C_i.
 *   top1       = (1/q) Σ_i [rank_i = 0],   recall@k = (1/q) Σ_i [rank_i < k],
 * where rank_i counts reference rows scoring above R_i (ties: lower row first).
 * indexCompatible = top1 ≥ threshold: new vectors can be searched against the old index.
 * Only whether a rank is 0 or below k matters, so the engine stops a query once k rows beat its
 * partner (incompatible spaces: about one item block per query), and with the queries' reference
 * kNN lists (`referenceNeighbours`, q × k) it certifies by a bound, without a scan, the queries of
 * nearly compatible spaces that only their listed neighbours could beat. Results equal the full scan.
 * Cost: at most O(q · n · d), run by `engine`.
 */
export async function crossRetrieval(
  engine: KnnEngine,
  matrices: AlignedMatrices,
  k: number,
  threshold: number,
  queryRows: Int32Array | null,
  referenceNeighbours: Int32Array | null = null,
): Promise<CrossRetrieval & { readonly ranks: Int32Array }> {
  // Only whether a rank is 0 (top-1) or below k (recall@k) matters: the scan of a query stops once k rows beat its partner.
  // The reference kNN lists certify most queries of nearly compatible spaces without a scan.
  const hints = referenceNeighbours && { lists: referenceNeighbours, k };
  const ranks = await engine.partnerRanks(matrices.candidate, matrices.reference, matrices.count, matrices.candidateDim, queryRows, k, 'cross-model retrieval', hints);
  return { ...summariseRanks(ranks, k, threshold), ranks };
}

/** top-1, recall@k and index compatibility from the partner ranks of the evaluated queries. */
export function summariseRanks(ranks: ArrayLike<number>, k: number, threshold: number): CrossRetrieval {
  let top1 = 0;
  let withinK = 0;
  for (let i = 0; i < ranks.length; i++) {
    const rank = ranks[i] as number;
    if (rank === 0) top1 += 1;
    if (rank < k) withinK += 1;
  }
  const fraction = top1 / ranks.length;
  return { evaluated: ranks.length, top1: fraction, recallAtK: withinK / ranks.length, k, indexCompatible: fraction >= threshold, threshold };
}
