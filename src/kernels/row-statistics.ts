/**
 * Float64 statistics of listed rows of a float32 matrix, in the arithmetic of the WebAssembly
 * kernel's sum_rows and squared_distances (score-kernel.wat), so every engine gives the same bits.
 * The engines run these in JavaScript when the matrix is not in their memory.
 */

/**
 * Σ_{i ∈ rows} X_i in float64, added in list order for each column. Four rows per pass over the
 * columns: s_j + a + b + c + d is evaluated left to right, so the bits are those of one row at a time.
 */
export function rowSum(values: Float32Array, dim: number, rows: ArrayLike<number>): Float64Array {
  const sum = new Float64Array(dim);
  let p = 0;
  for (; p + 4 <= rows.length; p += 4) {
    const o0 = (rows[p] as number) * dim;
    const o1 = (rows[p + 1] as number) * dim;
    const o2 = (rows[p + 2] as number) * dim;
    const o3 = (rows[p + 3] as number) * dim;
    for (let j = 0; j < dim; j++) sum[j] = (sum[j] as number) + (values[o0 + j] as number) + (values[o1 + j] as number) + (values[o2 + j] as number) + (values[o3 + j] as number);
  }
  for (; p < rows.length; p++) {
    const offset = (rows[p] as number) * dim;
    for (let j = 0; j < dim; j++) sum[j] = (sum[j] as number) + (values[offset + j] as number);
  }
  return sum;
}

/**
 * ‖X_i − c‖² for each listed row i, in float64: the squares of the even-t and of the odd-t
 * differences over the pairs of t are summed apart, in t order, then added, then the last square
 * when dim is odd (the two lanes of the WebAssembly kernel). Two rows at a time, so four sums overlap.
 */
export function squaredDistances(values: Float32Array, dim: number, rows: ArrayLike<number>, centre: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  const pairs = dim & ~1;
  let p = 0;
  for (; p + 2 <= rows.length; p += 2) {
    const o0 = (rows[p] as number) * dim;
    const o1 = (rows[p + 1] as number) * dim;
    let even0 = 0;
    let odd0 = 0;
    let even1 = 0;
    let odd1 = 0;
    for (let t = 0; t < pairs; t += 2) {
      const c0 = centre[t] as number;
      const c1 = centre[t + 1] as number;
      const a0 = (values[o0 + t] as number) - c0;
      const b0 = (values[o0 + t + 1] as number) - c1;
      const a1 = (values[o1 + t] as number) - c0;
      const b1 = (values[o1 + t + 1] as number) - c1;
      even0 += a0 * a0;
      odd0 += b0 * b0;
      even1 += a1 * a1;
      odd1 += b1 * b1;
    }
    out[p] = finish(even0 + odd0, values, o0, dim, centre);
    out[p + 1] = finish(even1 + odd1, values, o1, dim, centre);
  }
  for (; p < rows.length; p++) {
    const offset = (rows[p] as number) * dim;
    let even = 0;
    let odd = 0;
    for (let t = 0; t < pairs; t += 2) {
      const a = (values[offset + t] as number) - (centre[t] as number);
      const b = (values[offset + t + 1] as number) - (centre[t + 1] as number);
      even += a * a;
      odd += b * b;
    }
    out[p] = finish(even + odd, values, offset, dim, centre);
  }
  return out;
}

/** The pair sums plus the last square when dim is odd. */
function finish(sum: number, values: Float32Array, offset: number, dim: number, centre: ArrayLike<number>): number {
  if ((dim & 1) === 0) return sum;
  const last = (values[offset + dim - 1] as number) - (centre[dim - 1] as number);
  return sum + last * last;
}
