import { Matrix, SingularValueDecomposition } from 'ml-matrix';

/**
 * Orthogonal Procrustes (Schönemann 1966), equal dimension, no centring:
 * Q = argmin_{QᵀQ = I} ‖CQ − R‖_F = U Vᵀ where CᵀR = U Σ Vᵀ.
 * alignedCosineMean = mean_i cos((CQ)_i, R_i). For unit rows and orthogonal Q this equals
 * trace(QᵀCᵀR) / n = (Σ σ_k) / n, the nuclear norm of CᵀR over n, so only singular values are
 * needed. Range [−1, 1]; near 1 means a rotation (a linear adapter) maps new vectors onto old
 * ones and could replace a re-index. Takes the uncentred CᵀR (d × d, row-major, from crossProduct)
 * and the item count n. Cost: one d × d SVD.
 */
export function procrustesAlignedCosine(candidateByReference: Float64Array, n: number, d: number): number {
  const product = candidateByReference;
  const rows: number[][] = [];
  for (let p = 0; p < d; p++) rows.push(Array.from(product.subarray(p * d, (p + 1) * d)));
  const svd = new SingularValueDecomposition(new Matrix(rows), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  });
  let nuclear = 0;
  for (const sigma of svd.diagonal) nuclear += sigma;
  return Math.max(-1, Math.min(1, nuclear / n));
}
