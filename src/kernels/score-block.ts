/** Queries scored together in one pass over the items (the register tile height). */
export const QUERY_GROUP = 4;

/**
 * Dot products of four query rows of `queries` against the item rows `[itemStart, itemEnd)` of
 * `items` (both row-major with `dim` columns):
 *   out[g · stride + (j − itemStart)] = Σ_t queries[q_g · dim + t] · items[j · dim + t],  g = 0..3.
 * Sums run in float64 in dimension order, so a pair's score is the same whichever side is the
 * query (the kernels rely on that for symmetry and tie-breaking). Pass a row index twice to fill
 * unused query slots. Cost: 2 · 4 · (itemEnd − itemStart) · dim FLOPs, 4×2 register tile.
 */
export function scoreBlock(
  queries: Float32Array,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  items: Float32Array,
  itemStart: number,
  itemEnd: number,
  dim: number,
  out: Float64Array,
  stride: number,
): void {
  const o0 = q0 * dim;
  const o1 = q1 * dim;
  const o2 = q2 * dim;
  const o3 = q3 * dim;
  let j = itemStart;
  for (; j + 1 < itemEnd; j += 2) {
    const ox = j * dim;
    const oy = ox + dim;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, r0 = 0, r1 = 0, r2 = 0, r3 = 0;
    for (let t = 0; t < dim; t++) {
      const x = items[ox + t] as number;
      const y = items[oy + t] as number;
      const a = queries[o0 + t] as number;
      const b = queries[o1 + t] as number;
      const c = queries[o2 + t] as number;
      const e = queries[o3 + t] as number;
      s0 += a * x; s1 += b * x; s2 += c * x; s3 += e * x;
      r0 += a * y; r1 += b * y; r2 += c * y; r3 += e * y;
    }
    const p = j - itemStart;
    out[p] = s0; out[stride + p] = s1; out[2 * stride + p] = s2; out[3 * stride + p] = s3;
    out[p + 1] = r0; out[stride + p + 1] = r1; out[2 * stride + p + 1] = r2; out[3 * stride + p + 1] = r3;
  }
  if (j < itemEnd) {
    const ox = j * dim;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let t = 0; t < dim; t++) {
      const x = items[ox + t] as number;
      s0 += (queries[o0 + t] as number) * x;
      s1 += (queries[o1 + t] as number) * x;
      s2 += (queries[o2 + t] as number) * x;
      s3 += (queries[o3 + t] as number) * x;
    }
    const p = j - itemStart;
    out[p] = s0; out[stride + p] = s1; out[2 * stride + p] = s2; out[3 * stride + p] = s3;
  }
}

/** Σ_t a[ia · dim + t] · b[ib · dim + t] in float64, in dimension order (the same value scoreBlock gives). */
export function rowDot(a: Float32Array, ia: number, b: Float32Array, ib: number, dim: number): number {
  const oa = ia * dim;
  const ob = ib * dim;
  let sum = 0;
  for (let t = 0; t < dim; t++) sum += (a[oa + t] as number) * (b[ob + t] as number);
  return sum;
}
