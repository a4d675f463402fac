import type { KnnEngine } from '../kernels/knn-engine.js';
import { columnMeans, crossProduct, dividedBy } from '../kernels/matrix-products.js';
import type { AlignedMatrices, Applicable } from './types.js';
import { allRows } from '../core/all-rows.js';

/**
 * Linear centred kernel alignment (Kornblith et al. 2019), comparable across dimensions:
 * with column-centred R (n × d_r) and C (n × d_c),
 *   CKA = ‖CᵀR‖²_F / (‖RᵀR‖_F · ‖CᵀC‖_F).
 * Range [0, 1]; 1 means the two spaces are the same up to rotation and isotropic scale.
 * Computed in feature space (d × d cross-products, never n × n), centring by
 * XᵀY_c = XᵀY − n·μ_X μ_Yᵀ, in float64. Cost: n·(d_r² + d_c² + d_r·d_c) MACs.
 * Not applicable (null) when n < 2, or when a set has no variance: its centred Gram norm is at most
 * NO_VARIANCE_TOLERANCE of its uncentred one. An exact zero test would miss that case, because the
 * centring XᵀX − n·μμᵀ cancels in floating point: a constant set of 97–5,000 items leaves ‖·‖ about
 * 1e-7 of ‖XᵀX‖ with the float32 kernel (1e-14 in float64), and CKA would come out near 1e-20.
 * `products` are the uncentred RᵀR, CᵀC and CᵀR and the column means μ_R, μ_C (crossProductsOn
 * forms them on the kNN engine, which may use the WebAssembly kernel; CᵀR also serves
 * Procrustes); by default they are formed here in float64.
 */
export function linearCka(matrices: AlignedMatrices, products: CrossProducts = crossProducts(matrices)): Applicable<number> {
  const { count: n } = matrices;
  if (n < 2) return { value: null, reason: 'needs at least 2 items' };
  const meanR = products.referenceMean;
  const meanC = products.candidateMean;
  const normRR = centredFrobenius(products.referenceGram, meanR, meanR, n);
  const normCC = centredFrobenius(products.candidateGram, meanC, meanC, n);
  const normCR = centredFrobenius(products.candidateByReference, meanC, meanR, n);
  if (normRR <= NO_VARIANCE_TOLERANCE * frobenius(products.referenceGram) || normCC <= NO_VARIANCE_TOLERANCE * frobenius(products.candidateGram)) {
    return { value: null, reason: 'a set has no variance (every item has the same vector)' };
  }
  const cka = (normCR * normCR) / (normRR * normCC);
  return { value: Math.min(1, Math.max(0, cka)), reason: null };
}

/**
 * Relative size of a centred Gram norm, against the uncentred one, below which a set counts as having
 * no variance. Rounding leaves at most about 1e-6 (float32 kernel); a set whose items really vary
 * (cosines between items below 0.9999) is far above 1e-4.
 */
export const NO_VARIANCE_TOLERANCE = 1e-4;

/** ‖M‖_F of a row-major matrix. */
function frobenius(matrix: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < matrix.length; i++) sum += (matrix[i] as number) ** 2;
  return Math.sqrt(sum);
}

/** The uncentred cross-products CKA needs: RᵀR (d_r × d_r), CᵀC (d_c × d_c), CᵀR (d_c × d_r), row-major; and the column means μ_R, μ_C. */
export interface CrossProducts {
  readonly referenceGram: Float64Array;
  readonly candidateGram: Float64Array;
  readonly candidateByReference: Float64Array;
  readonly referenceMean: Float64Array;
  readonly candidateMean: Float64Array;
}

/** The cross-products CKA needs, being formed on the engine; finish() completes them and adds the column means. */
export interface PendingCrossProducts {
  finish(): Promise<CrossProducts>;
  /** The share of the products' units (chunk × lane) formed so far, 0 … 1. */
  formed(): number;
}

/**
 * Starts the three cross-products on the engine (which may use the WebAssembly kernel: float32 sums
 * over chunks, accumulated in float64), which forms them while its threads are otherwise idle;
 * finish() completes them and takes the column means from the engine's row sums (the same bits as
 * columnMeans) meanwhile.
 */
export function crossProductsOn(engine: KnnEngine, matrices: AlignedMatrices): PendingCrossProducts {
  const { count: n, reference, candidate, referenceDim: dr, candidateDim: dc } = matrices;
  const pending = engine.crossProducts([
    { a: reference, da: dr, b: reference, db: dr, count: n },
    { a: candidate, da: dc, b: candidate, db: dc, count: n },
    // CᵀR (uncentred) serves both CKA and Procrustes.
    { a: candidate, da: dc, b: reference, db: dr, count: n },
  ]);
  return {
    formed: () => pending.formed(),
    finish: async () => {
      const products = pending.finish();
      const rows = allRows(n);
      const referenceMean = dividedBy(engine.rowSums(reference, dr, rows), n);
      const candidateMean = dividedBy(engine.rowSums(candidate, dc, rows), n);
      const [referenceGram, candidateGram, candidateByReference] = (await products) as [Float64Array, Float64Array, Float64Array];
      return { referenceGram, candidateGram, candidateByReference, referenceMean, candidateMean };
    },
  };
}

/** The three cross-products in float64 with the plain JavaScript kernel, and the column means. */
export function crossProducts(matrices: AlignedMatrices): CrossProducts {
  const { count: n, reference, candidate, referenceDim: dr, candidateDim: dc } = matrices;
  return {
    referenceMean: columnMeans(reference, n, dr),
    candidateMean: columnMeans(candidate, n, dc),
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
