import { symmetricEigenvalues } from '../stats/symmetric-eigenvalues.js';

/**
 * Orthogonal Procrustes (Schönemann 1966), equal dimension, no centring:
 * Q = argmin_{QᵀQ = I} ‖CQ − R‖_F = U Vᵀ where CᵀR = U Σ Vᵀ.
 * alignedCosineMean = mean_i cos((CQ)_i, R_i). For unit rows and orthogonal Q this equals
 * trace(QᵀCᵀR) / n = (Σ σ_k) / n, the nuclear norm of M = CᵀR over n, so only the singular values
 * are needed: σ_k = √λ_k(MᵀM), from the eigenvalues of the symmetric d × d product (float64
 * throughout; no SVD). Range [−1, 1]; near 1 means a rotation (a linear adapter) maps new vectors
 * onto old ones and could replace a re-index. Takes the uncentred CᵀR (d × d, row-major, from
 * crossProduct) and the item count n. Cost: d³/2 multiply-adds for MᵀM and about (4/3)·d³ flops
 * for the eigenvalues.
 */
export function procrustesAlignedCosine(candidateByReference: Float64Array, n: number, d: number): number {
  let nuclear = 0;
  for (const lambda of symmetricEigenvalues(gramOfColumns(candidateByReference, d), d)) nuclear += Math.sqrt(Math.max(0, lambda));
  return Math.max(-1, Math.min(1, nuclear / n));
}

/**
 * MᵀM of a row-major d × d matrix, in float64: (MᵀM)_ij = Σ_k M_ki·M_kj, as dot products of the
 * columns (Mᵀ formed once, so every read is contiguous), four rows i at a time; the upper half is
 * formed and mirrored.
 */
export function gramOfColumns(matrix: Float64Array, d: number): Float64Array {
  const columns = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) columns[i * d + k] = matrix[k * d + i] as number;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i += 4) {
    const rows = Math.min(4, d - i);
    const r0 = i * d;
    const r1 = Math.min(i + 1, d - 1) * d;
    const r2 = Math.min(i + 2, d - 1) * d;
    const r3 = Math.min(i + 3, d - 1) * d;
    for (let j = i; j < d; j++) {
      const rj = j * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const x = columns[rj + k] as number;
        s0 += (columns[r0 + k] as number) * x;
        s1 += (columns[r1 + k] as number) * x;
        s2 += (columns[r2 + k] as number) * x;
        s3 += (columns[r3 + k] as number) * x;
      }
      const sums = [s0, s1, s2, s3];
      for (let t = 0; t < rows; t++) if (j >= i + t) out[(i + t) * d + j] = sums[t] as number;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) out[i * d + j] = out[j * d + i] as number;
  return out;
}
