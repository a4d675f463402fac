/**
 * The eigenvalues of a symmetric tridiagonal n × n matrix (its diagonal, and its sub-diagonal in
 * the first n − 1 entries of `offDiagonal`; neither is modified), in no particular order: the
 * implicit QL algorithm with Wilkinson shifts (Golub & Van Loan §8.3; Numerical Recipes' tqli
 * without eigenvectors), in float64. Cost: O(n²). Throws if QL does not converge in 60 iterations
 * per eigenvalue (not seen for symmetric input).
 */
export function tridiagonalEigenvalues(diagonal: Float64Array, offDiagonal: Float64Array): Float64Array {
  const n = diagonal.length;
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(n);
  e.set(offDiagonal.subarray(0, n - 1));
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iterations > 60) throw new Error('tridiagonalEigenvalues: QL did not converge');
      let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
      let r = pythag(g, 1);
      g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        let f = s * (e[i] as number);
        const b = c * (e[i] as number);
        r = pythag(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = (d[i + 1] as number) - p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = (d[i + 1] as number) - p;
        r = ((d[i] as number) - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        f = 0;
      }
      if (r === 0 && i >= l) continue;
      d[l] = (d[l] as number) - p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return d;
}

/** √(a² + b²): the plain formula where neither square can overflow or both underflow (Math.hypot is several times slower), else Math.hypot. */
function pythag(a: number, b: number): number {
  const big = Math.max(Math.abs(a), Math.abs(b));
  return big < 1e150 && big > 1e-150 ? Math.sqrt(a * a + b * b) : Math.hypot(a, b);
}
