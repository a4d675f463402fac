/**
 * Orthogonal Procrustes (Schönemann 1966), equal dimension, no centring:
 * Q = argmin_{QᵀQ = I} ‖CQ − R‖_F = U Vᵀ where CᵀR = U Σ Vᵀ.
 * alignedCosineMean = mean_i cos((CQ)_i, R_i). For unit rows and orthogonal Q this equals
 * trace(QᵀCᵀR) / n = (Σ σ_k) / n, the nuclear norm of M = CᵀR over n, so only the singular values
 * are needed (singularValues: the eigenvalues of the symmetric d × d product M Mᵀ in float64, no
 * SVD). Range [−1, 1]; near 1 means a rotation (a linear adapter) maps new vectors onto old ones and
 * could replace a re-index. Takes the singular values σ_k of the uncentred CᵀR (kernels/singular-values.ts,
 * or the engine's, with the same bits; summed in the given order) and the item count n.
 */
export function procrustesAlignedCosine(sigma: Float64Array, n: number): number {
  let nuclear = 0;
  for (const value of sigma) nuclear += value;
  return Math.max(-1, Math.min(1, nuclear / n));
}
