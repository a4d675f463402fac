// The integer screen in front of the exact kNN (src/kernels/screened-knn.ts) must never change a
// result: every screened search here is compared, bit for bit, with the full float32 scan of the
// same kernel, on the example sets made with scikit-learn and on data built to break the screen.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpyMatrix } from '../src/io/npy.js';
import { createKnnEngine, type KnnEngine } from '../src/kernels/knn-engine.js';
import { quantisedRowBytes, quantiseRows, type QuantiseKernel } from '../src/kernels/quantise.js';
import { rowDot } from '../src/kernels/score-block.js';
import { settleScreen } from '../src/kernels/screened-knn.js';
import { EMPTY_SLOT } from '../src/kernels/top-k.js';
import { seededRandom } from '../src/stats/random.js';
import { kernelSupported, loadWasmKernel } from '../src/kernels/wasm-kernel.js';
import { EXAMPLES, FIXTURES } from './helpers.js';

interface Pair {
  readonly name: string;
  readonly screen: 'int8' | 'int16';
  readonly screened: KnnEngine;
  readonly full: KnnEngine;
}

// Both screens on both kernels (the plain SIMD kernel's int8 product is the emulation the relaxed one is checked against).
const PAIRS: Pair[] = [];
for (const kernel of ['simd', 'relaxed-simd'] as const) {
  if (!kernelSupported(kernel)) continue;
  for (const screen of ['int16', 'int8'] as const) {
    for (const threads of [1, 2]) {
      const screened = createKnnEngine({ kernel, threads, integerScreen: screen })!;
      PAIRS.push({ name: `${kernel}, ${screen} screen × ${threads}`, screen, screened, full: createKnnEngine({ kernel, threads, screening: false })! });
    }
  }
}
afterAll(() => Promise.all(PAIRS.flatMap(({ screened, full }) => [screened.close(), full.close()])));

/** Unit rows (cosine, as the metrics search). */
function unit(values: Float32Array, count: number, dim: number): Float32Array {
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let t = 0; t < dim; t++) sum += (values[i * dim + t] as number) ** 2;
    if (sum > 0) for (let t = 0; t < dim; t++) values[i * dim + t] = (values[i * dim + t] as number) / Math.sqrt(sum);
  }
  return values;
}

/** Seeded clusters: `clusters` Gaussian centres, each row a centre plus `spread` noise. */
function clustered(count: number, dim: number, clusters: number, spread: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters * dim }, gaussian);
  const values = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) for (let t = 0; t < dim; t++) values[i * dim + t] = (centres[(i % clusters) * dim + t] as number) + spread * gaussian();
  return unit(values, count, dim);
}

function fromNpy(path: string): { values: Float32Array; count: number; dim: number } {
  const { values, rows, cols } = readNpyMatrix(path, path);
  return { values: unit(values, rows, cols), count: rows, dim: cols };
}

/** Cases: [name, values, count, dim, the least share of rows the screen must settle]. */
function cases(): Array<[string, Float32Array, number, number, number]> {
  const list: Array<[string, Float32Array, number, number, number]> = [];
  for (const file of ['reference.npy', 'candidate-broken.npy', 'candidate-major.npy']) {
    const { values, count, dim } = fromNpy(join(EXAMPLES, file));
    list.push([`examples/digits/${file}`, values, count, dim, 0.9]);
  }
  const retrain = fromNpy(join(FIXTURES, 'calibration', 'retrain-seed2.npy'));
  list.push(['calibration/retrain-seed2.npy', retrain.values, retrain.count, retrain.dim, 0.9]);
  list.push(['64 clusters, d = 96 (several item blocks)', clustered(3000, 96, 64, 0.9, 5), 3000, 96, 0.9]);
  list.push(['d = 7, not a multiple of the int16 lane count', clustered(800, 7, 10, 0.5, 6), 800, 7, 0]);
  // Duplicates: every row appears three times, so neighbour lists end in exact ties.
  const base = clustered(400, 24, 8, 0.6, 7);
  const duplicated = new Float32Array(1200 * 24);
  for (let i = 0; i < 1200; i++) duplicated.set(base.subarray((i % 400) * 24, (i % 400 + 1) * 24), i * 24);
  list.push(['each row three times (exact ties)', duplicated, 1200, 24, 0]);
  // Values on a coarse grid: many exact ties between different rows.
  const random = seededRandom(8);
  list.push(['values in {−1, 0, 1}: ties everywhere', unit(Float32Array.from({ length: 900 * 6 }, () => Math.floor(random() * 3) - 1), 900, 6), 900, 6, 0]);
  // One row identical to all: every score equal, nothing can be settled, the full scan decides.
  list.push(['every row the same', unit(new Float32Array(500 * 16).fill(0.25), 500, 16), 500, 16, 0]);
  // Norms over six orders of magnitude (inner product, not cosine): the common scale fits the largest.
  const norms = clustered(700, 32, 7, 0.7, 9);
  for (let i = 0; i < 700; i++) for (let t = 0; t < 32; t++) norms[i * 32 + t] = (norms[i * 32 + t] as number) * 10 ** ((i % 7) - 3);
  list.push(['norms from 1e-3 to 1e3', norms, 700, 32, 0]);
  return list;
}

describe.each(PAIRS)('screened kNN, $name', ({ screen, screened, full }) => {
  it.each(cases())('equals the full float32 scan bit for bit: %s', async (_name, source, count, dim, settleShare) => {
    const a = screened.allocate(count * dim);
    a.set(source);
    const b = full.allocate(count * dim);
    b.set(source);
    const before = { ...screened.screenCounts };
    for (const k of [1, 10]) {
      if (k >= count) continue;
      const expected = Array.from(await full.nearestNeighbours(b, count, dim, k, null, 'full'));
      expect(Array.from(await screened.nearestNeighbours(a, count, dim, k, null, 'screened')), `k = ${k}`).toEqual(expected);
      const rows = Int32Array.from({ length: Math.min(count, 300) }, (_, i) => Math.floor((i * count) / Math.min(count, 300)));
      const sampled = Array.from(await screened.nearestNeighbours(a, count, dim, k, rows, 'screened sample'));
      expect(sampled, `k = ${k}, sampled queries`).toEqual(Array.from(rows).flatMap((row) => expected.slice(row * k, (row + 1) * k)));
    }
    const settled = screened.screenCounts.settled - before.settled;
    const open = screened.screenCounts.unsettled - before.unsettled;
    const int8 = screened.screenCounts.int8 - before.int8;
    const int8Fallbacks = screened.screenCounts.int8Fallbacks - before.int8Fallbacks;
    // Real data must be settled by the screen (the int8 one without handing over); adversarial data only has to come out right.
    if (screen === 'int16') {
      expect(settled + open).toBeGreaterThan(0);
      if (settleShare > 0) expect(settled / (settled + open)).toBeGreaterThanOrEqual(settleShare);
    } else {
      expect(int8 + int8Fallbacks, 'searches through the int8 screen').toBeGreaterThan(0);
      if (settleShare > 0) expect(int8Fallbacks, 'searches the int8 screen handed to the int16 one').toBe(0);
    }
  }, 120_000);
});

describe('the screen’s bound', () => {
  it('holds for every pair: |float32 score − α²·raw| ≤ bound, on real and adversarial rows', () => {
    const sets = cases().filter(([name]) => !name.includes('same'));
    for (const [name, values, count, dim] of sets) {
      const rows = Math.min(count, 40);
      const stride = quantisedRowBytes(dim) / 2;
      // The kernel's own quantisation, in a memory of its own: values, then the int16 rows, then the row figures.
      const intsAddress = Math.ceil((count * dim * 4) / 64) * 64;
      const statsAddress = intsAddress + count * stride * 2;
      const memory = new WebAssembly.Memory({ initial: Math.ceil((statsAddress + count * 24) / 65536), maximum: 65536, shared: true });
      new Float32Array(memory.buffer, 0, count * dim).set(values);
      const kernel = new WebAssembly.Instance(loadWasmKernel('simd')!.module, { env: { memory } }).exports as unknown as QuantiseKernel;
      const { scale, bound } = quantiseRows(kernel, memory, 0, count, dim, intsAddress, statsAddress);
      const ints = new Int16Array(memory.buffer, intsAddress, count * stride);
      expect(ints.every((q) => Math.abs(q) <= Math.floor(Math.sqrt((2 ** 31 - 1) / stride))), `${name}: |q| ≤ m`).toBe(true);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < count; j += 3) {
          let raw = 0;
          for (let t = 0; t < stride; t++) raw += (ints[i * stride + t] as number) * (ints[j * stride + t] as number);
          // Float32 sums in any order stay within γ_d of the exact product (the bound includes that); float64 here.
          const gap = Math.abs(rowDot(values, i, values, j, dim) / (scale * scale) - raw);
          const allowed = Math.min(bound[i] as number, bound[j] as number);
          expect(gap, `${name}: pair (${i}, ${j})`).toBeLessThanOrEqual(allowed);
        }
      }
    }
  });

  it('gives no finite bound when a value is NaN or infinite, so such a matrix is scanned in full', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const count = 50;
      const dim = 9;
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
      const values = new Float32Array(memory.buffer, 0, count * dim);
      values.set(clustered(count, dim, 3, 0.5, 11));
      values[7 * dim + 4] = bad;
      const kernel = new WebAssembly.Instance(loadWasmKernel('simd')!.module, { env: { memory } }).exports as unknown as QuantiseKernel;
      const { bound } = quantiseRows(kernel, memory, 0, count, dim, 4096, 16384);
      expect(Array.from(bound).filter((value) => Number.isFinite(value)), String(bad)).toEqual([]);
    }
  });

  it('settles a list only when its K-th candidate is more than twice the bound below its k-th, and keeps every candidate within it', () => {
    // Two lists of width 4 for k = 2, bound 1 (so the margin is 2).
    const scores = Float64Array.from([10, 9, 8.5, 6.9, 10, 9, 8, 7]);
    const indices = Int32Array.from([5, 6, 7, 8, 1, 2, 3, 4]);
    const outcome = settleScreen(scores, indices, 4, 2, Float64Array.from([1, 1]), (list) => list);
    expect(Array.from(outcome.settled)).toEqual([0]);
    expect(Array.from(outcome.unsettled)).toEqual([1]); // 7 is not below 9 − 2
    expect(Array.from(outcome.candidates)).toEqual([5, 6, 7, EMPTY_SLOT]); // 8.5 ≥ 7 is kept, 6.9 is not
    const notFull = settleScreen(Float64Array.from([3, 2, -Infinity, -Infinity]), Int32Array.from([1, 0, EMPTY_SLOT, EMPTY_SLOT]), 4, 2, Float64Array.from([5]), () => 0);
    expect(Array.from(notFull.settled)).toEqual([0]);
    const nan = settleScreen(scores.subarray(0, 4), indices.subarray(0, 4), 4, 2, Float64Array.from([Number.NaN]), () => 0);
    expect(Array.from(nan.unsettled)).toEqual([0]);
  });
});
