/**
 * Two int8 copies of a matrix's rows for the int8 screen (int8-screen-task.ts), whose relaxed
 * dot product runs about twice as fast as the int16 one:
 * - query rows a_i = round(x_i / α) in ±127, α = max |x| / 127;
 * - item rows b_j = round(x_j / β) in ±63, β = max |x| / 63, stored as b_j + 64 (0 … 127, the
 *   7-bit operand, for which the relaxed dot product is exact on every CPU).
 * The kernel subtracts shift_i = 64 Σ_t a_i[t], so raw(i, j) = ⟨a_i, b_j⟩ exactly and
 * approx = αβ raw. With e_i = x_i − α a_i and f_j = x_j − β b_j, Cauchy–Schwarz gives
 *   |⟨x_i, x_j⟩ − approx(i, j)| ≤ ‖α a_i‖ ‖f_j‖ + ‖e_i‖ ‖x_j‖,
 * and the float32 kernel's rounding adds at most γ_d ‖x_i‖ ‖x_j‖ (quantise.ts pairBounds).
 */
import { largestMagnitude, pairBounds, QUANTISE_CHUNK, rowFigures, type QuantiseKernel } from './quantise.js';

/** The int8 copies in the shared memory and the figures the screen needs. */
export interface Int8Rows {
  /** Byte address of the query copy (count rows of rowBytes, zero-padded). */
  readonly queryAddress: number;
  /** Byte address of the item copy (count rows of rowBytes, padded with 64, the stored zero). */
  readonly itemAddress: number;
  /** Bytes per stored row: a multiple of 64. */
  readonly rowBytes: number;
  readonly count: number;
  /** αβ: raw(i, j) · unit approximates the pair's float32 score. */
  readonly unit: number;
  /** shift_i = 64 Σ a_i, which the kernel subtracts from query row i's sums. */
  readonly shifts: Int32Array;
  /** bound[i] ≥ |float32 kernel score − approx| / unit for every pair involving row i (raw units); NaN when the matrix is not finite. */
  readonly bound: Float64Array;
}

/** The kernel exports the int8 copies are made with (score-kernel.wat). */
export interface Int8QuantiseKernel extends QuantiseKernel {
  readonly narrow_rows: (src: number, count: number, dst: number, rowBytes: number, offset: number, sums: number) => void;
}

/** Bytes per zero-padded int8 row of `dim` values: a multiple of 64 (the kernel reads four 16-byte vectors per step). */
export function int8RowBytes(dim: number): number {
  return Math.ceil(dim / 64) * 64;
}

/** Bytes of scratch quantiseRowsInt8 needs for `count` rows of `dim` (int16 staging for one chunk, two copies' figures, both copies' row sums). */
export function int8ScratchBytes(count: number, dim: number): number {
  return QUANTISE_CHUNK * 2 * int8RowBytes(dim) + count * 48 + count * 8;
}

/**
 * Makes both int8 copies of the count × dim float32 rows at `valuesAddress` (each count ·
 * int8RowBytes(dim) bytes at `queryAddress` and `itemAddress`, 16-byte aligned) with the
 * WebAssembly kernel: each chunk of rows is quantised to int16 at the two scales (quantise_rows)
 * and narrowed to int8 (narrow_rows). `scratchAddress` holds int8ScratchBytes(count, dim) bytes.
 */
export function quantiseRowsInt8(
  kernel: Int8QuantiseKernel,
  memory: WebAssembly.Memory,
  valuesAddress: number,
  count: number,
  dim: number,
  queryAddress: number,
  itemAddress: number,
  scratchAddress: number,
): Int8Rows {
  const rowBytes = int8RowBytes(dim);
  const staging = scratchAddress;
  const queryStats = staging + QUANTISE_CHUNK * 2 * rowBytes;
  const itemStats = queryStats + count * 24;
  const sums = itemStats + count * 24;
  const largest = largestMagnitude(kernel, valuesAddress, count, dim);
  const finite = largest > 0 && Number.isFinite(largest);
  const alpha = finite ? largest / 127 : 1;
  const beta = finite ? largest / 63 : 1;
  for (let start = 0; start < count; start += QUANTISE_CHUNK) {
    const rows = Math.min(QUANTISE_CHUNK, count - start);
    const values = valuesAddress + start * dim * 4;
    kernel.quantise_rows(values, rows, dim, Math.fround(1 / alpha), alpha, 127, staging, 2 * rowBytes, queryStats + start * 24);
    kernel.narrow_rows(staging, rows, queryAddress + start * rowBytes, rowBytes, 0, sums + start * 4);
    kernel.quantise_rows(values, rows, dim, Math.fround(1 / beta), beta, 63, staging, 2 * rowBytes, itemStats + start * 24);
    kernel.narrow_rows(staging, rows, itemAddress + start * rowBytes, rowBytes, 64, sums + (count + start) * 4);
  }
  const shifts = new Int32Array(memory.buffer, sums, count).map((sum) => 64 * sum);
  const query = rowFigures(memory, queryStats, count, largest);
  const item = rowFigures(memory, itemStats, count, largest);
  return { queryAddress, itemAddress, rowBytes, count, unit: alpha * beta, shifts, bound: pairBounds(dim, alpha * beta, query.norm, query, item) };
}
