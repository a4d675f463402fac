import { columnMeans, crossProduct } from '../kernels/matrix-products.js';
import type { AlignedMatrices, Applicable } from './types.js';

/**
 * Linear centred kernel alignment (Kornblith et al. 2019), comparable across dimensions:
 * with column-centred R (n × d_r) and C (n × d_c),
 *   CKA = ‖CᵀR‖²_F / (‖RᵀR‖_F · ‖CᵀC‖_F).
 * Range [0, 1]; 1 means the two spaces are the same up to rotation and isotropic scale.
 * Computed in feature space (d × d cross-products, never n × n), centring by
 * XᵀY_c = XᵀY − n·μ_X μ_Yᵀ, in float64. Cost: n·(d_r² + d_c² + d_r·d_c) MACs.
 * Not applicable (null) when a set has no variance (all items identical) or n < 2.
 * `products` are the uncentred RᵀR, CᵀC and CᵀR (formed by the kNN engine, which may use the
 * WebAssembly kernel; CᵀR also serves Procrustes); by default they are formed here in float64.
 */
export function linearCka(matrices: AlignedMatrices, products: CrossProducts = crossProducts(matrices)): Applicable<number> {
  const { count: n, reference, candidate, referenceDim: dr, candidateDim: dc } = matrices;
  if (n < 2) return { value: null, reason: 'needs at least 2 items' };
  const meanR = columnMeans(reference, n, dr);
  const meanC = columnMeans(candidate, n, dc);
  const normRR = centredFrobenius(products.referenceGram, meanR, meanR, n);
  const normCC = centredFrobenius(products.candidateGram, meanC, meanC, n);
  const normCR = centredFrobenius(products.candidateByReference, meanC, meanR, n);
  if (normRR === 0 || normCC === 0) {
    return { value: null, reason: 'a set has no variance (every item has the same vector)' };
  }
  const cka = (normCR * normCR) / (normRR * normCC);
  return { value: Math.min(1, Math.max(0, cka)), reason: null };
}

/** The uncentred cross-products CKA needs: RᵀR (d_r × d_r), CᵀC (d_c × d_c), CᵀR (d_c × d_r), row-major. */
export interface CrossProducts {
  readonly referenceGram: Float64Array;
  readonly candidateGram: Float64Array;
  readonly candidateByReference: Float64Array;
}

/** The three cross-products in float64 with the plain JavaScript kernel. */
export function crossProducts(matrices: AlignedMatrices): CrossProducts {
  const { count: n, reference, candidate, referenceDim: dr, candidateDim: dc } = matrices;
  return {
    referenceGram: crossProduct(reference, dr, reference, dr, n),
    candidateGram: crossProduct(candidate, dc, candidate, dc, n),
    candidateByReference: crossProduct(candidate, dc, reference, dr, n),
  };
}

/** ‖XᵀY − n·μ_X μ_Yᵀ‖_F for a row-major d_x × d_y cross-product. */
function centredFrobenius(product: Float64Array, meanX: Float64Array, meanY: Float64Array, n: number): number {
  const dy = meanY.length;
  let sum = 0;
  for (let p = 0; p < meanX.length; p++) {
    const scaled = n * (meanX[p] as number);
    const base = p * dy;
    for (let q = 0; q < dy; q++) {
      const value = (product[base + q] as number) - scaled * (meanY[q] as number);
      sum += value * value;
    }
  }
  return Math.sqrt(sum);
}
