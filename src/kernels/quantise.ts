/**
 * An int16 copy of a matrix's rows for screening kNN candidates (see screened-knn.ts), with the
 * per-row figures that bound how far an integer score can be from the float32 kernel's score.
 *
 * Every value becomes q = round(x / α) (clamped to ±m) with one scale α = max |x| / m for the whole matrix, and m
 * the largest magnitude with d'·m² < 2³¹ (d' the padded width), so no integer sum can overflow.
 * The integer score of a pair is raw(i, j) = ⟨q_i, q_j⟩, exact, and approx = α² raw. With
 * e_i = x_i − α q_i, Cauchy–Schwarz gives
 *   |⟨x_i, x_j⟩ − approx(i, j)| ≤ ‖e_i‖ ‖x_j‖ + ‖α q_i‖ ‖e_j‖,
 * and the float32 kernel's own rounding adds at most γ_d ‖x_i‖ ‖x_j‖, γ_d = d·u / (1 − d·u),
 * u = 2⁻²⁴. One scale keeps raw scores comparable across rows, so the screen ranks integers.
 */
export interface QuantisedRows {
  /** Byte address of the int16 rows (count rows of rowBytes, zero-padded). */
  readonly address: number;
  /** Bytes per stored row: a multiple of 64 (the kernel reads four 16-byte vectors per step). */
  readonly rowBytes: number;
  /** α: a value x is stored as round(x / α). */
  readonly scale: number;
  /** bound[i] ≥ |float32 kernel score − approx| / α² for every pair involving row i (raw units). */
  readonly bound: Float64Array;
}

/** Bytes per zero-padded int16 row of `dim` values: a multiple of 64. */
export function quantisedRowBytes(dim: number): number {
  return Math.ceil((dim * 2) / 64) * 64;
}

/**
 * Quantises the count × dim rows of `values` into `memory` at byte `address` (count ·
 * quantisedRowBytes(dim) long, 16-byte aligned) and returns the scale and the per-row bounds.
 */
export function quantiseRows(values: Float32Array, count: number, dim: number, memory: ArrayBufferLike, address: number): QuantisedRows {
  const rowBytes = quantisedRowBytes(dim);
  const stride = rowBytes / 2;
  const limit = Math.min(32767, Math.floor(Math.sqrt((2 ** 31 - 1) / stride)));
  let largest = 0;
  for (let p = 0; p < count * dim; p++) {
    const magnitude = Math.abs(values[p] as number);
    if (!(magnitude <= largest)) largest = magnitude; // NaN propagates
  }
  const scale = largest > 0 && Number.isFinite(largest) ? largest / limit : 1;
  const inverse = 1 / scale;
  const ints = new Int16Array(memory, address, count * stride);
  const norm = new Float64Array(count);
  const error = new Float64Array(count);
  const stored = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const base = i * dim;
    const out = i * stride;
    let squares = 0;
    let errors = 0;
    let kept = 0;
    for (let t = 0; t < dim; t++) {
      const x = values[base + t] as number;
      // Rounded half away from zero (| 0 truncates; much faster than Math.round); NaN becomes 0,
      // and its row's bound NaN, which settles nothing.
      let q = (x * inverse + (x >= 0 ? 0.5 : -0.5)) | 0;
      if (q > limit) q = limit;
      else if (q < -limit) q = -limit;
      ints[out + t] = q;
      const kept1 = scale * q;
      const miss = x - kept1;
      squares += x * x;
      errors += miss * miss;
      kept += kept1 * kept1;
    }
    for (let t = dim; t < stride; t++) ints[out + t] = 0;
    norm[i] = Math.sqrt(squares);
    error[i] = Math.sqrt(errors);
    stored[i] = Math.sqrt(kept);
  }
  return { address, rowBytes, scale, bound: pairBounds(dim, scale, norm, error, stored) };
}

/**
 * bound[i] = (max(E_i N* + M_i E*, E* N_i + M* E_i) + γ_d N_i N*) / α², with N = ‖x‖, E = ‖e‖,
 * M = ‖α q‖ and * the largest over all rows, widened by a relative 1e-6 and 1e-9 N_i N* for the
 * float64 arithmetic of the bound itself. A non-finite value gives a NaN bound, which settles nothing.
 */
function pairBounds(dim: number, scale: number, norm: Float64Array, error: Float64Array, stored: Float64Array): Float64Array {
  const u = 2 ** -24;
  const gamma = (dim * u) / (1 - dim * u);
  const most = (values: Float64Array) => values.reduce((top, value) => (value > top || Number.isNaN(value) ? value : top), 0);
  const normMax = most(norm);
  const errorMax = most(error);
  const storedMax = most(stored);
  const bound = new Float64Array(norm.length);
  for (let i = 0; i < norm.length; i++) {
    const n = norm[i] as number;
    const e = error[i] as number;
    const pair = Math.max(e * normMax + (stored[i] as number) * errorMax, errorMax * n + storedMax * e);
    bound[i] = ((pair + gamma * n * normMax) * (1 + 1e-6) + 1e-9 * n * normMax) / (scale * scale);
  }
  return bound;
}
