/**
 * The eigenvalues of a real symmetric n × n matrix (row-major Float64Array; not modified), in no
 * particular order: Householder reduction to tridiagonal form, then the implicit QL algorithm with
 * Wilkinson shifts (Golub & Van Loan §8.3; Numerical Recipes' tred2/tqli without eigenvectors).
 * Cost: about (4/3)·n³ flops for the reduction and O(n²) for QL, in float64. Throws if QL does
 * not converge in 60 iterations per eigenvalue (not seen for symmetric input).
 */
export function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Householder tridiagonalisation, from the last row up (values only).
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    const rowI = i * n;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[rowI + k] as number);
      if (scale === 0) {
        e[i] = a[rowI + l] as number;
      } else {
        for (let k = 0; k <= l; k++) {
          a[rowI + k] = (a[rowI + k] as number) / scale;
          h += (a[rowI + k] as number) ** 2;
        }
        const f = a[rowI + l] as number;
        const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[rowI + l] = f - g;
        // e = A u / h for the symmetric leading (l + 1) × (l + 1) block, from its lower triangle in
        // one row-by-row pass (each a_jk, k < j, serves row j and, as a_kj, row k), so every read is
        // contiguous.
        e.fill(0, 0, l + 1);
        for (let j = 0; j <= l; j++) {
          const rowJ = j * n;
          const uj = a[rowI + j] as number;
          let gg = 0;
          for (let k = 0; k < j; k++) {
            const ajk = a[rowJ + k] as number;
            gg += ajk * (a[rowI + k] as number);
            e[k] = (e[k] as number) + ajk * uj;
          }
          e[j] = (e[j] as number) + gg + (a[rowJ + j] as number) * uj;
        }
        let ff = 0;
        for (let j = 0; j <= l; j++) {
          e[j] = (e[j] as number) / h;
          ff += (e[j] as number) * (a[rowI + j] as number);
        }
        const hh = ff / (h + h);
        for (let j = 0; j <= l; j++) {
          const fj = a[rowI + j] as number;
          const gj = (e[j] as number) - hh * fj;
          e[j] = gj;
          const rowJ = j * n;
          for (let k = 0; k <= j; k++) a[rowJ + k] = (a[rowJ + k] as number) - (fj * (e[k] as number) + gj * (a[rowI + k] as number));
        }
      }
    } else {
      e[i] = a[rowI + l] as number;
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i] as number;
  // Implicit QL with shifts on the tridiagonal (d: diagonal, e: sub-diagonal).
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iterations > 60) throw new Error('symmetricEigenvalues: QL did not converge');
      let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
      let r = Math.hypot(g, 1);
      g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        let f = s * (e[i] as number);
        const b = c * (e[i] as number);
        r = Math.hypot(f, g);
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
