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
 * columns (Mᵀ formed once, so every read is contiguous), four rows i by two columns j at a time;
 * the upper half is formed and mirrored.
 */
export function gramOfColumns(matrix: Float64Array, d: number): Float64Array {
  const columns = new Float64Array(d * d);
  for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) columns[i * d + k] = matrix[k * d + i] as number;
  const out = new Float64Array(d * d);
  const put = (row: number, column: number, value: number) => {
    if (row < d && column >= row) out[row * d + column] = value;
  };
  for (let i = 0; i < d; i += 4) {
    const r0 = i * d;
    const r1 = Math.min(i + 1, d - 1) * d;
    const r2 = Math.min(i + 2, d - 1) * d;
    const r3 = Math.min(i + 3, d - 1) * d;
    // Two columns j, j + 1 against four rows i … i + 3: eight sums per pass over k.
    for (let j = i; j < d; j += 2) {
      const ra = j * d;
      const rb = Math.min(j + 1, d - 1) * d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let k = 0; k < d; k++) {
        const x = columns[ra + k] as number;
        const y = columns[rb + k] as number;
        const c0 = columns[r0 + k] as number;
        const c1 = columns[r1 + k] as number;
        const c2 = columns[r2 + k] as number;
        const c3 = columns[r3 + k] as number;
        a0 += c0 * x; a1 += c1 * x; a2 += c2 * x; a3 += c3 * x;
        b0 += c0 * y; b1 += c1 * y; b2 += c2 * y; b3 += c3 * y;
      }
      put(i, j, a0); put(i + 1, j, a1); put(i + 2, j, a2); put(i + 3, j, a3);
      if (j + 1 < d) {
        put(i, j + 1, b0); put(i + 1, j + 1, b1); put(i + 2, j + 1, b2); put(i + 3, j + 1, b3);
      }
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) out[i * d + j] = out[j * d + i] as number;
  return out;
}
