import { linalgKernel, type LinalgKernel } from './linalg-kernel.js';

/** A symmetric tridiagonal matrix: its diagonal (n) and the sub-diagonal (n − 1 values, then 0). */
export interface Tridiagonal {
  readonly diagonal: Float64Array;
  readonly offDiagonal: Float64Array;
}

/**
 * The tridiagonal form of M Mᵀ for a row-major d × d matrix M (not modified): the Gram matrix of
 * M's rows, (M Mᵀ)_ij = Σ_k M_ik·M_jk, then Householder reduction; both in float64 on the
 * WebAssembly kernel. M Mᵀ has the eigenvalues σ_k² of M (those of MᵀM). Cost: d³/2 multiply-adds
 * for the Gram matrix and about (4/3)·d³ flops for the reduction.
 */
export function tridiagonalOfGram(matrix: Float64Array, d: number): Tridiagonal {
  const { kernel, a, x } = workspace(d, true);
  new Float64Array(kernel.memory.buffer, x, d * d).set(matrix.subarray(0, d * d));
  // Four rows per call: the first calls run the baseline compilation, which V8 replaces with the
  // optimised one only between calls.
  for (let i = 0; i < d; i += 4) kernel.gram_lower(x, d, a, i, i + 4);
  return householder(kernel, a, d);
}

/**
 * The tridiagonal form QᵀAQ of a symmetric n × n matrix (row-major; only its lower triangle is
 * read; not modified), by Householder reflections from the last row up, in float64.
 */
export function tridiagonalise(matrix: Float64Array, n: number): Tridiagonal {
  const { kernel, a } = workspace(n, false);
  new Float64Array(kernel.memory.buffer, a, n * n).set(matrix.subarray(0, n * n));
  return householder(kernel, a, n);
}

/** Byte offsets in the kernel's memory: the working matrix a, an n × n input x (when needed), and a vector p. */
function workspace(n: number, withInput: boolean) {
  const square = n * n * 8;
  const a = 0;
  const x = square;
  const p = withInput ? 2 * square : square;
  const kernel = linalgKernel(p + n * 8);
  return { kernel, a, x, p };
}

/**
 * Householder tridiagonalisation (values only; Numerical Recipes' tred2 without the transforms,
 * Golub & Van Loan §8.3) of the symmetric n × n matrix at byte offset `a` of the kernel's memory
 * (lower triangle; overwritten). Each step: u from row i, p = A u / h (symv_lower), then
 * A −= u qᵀ + q uᵀ with q = p − (pᵀu / 2h)·u (rank2_lower).
 */
function householder(kernel: LinalgKernel, a: number, n: number): Tridiagonal {
  const p = a + n * n * 8;
  const heap = new Float64Array(kernel.memory.buffer);
  const base = a / 8;
  const q = p / 8;
  const diagonal = new Float64Array(n);
  const sub = new Float64Array(n);
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    const rowI = base + i * n;
    if (l === 0) {
      sub[i] = heap[rowI] as number;
      continue;
    }
    let scale = 0;
    for (let k = 0; k <= l; k++) scale += Math.abs(heap[rowI + k] as number);
    if (scale === 0) {
      sub[i] = heap[rowI + l] as number;
      continue;
    }
    let h = 0;
    for (let k = 0; k <= l; k++) {
      const value = (heap[rowI + k] as number) / scale;
      heap[rowI + k] = value;
      h += value * value;
    }
    const f = heap[rowI + l] as number;
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    sub[i] = scale * g;
    h -= f * g;
    heap[rowI + l] = f - g;
    heap.fill(0, q, q + l + 1);
    kernel.symv_lower(a, n, l + 1, a + i * n * 8, p);
    let ff = 0;
    for (let j = 0; j <= l; j++) {
      const value = (heap[q + j] as number) / h;
      heap[q + j] = value;
      ff += value * (heap[rowI + j] as number);
    }
    const hh = ff / (h + h);
    for (let j = 0; j <= l; j++) heap[q + j] = (heap[q + j] as number) - hh * (heap[rowI + j] as number);
    kernel.rank2_lower(a, n, l + 1, a + i * n * 8, p);
  }
  for (let i = 0; i < n; i++) diagonal[i] = heap[base + i * n + i] as number;
  const offDiagonal = new Float64Array(n);
  for (let i = 1; i < n; i++) offDiagonal[i - 1] = sub[i] as number;
  return { diagonal, offDiagonal };
}
