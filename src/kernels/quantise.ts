/**
 * An int16 copy of a matrix's rows for screening kNN candidates (see screened-knn.ts), with the
 * per-row figures that bound how far an integer score can be from the float32 kernel's score.
 *
 * Every value becomes q = round(x · (1/α)) (float32 product, ties to even, clamped to ±m) with one scale α = max |x| / m for the whole matrix, and m
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

/** Rows per call of the quantising kernel. */
export const QUANTISE_CHUNK = 256;

/** Bytes per zero-padded int16 row of `dim` values: a multiple of 64. */
export function quantisedRowBytes(dim: number): number {
  return Math.ceil((dim * 2) / 64) * 64;
}

/** The kernel exports that quantise (score-kernel.wat). */
export interface QuantiseKernel {
  readonly max_abs: (values: number, length: number) => number;
  readonly quantise_rows: (values: number, count: number, dim: number, inverse: number, scale: number, limit: number, out: number, rowBytes: number, stats: number) => void;
}

/**
 * Quantises the count × dim float32 rows at byte `valuesAddress` of `memory` into int16 rows at
 * `address` (count · quantisedRowBytes(dim) bytes, 16-byte aligned), with the WebAssembly kernel,
 * and returns the scale and the per-row bounds. `statsAddress` is scratch for count × 3 float64.
 */
export function quantiseRows(kernel: QuantiseKernel, memory: WebAssembly.Memory, valuesAddress: number, count: number, dim: number, address: number, statsAddress: number): QuantisedRows {
  const rowBytes = quantisedRowBytes(dim);
  const limit = Math.min(32767, Math.floor(Math.sqrt((2 ** 31 - 1) / (rowBytes / 2))));
  const largest = largestMagnitude(kernel, valuesAddress, count, dim);
  const scale = largest > 0 && Number.isFinite(largest) ? largest / limit : 1;
  for (let start = 0; start < count; start += QUANTISE_CHUNK) {
    const rows = Math.min(QUANTISE_CHUNK, count - start);
    kernel.quantise_rows(valuesAddress + start * dim * 4, rows, dim, Math.fround(1 / scale), scale, limit, address + start * rowBytes, rowBytes, statsAddress + start * 24);
  }
  const { norm, error, stored } = rowFigures(memory, statsAddress, count, largest);
  return { address, rowBytes, scale, bound: pairBounds(dim, scale * scale, norm, { error, stored }, { error, stored }) };
}

/**
 * max |x| over the count × dim float32 rows at `valuesAddress` (NaN or ∞ when the matrix holds one),
 * in chunks of rows: V8 first runs a WebAssembly function's baseline compilation and swaps in the
 * optimised one only between calls, so one call over the whole matrix would run slowly throughout.
 */
export function largestMagnitude(kernel: QuantiseKernel, valuesAddress: number, count: number, dim: number): number {
  let largest = 0;
  for (let start = 0; start < count; start += QUANTISE_CHUNK) {
    largest = Math.max(largest, kernel.max_abs(valuesAddress + start * dim * 4, Math.min(QUANTISE_CHUNK, count - start) * dim));
  }
  return largest;
}

/**
 * The figures quantise_rows left at `statsAddress` (per row: ‖x‖², ‖e‖², ‖α q‖²) as N, E and M.
 * A NaN or infinite value (`largest`) leaves NaN or ∞ in its row's figures, so the bounds settle
 * nothing; E is made NaN everywhere to be sure.
 */
export function rowFigures(memory: WebAssembly.Memory, statsAddress: number, count: number, largest: number): { norm: Float64Array } & CopyFigures {
  const stats = new Float64Array(memory.buffer, statsAddress, count * 3);
  const norm = new Float64Array(count);
  const error = new Float64Array(count);
  const stored = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    norm[i] = Math.sqrt(stats[3 * i] as number);
    error[i] = Math.sqrt(stats[3 * i + 1] as number);
    stored[i] = Math.sqrt(stats[3 * i + 2] as number);
  }
  if (!Number.isFinite(largest)) error.fill(Number.NaN);
  return { norm, error, stored };
}

/** The per-row figures of one quantised copy: E_i = ‖x_i − α q_i‖ and M_i = ‖α q_i‖. */
export interface CopyFigures {
  readonly error: Float64Array;
  readonly stored: Float64Array;
}

/**
 * bound[i] = (max(E_i N* + M_i F*, E* N_i + M* F_i) + γ_d N_i N*) / unit, with N = ‖x‖, E and M
 * the query copy's figures, F the item copy's error (the same copy for the int16 screen), * the
 * largest over all rows and unit the raw score's scale; widened by a relative 1e-6 and
 * 1e-9 N_i N* for the float64 arithmetic of the bound itself. A non-finite value gives a NaN
 * bound, which settles nothing.
 */
export function pairBounds(dim: number, unit: number, norm: Float64Array, query: CopyFigures, item: CopyFigures): Float64Array {
  const u = 2 ** -24;
  const gamma = (dim * u) / (1 - dim * u);
  const most = (values: Float64Array) => values.reduce((top, value) => (value > top || Number.isNaN(value) ? value : top), 0);
  const normMax = most(norm);
  const errorMax = most(query.error);
  const storedMax = most(query.stored);
  const itemErrorMax = most(item.error);
  const bound = new Float64Array(norm.length);
  for (let i = 0; i < norm.length; i++) {
    const n = norm[i] as number;
    const pair = Math.max((query.error[i] as number) * normMax + (query.stored[i] as number) * itemErrorMax, errorMax * n + storedMax * (item.error[i] as number));
    bound[i] = ((pair + gamma * n * normMax) * (1 + 1e-6) + 1e-9 * n * normMax) / unit;
  }
  return bound;
}
