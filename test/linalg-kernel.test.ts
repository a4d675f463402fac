import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { linalgKernel } from '../src/kernels/linalg-kernel.js';
import { tridiagonalise, tridiagonalOfGram } from '../src/kernels/tridiagonalise.js';
import { tridiagonalEigenvalues } from '../src/stats/tridiagonal-eigenvalues.js';
import { seededRandom } from '../src/stats/random.js';

/** A row-major n × n matrix of values in [−0.5, 0.5). */
function randomSquare(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: n * n }, () => random() - 0.5);
}

/** The lower triangle of a symmetric row-major matrix, mirrored into a full one. */
function mirrorLower(lower: Float64Array, n: number): Float64Array {
  const full = Float64Array.from(lower);
  for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) full[i * n + j] = full[j * n + i] as number;
  return full;
}

/** Ascending eigenvalues of a symmetric matrix by ml-matrix's (Jacobi/QR) decomposition. */
function referenceEigenvalues(full: Float64Array, n: number): number[] {
  const matrix = new Matrix(Array.from({ length: n }, (_, i) => Array.from(full.subarray(i * n, (i + 1) * n))));
  return new EigenvalueDecomposition(matrix, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
}

function expectEigenvaluesClose(actual: Float64Array, expected: number[], scale: number) {
  const sorted = Array.from(actual).sort((a, b) => a - b);
  expect(sorted).toHaveLength(expected.length);
  sorted.forEach((value, i) => expect(Math.abs(value - (expected[i] as number))).toBeLessThanOrEqual(1e-12 * scale));
}

// Sizes around the 4 × 2 tile and the f64x2 lanes: odd, even, smaller than a tile, one past it.
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 33, 64, 65];

describe('float64 linear-algebra kernel (linalg-f64.wat)', () => {
  it.each(SIZES)('gram_lower gives every ⟨x_i, x_j⟩, i ≤ j, and writes nothing above the diagonal (n = %i)', (n) => {
    const x = randomSquare(n, n);
    const kernel = linalgKernel(2 * n * n * 8);
    const heap = new Float64Array(kernel.memory.buffer);
    heap.set(x, n * n);
    heap.fill(Number.NaN, 0, n * n);
    kernel.gram_lower(n * n * 8, n, 0, 0, 4);
    kernel.gram_lower(n * n * 8, n, 0, 4, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const got = heap[j * n + i] as number;
        if (i > j) {
          expect(got).toBeNaN();
          continue;
        }
        let expected = 0;
        for (let k = 0; k < n; k++) expected += (x[i * n + k] as number) * (x[j * n + k] as number);
        expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-14 * n);
      }
    }
  });

  it.each(SIZES)('symv_lower adds A·u from the lower triangle only, and rank2_lower subtracts u·eᵀ + e·uᵀ there (n = %i)', (n) => {
    const a = randomSquare(n, 100 + n);
    const full = mirrorLower(a, n);
    const u = Float64Array.from({ length: n }, (_, i) => Math.cos(i + n));
    const e = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * i + n));
    const kernel = linalgKernel((n * n + 3 * n) * 8);
    const heap = new Float64Array(kernel.memory.buffer);
    // The upper triangle holds garbage, which the kernel must not read.
    const stored = Float64Array.from(a);
    for (let j = 0; j < n; j++) for (let i = j + 1; i < n; i++) stored[j * n + i] = 1e300;
    heap.set(stored, 0);
    heap.set(u, n * n);
    heap.set(e, n * n + n);
    heap.fill(0.5, n * n + 2 * n, n * n + 3 * n);
    kernel.symv_lower(0, n, n, n * n * 8, (n * n + 2 * n) * 8);
    for (let j = 0; j < n; j++) {
      let expected = 0.5;
      for (let k = 0; k < n; k++) expected += (full[j * n + k] as number) * (u[k] as number);
      expect(Math.abs((heap[n * n + 2 * n + j] as number) - expected)).toBeLessThanOrEqual(1e-14 * n);
    }
    kernel.rank2_lower(0, n, n, n * n * 8, (n * n + n) * 8);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const got = heap[j * n + k] as number;
        if (k > j) expect(got).toBe(1e300);
        else expect(got).toBe((a[j * n + k] as number) - ((u[j] as number) * (e[k] as number) + (e[j] as number) * (u[k] as number)));
      }
    }
  });

  it('symv_lower and rank2_lower touch only the leading m × m block', () => {
    const n = 9;
    const m = 6;
    const kernel = linalgKernel((n * n + 3 * n) * 8);
    const heap = new Float64Array(kernel.memory.buffer);
    const a = randomSquare(n, 5);
    heap.set(a, 0);
    heap.fill(1, n * n, n * n + 2 * n);
    heap.fill(0, n * n + 2 * n, n * n + 3 * n);
    kernel.symv_lower(0, n, m, n * n * 8, (n * n + 2 * n) * 8);
    for (let j = m; j < n; j++) expect(heap[n * n + 2 * n + j]).toBe(0);
    kernel.rank2_lower(0, n, m, n * n * 8, (n * n + n) * 8);
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) if (j >= m || k > j) expect(heap[j * n + k]).toBe(a[j * n + k]);
  });
});

describe('Householder tridiagonalisation and QL', () => {
  it.each(SIZES)('keeps the eigenvalues of a symmetric matrix (ml-matrix as reference, n = %i)', (n) => {
    const full = mirrorLower(randomSquare(n, 7 * n), n);
    const { diagonal, offDiagonal } = tridiagonalise(full, n);
    expect(offDiagonal[n - 1]).toBe(0);
    expectEigenvaluesClose(tridiagonalEigenvalues(diagonal, offDiagonal), referenceEigenvalues(full, n), n);
  });

  it('QL gives the same eigenvalues, scaled, for entries near the ends of the float64 range (no overflow or underflow in its rotations)', () => {
    const n = 24;
    const full = mirrorLower(randomSquare(n, 17), n);
    const { diagonal, offDiagonal } = tridiagonalise(full, n);
    const plain = Array.from(tridiagonalEigenvalues(diagonal, offDiagonal)).sort((a, b) => a - b);
    for (const scale of [1e200, 1e-200]) {
      const scaled = Array.from(tridiagonalEigenvalues(diagonal.map((value) => value * scale), offDiagonal.map((value) => value * scale))).sort((a, b) => a - b);
      scaled.forEach((value, i) => expect(Math.abs(value / scale - (plain[i] as number)), `scale ${scale}`).toBeLessThan(1e-12 * n));
    }
  });

  it('handles rows that are already zero (the reduction skips them) and a rank-one matrix', () => {
    const n = 12;
    const full = mirrorLower(randomSquare(n, 3), n);
    for (const row of [4, 9]) for (let k = 0; k < n; k++) full[row * n + k] = full[k * n + row] = 0;
    const { diagonal, offDiagonal } = tridiagonalise(full, n);
    expectEigenvaluesClose(tridiagonalEigenvalues(diagonal, offDiagonal), referenceEigenvalues(full, n), n);
    const v = Float64Array.from({ length: n }, (_, i) => i - 5.5);
    const rankOne = Float64Array.from({ length: n * n }, (_, p) => (v[Math.floor(p / n)] as number) * (v[p % n] as number));
    const reduced = tridiagonalise(rankOne, n);
    const values = Array.from(tridiagonalEigenvalues(reduced.diagonal, reduced.offDiagonal)).sort((a, b) => a - b);
    expect(values.at(-1)).toBeCloseTo(v.reduce((sum, value) => sum + value * value, 0), 9);
    for (const value of values.slice(0, -1)) expect(Math.abs(value)).toBeLessThan(1e-10);
  });

  it.each([3, 8, 33])('tridiagonalOfGram(M) has the eigenvalues of MᵀM (n = %i), and leaves M as it was', (n) => {
    const m = randomSquare(n, 11 * n);
    const copy = Float64Array.from(m);
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) gram[i * n + j] = (gram[i * n + j] as number) + (m[k * n + i] as number) * (m[k * n + j] as number);
    const { diagonal, offDiagonal } = tridiagonalOfGram(m, n);
    expectEigenvaluesClose(tridiagonalEigenvalues(diagonal, offDiagonal), referenceEigenvalues(gram, n), n);
    expect(m).toEqual(copy);
  });
});

describe('singular values (Procrustes), on the background thread', () => {
  it('are the singular values of M (SVD by ml-matrix), and every engine returns the same bits, whether it runs them on a background worker or on the calling thread', async () => {
    const { singularValues } = await import('../src/kernels/singular-values.js');
    const { availableEngines } = await import('./helpers.js');
    const { SingularValueDecomposition } = await import('ml-matrix');
    const d = 40;
    const m = randomSquare(d, 91);
    // A rank-deficient copy too: its zero singular value comes out as √(rounding of λ ≈ 0), not NaN.
    const deficient = Float64Array.from(m);
    for (let i = 0; i < d; i++) deficient[i * d + d - 1] = deficient[i * d + d - 2] as number;
    for (const [matrix, tolerance] of [[m, 1e-9], [deficient, 1e-7]] as const) {
      const expected = new SingularValueDecomposition(new Matrix(Array.from({ length: d }, (_, i) => Array.from(matrix.subarray(i * d, (i + 1) * d))))).diagonal.sort((a, b) => a - b);
      const sigma = singularValues(matrix, d);
      Array.from(sigma)
        .sort((a, b) => a - b)
        .forEach((value, i) => expect(Math.abs(value - (expected[i] as number))).toBeLessThan(tolerance));
      for (const { name, engine } of availableEngines()) {
        expect(Array.from(await engine.singularValues(matrix, d)), name).toEqual(Array.from(sigma));
        await engine.close();
      }
    }
  });
});
