import { tridiagonalOfGram } from '../kernels/tridiagonalise.js';
import { tridiagonalEigenvalues } from '../stats/tridiagonal-eigenvalues.js';

/**
 * Orthogonal Procrustes (Schönemann 1966), equal dimension, no centring:
 * Q = argmin_{QᵀQ = I} ‖CQ − R‖_F = U Vᵀ where CᵀR = U Σ Vᵀ.
 * alignedCosineMean = mean_i cos((CQ)_i, R_i). For unit rows and orthogonal Q this equals
 * trace(QᵀCᵀR) / n = (Σ σ_k) / n, the nuclear norm of M = CᵀR over n, so only the singular values
 * are needed: σ_k = √λ_k(MᵀM), from the eigenvalues of the symmetric d × d product (float64
 * throughout, the O(d³) part on the WebAssembly kernel; no SVD). Range [−1, 1]; near 1 means a rotation (a linear adapter) maps new vectors
 * onto old ones and could replace a re-index. Takes the uncentred CᵀR (d × d, row-major, from
 * crossProduct) and the item count n. Cost: d³/2 multiply-adds for MᵀM and about (4/3)·d³ flops
 * for the eigenvalues.
 */
export function procrustesAlignedCosine(candidateByReference: Float64Array, n: number, d: number): number {
  let nuclear = 0;
  const { diagonal, offDiagonal } = tridiagonalOfGram(candidateByReference, d);
  for (const lambda of tridiagonalEigenvalues(diagonal, offDiagonal)) nuclear += Math.sqrt(Math.max(0, lambda));
  return Math.max(-1, Math.min(1, nuclear / n));
}
