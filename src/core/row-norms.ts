/** Σ_j x_ij² of every row of a row-major `count × dim` float32 matrix: rowDots of the matrix with itself. */
export function rowSumsOfSquares(vectors: Float32Array, count: number, dim: number): Float64Array {
  return rowDots(vectors, vectors, count, dim);
}

/**
 * Σ_j a_ij·b_ij of every row of two row-major `count × dim` float32 matrices, in float64 and in
 * dimension order, so each is the plain sequential sum (each product of two float32 is exact in
 * float64). Four rows are summed side by side, which overlaps four dependent chains of additions.
 */
export function rowDots(a: Float32Array, b: Float32Array, count: number, dim: number): Float64Array {
  const sums = new Float64Array(count);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o0 = i * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < dim; j++) {
      s0 += (a[o0 + j] as number) * (b[o0 + j] as number);
      s1 += (a[o1 + j] as number) * (b[o1 + j] as number);
      s2 += (a[o2 + j] as number) * (b[o2 + j] as number);
      s3 += (a[o3 + j] as number) * (b[o3 + j] as number);
    }
    sums[i] = s0;
    sums[i + 1] = s1;
    sums[i + 2] = s2;
    sums[i + 3] = s3;
  }
  for (; i < count; i++) {
    const offset = i * dim;
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += (a[offset + j] as number) * (b[offset + j] as number);
    sums[i] = sum;
  }
  return sums;
}

/**
 * Row t of `out` = row rows[t] of `vectors` × scales[t]: each value multiplied in float64 and
 * rounded to float32. `out` may be `vectors` itself when rows[t] = t.
 */
export function scaleRows(vectors: Float32Array, dim: number, rows: Int32Array, scales: Float64Array, out: Float32Array): void {
  for (let t = 0; t < rows.length; t++) {
    const from = (rows[t] as number) * dim;
    const to = t * dim;
    const scale = scales[t] as number;
    for (let j = 0; j < dim; j++) out[to + j] = (vectors[from + j] as number) * scale;
  }
}

/** The two row loops of the alignment: JavaScript here, or an engine's kernel with the same bits. */
export interface RowLoops {
  /** Σ_j x_ij² of every row (rowSumsOfSquares). */
  sumsOfSquares(vectors: Float32Array, count: number, dim: number): Float64Array;
  /** The listed rows, scaled (scaleRows). */
  scaleRows(vectors: Float32Array, dim: number, rows: Int32Array, scales: Float64Array, out: Float32Array): void;
}

/** The row loops in plain JavaScript. */
export const JS_ROW_LOOPS: RowLoops = { sumsOfSquares: rowSumsOfSquares, scaleRows };
