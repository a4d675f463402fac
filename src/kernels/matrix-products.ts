import { rowSum } from './row-statistics.js';
import { QUERY_GROUP, scoreBlock } from './score-block.js';
import { allRows } from '../core/all-rows.js';

/**
 * Column means of a row-major `count × dim` matrix, in float64: μ_j = (1/n) Σ_i X_ij, added in row
 * order (rowSum's arithmetic, so the engines' row sums give the same bits).
 */
export function columnMeans(values: Float32Array, count: number, dim: number): Float64Array {
  return dividedBy(rowSum(values, dim, allRows(count)), count);
}

/** sums / n, in place (float64 sums into means); returns the same array. */
export function dividedBy(sums: Float64Array, n: number): Float64Array {
  for (let j = 0; j < sums.length; j++) sums[j] = (sums[j] as number) / n;
  return sums;
}

/** Rows per chunk when forming cross-products: bounds the transposed copies to 2 · 2048 · d floats. */
const ROW_CHUNK = 2048;

/**
 * The cross-product AᵀB of two row-major matrices with the same row count (A: n × da,
 * B: n × db), accumulated in float64 and returned row-major da × db. Rows are taken in chunks,
 * transposed, and each entry Σ_i A_ip·B_iq is formed by the register-tiled dot kernel; only
 * da·db numbers plus one chunk are held (never n × n). Cost: n·da·db MACs.
 */
export function crossProduct(a: Float32Array, da: number, b: Float32Array, db: number, count: number): Float64Array {
  const out = new Float64Array(da * db);
  const chunk = Math.min(ROW_CHUNK, count);
  const at = new Float32Array(da * chunk);
  const bt = new Float32Array(db * chunk);
  const tile = new Float64Array(QUERY_GROUP * db);
  for (let start = 0; start < count; start += chunk) {
    const rows = Math.min(chunk, count - start);
    transposeRows(a, da, start, rows, at);
    transposeRows(b, db, start, rows, bt);
    for (let p = 0; p < da; p += QUERY_GROUP) {
      const last = Math.min(p + QUERY_GROUP, da) - 1;
      const pick = (slot: number): number => Math.min(p + slot, last);
      scoreBlock(at, pick(0), pick(1), pick(2), pick(3), bt, 0, db, rows, tile, db);
      for (let slot = 0; p + slot <= last; slot++) {
        const base = (p + slot) * db;
        const from = slot * db;
        for (let q = 0; q < db; q++) out[base + q] = (out[base + q] as number) + (tile[from + q] as number);
      }
    }
  }
  return out;
}

/** Writes rows [start, start+rows) of a row-major n × dim matrix into `out` as dim × rows (row-major). */
function transposeRows(values: Float32Array, dim: number, start: number, rows: number, out: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    const offset = (start + i) * dim;
    for (let j = 0; j < dim; j++) out[j * rows + i] = values[offset + j] as number;
  }
}

/** Euclidean distance between two float64 vectors of the same length. */
export function euclideanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) {
    const diff = (a[j] as number) - (b[j] as number);
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}

/** Cosine of the angle between two vectors: a·b / (‖a‖‖b‖); `null` when either is the zero vector. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < a.length; j++) {
    const x = a[j] as number;
    const y = b[j] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return null;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}
