import { afterAll, describe, expect, it } from 'vitest';
import { partnerRanks } from '../src/kernels/cross-rank.js';
import { crossProduct } from '../src/kernels/matrix-products.js';
import { nearestNeighbours } from '../src/kernels/nearest-neighbours.js';
import { quantileSorted } from '../src/stats/quantile.js';
import { sampleIndices, seededRandom } from '../src/stats/random.js';
import { rowDot } from '../src/kernels/score-block.js';
import { rowSum, squaredDistances } from '../src/kernels/row-statistics.js';
import { rowDots, rowSumsOfSquares, scaleRows } from '../src/core/row-norms.js';
import { InputError } from '../src/core/errors.js';
import { KernelArena, kernelSupported, loadWasmKernel } from '../src/kernels/wasm-kernel.js';
import type { CrossKernel } from '../src/kernels/cross-job.js';
import type { QuantiseKernel } from '../src/kernels/quantise.js';
import { availableEngines, expectClose, jsEngine } from './helpers.js';

/** A plain, obviously correct kNN: score every other row, sort by (score desc, index asc). */
function bruteNeighbours(values: Float32Array, count: number, dim: number, k: number, rows: number[]): number[][] {
  return rows.map((i) => {
    const scored: Array<[number, number]> = [];
    for (let j = 0; j < count; j++) if (j !== i) scored.push([rowDot(values, i, values, j, dim), j]);
    scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    return scored.slice(0, k).map(([, j]) => j);
  });
}

function randomMatrix(count: number, dim: number, seed: number, levels = 0): Float32Array {
  const random = seededRandom(seed);
  // levels > 0 quantises values so that exact ties are common (adversarial for tie-breaking).
  return Float32Array.from({ length: count * dim }, () => (levels > 0 ? Math.floor(random() * levels) - levels / 2 : random() - 0.5));
}

function chunks(flat: Int32Array, k: number): number[][] {
  return Array.from({ length: flat.length / k }, (_, q) => Array.from(flat.subarray(q * k, (q + 1) * k)));
}

describe('nearestNeighbours', () => {
  it.each([
    { count: 50, dim: 7, k: 5, levels: 0, name: 'd not a multiple of 4' },
    { count: 3, dim: 5, k: 2, levels: 0, name: 'n smaller than the query tile, k = n − 1' },
    { count: 37, dim: 3, k: 36, levels: 0, name: 'k = n − 1' },
    { count: 1100, dim: 6, k: 4, levels: 0, name: 'n larger than one item block' },
    { count: 40, dim: 4, k: 6, levels: 3, name: 'many exact ties (ties go to the lower row)' },
  ])('matches brute force: $name', ({ count, dim, k, levels }) => {
    const values = randomMatrix(count, dim, count * 31 + dim, levels);
    const all = Array.from({ length: count }, (_, i) => i);
    expect(chunks(nearestNeighbours(values, count, dim, k, null), k)).toEqual(bruteNeighbours(values, count, dim, k, all));
    const subset = all.filter((i) => i % 3 === 1);
    expect(chunks(nearestNeighbours(values, count, dim, k, Int32Array.from(subset)), k)).toEqual(bruteNeighbours(values, count, dim, k, subset));
  });

  it('handles duplicate vectors: identical rows are each other’s nearest, lower row first', () => {
    const values = Float32Array.from([1, 0, 0.6, 0.8, 1, 0, 1, 0, 0, 1]);
    expect(chunks(nearestNeighbours(values, 5, 2, 2, null), 2)).toEqual([[2, 3], [4, 0], [0, 3], [0, 2], [1, 0]]);
  });

  it('rejects k outside 1..n−1', () => {
    expect(() => nearestNeighbours(new Float32Array(6), 3, 2, 3, null)).toThrow(RangeError);
    expect(() => nearestNeighbours(new Float32Array(6), 3, 2, 0, null)).toThrow(RangeError);
  });
});

describe('partnerRanks', () => {
  // 1,100 rows: a short first block, a full one and a partial last one (ITEM_BLOCK 1,024).
  it.each([30, 1100])('counts rows scoring above the partner, ties to the lower row (%i rows)', (count) => {
    const dim = 5;
    const queries = randomMatrix(count, dim, 1, 3);
    const items = randomMatrix(count, dim, 2, 3);
    const expected = Array.from({ length: count }, (_, i) => {
      const own = rowDot(queries, i, items, i, dim);
      let rank = 0;
      for (let j = 0; j < count; j++) {
        const score = rowDot(queries, i, items, j, dim);
        if (score > own || (score === own && j < i)) rank += 1;
      }
      return rank;
    });
    expect(Array.from(partnerRanks(queries, items, count, dim, null, count))).toEqual(expected);
    expect(Array.from(partnerRanks(queries, items, count, dim, Int32Array.from([3, 7, 29]), count))).toEqual([expected[3], expected[7], expected[29]]);
    // With a cap, ranks below it are exact and the rest read as the cap.
    for (const cap of [1, 3, 10, 400]) expect(Array.from(partnerRanks(queries, items, count, dim, null, cap))).toEqual(expected.map((rank) => Math.min(rank, cap)));
  });

  it('certifies by the bound nearly every query of a nearly compatible space, and none of an incompatible one', async () => {
    const { certifiedByHints } = await import('../src/kernels/cross-rank.js');
    const { partnerScoreError } = await import('../src/kernels/knn-tasks.js');
    const [n, d, k] = [1500, 32, 10];
    const normalise = (values: Float32Array) => {
      for (let i = 0; i < n; i++) {
        const norm = Math.sqrt(rowDot(values, i, values, i, d));
        for (let t = 0; t < d; t++) values[i * d + t] = (values[i * d + t] as number) / norm;
      }
      return values;
    };
    const base = normalise(randomMatrix(n, d, 21));
    const noise = randomMatrix(n, d, 22);
    const near = normalise(base.map((value, e) => value + 0.02 * (noise[e] as number)));
    const far = normalise(randomMatrix(n, d, 23));
    const lists = await jsEngine.nearestNeighbours(base, n, d, k, null, 'hints');
    const share = (queries: Float32Array) =>
      Array.from({ length: n }, (_, i) => certifiedByHints(queries, base, i, d, { lists, k }, i, rowDot(queries, i, base, i, d), partnerScoreError(d, 2 ** -53))).filter(Boolean).length / n;
    expect(share(near)).toBeGreaterThan(0.9);
    expect(share(far)).toBe(0);
  });

  it('gives rank 0 to every row of identical matrices with distinct rows', () => {
    const values = randomMatrix(20, 4, 9);
    // Unit rows: the partner (itself) scores 1, everyone else less.
    for (let i = 0; i < 20; i++) {
      const norm = Math.sqrt(rowDot(values, i, values, i, 4));
      for (let t = 0; t < 4; t++) values[i * 4 + t] = (values[i * 4 + t] as number) / norm;
    }
    expect(Array.from(partnerRanks(values, values, 20, 4, null, 20))).toEqual(new Array(20).fill(0));
    expect(Array.from(partnerRanks(values, values, 20, 4, null, 1))).toEqual(new Array(20).fill(0));
  });
});

describe('crossProduct', () => {
  it('equals the naive AᵀB, over several row chunks', () => {
    const count = 4500;
    const a = randomMatrix(count, 6, 3);
    const b = randomMatrix(count, 9, 4);
    const product = crossProduct(a, 6, b, 9, count);
    for (let p = 0; p < 6; p++) {
      for (let q = 0; q < 9; q++) {
        let sum = 0;
        for (let i = 0; i < count; i++) sum += (a[i * 6 + p] as number) * (b[i * 9 + q] as number);
        expectClose(product[p * 9 + q], sum, 1e-9);
      }
    }
  });
});

describe('quantileSorted', () => {
  it('matches numpy.percentile (linear) on reference values', () => {
    // numpy.percentile([1, 2, 4, 7, 11], [0, 10, 50, 95, 100]) = [1, 1.4, 4, 10.2, 11]
    const sorted = [1, 2, 4, 7, 11];
    expect([0, 0.1, 0.5, 0.95, 1].map((p) => quantileSorted(sorted, p)).map((v) => Number(v.toFixed(12)))).toEqual([1, 1.4, 4, 10.2, 11]);
    expect(quantileSorted([5], 0.3)).toBe(5);
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
  });
});

describe('seeded randomness', () => {
  it('repeats for a seed, differs across seeds, and samples distinct sorted indices', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(first);
    const sample = sampleIndices(100, 30, seededRandom(7));
    expect(new Set(sample).size).toBe(30);
    expect(Array.from(sample)).toEqual(Array.from(sample).sort((x, y) => x - y));
    expect(Array.from(sampleIndices(100, 30, seededRandom(7)))).toEqual(Array.from(sample));
    expect(sampleIndices(5, 10, seededRandom(1)).length).toBe(5);
  });
});

const WASM_ENGINES = availableEngines().filter(({ name }) => name !== 'js');
afterAll(() => Promise.all(WASM_ENGINES.map(({ engine }) => engine.close())));

describe.each(WASM_ENGINES)('WebAssembly engine $name', ({ engine }) => {
  /** Unit rows in the engine's memory, from a seeded generator; `levels` quantises for exact ties. */
  function matrix(count: number, dim: number, seed: number, levels = 0): Float32Array {
    const values = engine.allocate(count * dim);
    values.set(randomMatrix(count, dim, seed, levels));
    return values;
  }

  /** Rows whose k-th and (k+1)-th float64 scores are closer than `gap`: float32 sums may order them differently. */
  function nearTies(values: Float32Array, count: number, dim: number, k: number, gap: number): Set<number> {
    const rows = new Set<number>();
    for (let i = 0; i < count; i++) {
      const scores: number[] = [];
      for (let j = 0; j < count; j++) if (j !== i) scores.push(rowDot(values, i, values, j, dim));
      scores.sort((a, b) => b - a);
      for (let t = 0; t < Math.min(k, scores.length - 1); t++) if ((scores[t] as number) - (scores[t + 1] as number) < gap) rows.add(i);
    }
    return rows;
  }

  it.each([
    { count: 300, dim: 7, k: 5, name: 'd not a multiple of 4' },
    { count: 3, dim: 5, k: 2, name: 'n smaller than the query tile, k = n − 1' },
    { count: 37, dim: 3, k: 36, name: 'k = n − 1' },
    { count: 2100, dim: 19, k: 4, name: 'n larger than two item blocks, odd item count' },
  ])('matches the float64 reference except at documented float32 near-ties: $name', async ({ count, dim, k }) => {
    const values = matrix(count, dim, count + dim);
    const all = Array.from({ length: count }, (_, i) => i);
    const expected = bruteNeighbours(values, count, dim, k, all);
    const ties = nearTies(values, count, dim, k, 1e-5);
    const got = chunks(await engine.nearestNeighbours(values, count, dim, k, null, 'test'), k);
    for (const i of all) if (!ties.has(i)) expect(got[i], `row ${i}`).toEqual(expected[i]);
    expect(ties.size).toBeLessThan(count / 10);
    const subset = Int32Array.from(all.filter((i) => i % 5 === 2));
    const sampled = chunks(await engine.nearestNeighbours(values, count, dim, k, subset, 'test'), k);
    Array.from(subset).forEach((row, q) => expect(sampled[q]).toEqual(got[row]));
  });

  it('breaks exact ties (duplicate vectors) by the lower row, like the reference', async () => {
    const values = engine.allocate(10);
    values.set([1, 0, 0.6, 0.8, 1, 0, 1, 0, 0, 1]);
    expect(chunks(await engine.nearestNeighbours(values, 5, 2, 2, null, 'test'), 2)).toEqual([[2, 3], [4, 0], [0, 3], [0, 2], [1, 0]]);
    const quantised = matrix(60, 4, 3, 3);
    const rows = Array.from({ length: 60 }, (_, i) => i);
    expect(chunks(await engine.nearestNeighbours(quantised, 60, 4, 6, null, 'test'), 6)).toEqual(bruteNeighbours(quantised, 60, 4, 6, rows));
  });

  it('partner ranks match the reference (quantised values: many exact ties)', async () => {
    const queries = matrix(50, 6, 1, 3);
    const items = matrix(50, 6, 2, 3);
    const expected = await jsEngine.partnerRanks(queries, items, 50, 6, null, 50, 'test');
    expect(Array.from(await engine.partnerRanks(queries, items, 50, 6, null, 50, 'test'))).toEqual(Array.from(expected));
    expect(Array.from(await engine.partnerRanks(queries, items, 50, 6, Int32Array.from([0, 13, 49]), 50, 'test'))).toEqual([expected[0], expected[13], expected[49]]);
  });

  it.each([
    { count: 700, da: 13, db: 11, name: 'widths with a partial column group and a tail of columns' },
    { count: 1000, da: 4, db: 8, name: 'one column group, one block of eight' },
    { count: 257, da: 37, db: 3, name: 'a chunk and one row; fewer columns of B than a block' },
    { count: 600, da: 3, db: 5, name: 'A narrower than a column group (float64 path)' },
  ])('AᵀB matches the float64 product to float32 accuracy: $name', async ({ count, da, db }) => {
    const a = matrix(count, da, da + 1);
    const b = matrix(count, db, db + 2);
    const got = await engine.crossProduct(a, da, b, db, count);
    const want = crossProduct(a, da, b, db, count);
    for (let e = 0; e < da * db; e++) expect(Math.abs((got[e] as number) - (want[e] as number)), `entry ${e}`).toBeLessThan(1e-5 * Math.sqrt(count));
    const symmetric = await engine.crossProduct(a, da, a, da, count);
    const wantSymmetric = crossProduct(a, da, a, da, count);
    for (let e = 0; e < da * da; e++) expect(Math.abs((symmetric[e] as number) - (wantSymmetric[e] as number)), `AᵀA entry ${e}`).toBeLessThan(1e-5 * Math.sqrt(count));
  });

  it('AᵀA formed as its upper triangle and mirrored equals the full AᵀB with B a copy of A, bit for bit', async () => {
    for (const [count, dim] of [[700, 37], [5000, 64]] as const) {
      const a = matrix(count, dim, dim);
      const copy = engine.allocate(count * dim);
      copy.set(a);
      const symmetric = await engine.crossProduct(a, dim, a, dim, count);
      const full = await engine.crossProduct(a, dim, copy, dim, count);
      expect(Array.from(symmetric)).toEqual(Array.from(full));
    }
  });

  it('certified partner ranks (with the reference kNN lists) equal the full scan, for nearly compatible, identical, tied and incompatible data', async () => {
    const unit = (values: Float32Array, count: number, d: number) => {
      for (let i = 0; i < count; i++) {
        let sum = 0;
        for (let t = 0; t < d; t++) sum += (values[i * d + t] as number) ** 2;
        for (let t = 0; t < d; t++) values[i * d + t] = (values[i * d + t] as number) / Math.sqrt(sum);
      }
      return values;
    };
    const n = 2500;
    const k = 10;
    const cases: Array<[string, Float32Array, Float32Array, number]> = [];
    for (const [d, noise] of [[16, 0.02], [48, 0.05], [8, 0.3]] as const) {
      const base = unit(matrix(n, d, d), n, d);
      const near = engine.allocate(n * d);
      const jitter = randomMatrix(n, d, d + 100);
      for (let e = 0; e < n * d; e++) near[e] = (base[e] as number) + noise * (jitter[e] as number);
      cases.push([`nearly compatible, d=${d}, noise ${noise}`, unit(near, n, d), base, d]);
    }
    const identity = unit(matrix(n, 16, 5), n, 16);
    cases.push(['identity', identity, identity, 16]);
    const tied = matrix(n, 4, 6, 2);
    for (let e = 0; e < tied.length; e++) tied[e] = (tied[e] as number) + 1.5; // quantised to {0.5, 1.5}: duplicate rows and exact ties, no zero row
    unit(tied, n, 4);
    cases.push(['quantised: duplicates and ties', tied, tied, 4]);
    cases.push(['incompatible', unit(matrix(n, 16, 11), n, 16), unit(matrix(n, 16, 12), n, 16), 16]);
    for (const [label, queries, items, d] of cases) {
      const lists = await engine.nearestNeighbours(items, n, d, k, null, 'hints');
      const full = await engine.partnerRanks(queries, items, n, d, null, k, 'full');
      const hinted = await engine.partnerRanks(queries, items, n, d, null, k, 'hinted', { lists, k });
      expect(Array.from(hinted), label).toEqual(Array.from(full));
      const rows = Int32Array.from([0, 17, 1234, n - 1]);
      const sampleLists = await engine.nearestNeighbours(items, n, d, k, rows, 'hints');
      expect(Array.from(await engine.partnerRanks(queries, items, n, d, rows, k, 'hinted', { lists: sampleLists, k })), `${label}, sampled queries`).toEqual([0, 17, 1234, n - 1].map((row) => full[row]));
      // The JavaScript reference gives the same with and without the certificate.
      const js = await jsEngine.partnerRanks(queries, items, n, d, null, k, 'js', { lists: await jsEngine.nearestNeighbours(items, n, d, k, null, 'js'), k });
      expect(Array.from(js), `${label}, JS`).toEqual(Array.from(await jsEngine.partnerRanks(queries, items, n, d, null, k, 'js full')));
    }
  }, 240_000);

  it('early-stopped partner ranks equal the full scan capped at k, on every shape that could break the stop', async () => {
    const cases: Array<[string, Float32Array, Float32Array, number, number]> = [];
    const n = 3000; // several item blocks and query chunks
    const dim = 8;
    const base = matrix(n, dim, 7);
    cases.push(['incompatible (independent spaces)', matrix(n, dim, 8), base, n, dim]);
    cases.push(['identity', base, base, n, dim]);
    const rotated = engine.allocate(n * dim);
    for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) rotated[i * dim + t] = base[i * dim + ((t + 1) % dim)] as number; // a rotation (coordinate permutation) of the reference
    cases.push(['a rotation (partner never wins)', rotated, base, n, dim]);
    const quantised = matrix(n, 4, 3, 2);
    cases.push(['quantised values: duplicates and exact ties', quantised, matrix(n, 4, 4, 2), n, 4]);
    for (const [label, queries, items, count, d] of cases) {
      const full = await jsEngine.partnerRanks(queries, items, count, d, null, count, 'full');
      for (const cap of [1, 10]) {
        const capped = await engine.partnerRanks(queries, items, count, d, null, cap, 'capped');
        expect(Array.from(capped), `${label}, cap ${cap}`).toEqual(Array.from(full, (rank) => Math.min(rank, cap)));
      }
    }
  }, 120_000);
});

describe('WebAssembly engines agree with each other', () => {
  it('the result does not depend on the number of threads', async () => {
    const engines = WASM_ENGINES.filter(({ name }) => name.startsWith('simd'));
    expect(engines.map(({ name }) => name)).toEqual(['simd × 1', 'simd × 2']);
    const results = await Promise.all(
      engines.map(async ({ engine }) => {
        const values = engine.allocate(1500 * 33);
        values.set(randomMatrix(1500, 33, 77));
        return Array.from(await engine.nearestNeighbours(values, 1500, 33, 10, null, 'test'));
      }),
    );
    expect(results[1]).toEqual(results[0]);
  });
});

/** Each WebAssembly kernel this runtime supports, instantiated on a fresh one-page shared memory. */
function onePageKernels() {
  return (['simd', 'relaxed-simd'] as const).filter(kernelSupported).map((kernel) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return { kernel, memory, exports: new WebAssembly.Instance(loadWasmKernel(kernel)!.module, { env: { memory } }).exports };
  });
}

describe('pack_panels (the cross-product kernel\'s packing)', () => {
  it('copies columns into zero-padded panels without reading past a row that ends the memory', () => {
    for (const { kernel, memory, exports } of onePageKernels()) {
      const { pack_panels } = exports as unknown as CrossKernel;
      const rows = 3;
      const cols = 5;
      const src = 65536 - rows * cols * 4; // the last row ends exactly at the end of the memory
      new Float32Array(memory.buffer, src, rows * cols).set(Array.from({ length: rows * cols }, (_, i) => i + 1));
      for (const width of [4, 8]) {
        const panels = Math.ceil(cols / width);
        pack_panels(src, rows, cols * 4, 0, cols, width, 0);
        const packed = Array.from(new Float32Array(memory.buffer, 0, panels * rows * width));
        const expected: number[] = [];
        for (let panel = 0; panel < panels; panel++) {
          for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) expected.push(panel * width + c < cols ? r * cols + panel * width + c + 1 : 0);
        }
        expect(packed, `${kernel}, width ${width}`).toEqual(expected);
      }
    }
  });
});

describe('max_abs (the scale of the integer screen)', () => {
  it('gives the largest |x| wherever it falls, with negatives, −0 and ±∞, and NaN when any value is NaN', () => {
    for (const { kernel, memory, exports } of onePageKernels()) {
      const { max_abs } = exports as unknown as QuantiseKernel;
      const values = new Float32Array(memory.buffer, 0, 64);
      const run = (filled: number[]) => {
        values.fill(0);
        values.set(filled);
        return max_abs(0, filled.length);
      };
      const random = seededRandom(9);
      for (const length of [1, 3, 4, 5, 8, 13, 64]) {
        for (let at = 0; at < length; at++) {
          const data = Array.from({ length }, () => random() - 0.5);
          data[at] = -2.5; // the largest magnitude, negative, in the vector part or the tail
          expect(run(data), `${kernel}, length ${length}, at ${at}`).toBe(2.5);
          data[at] = Number.NaN;
          expect(run(data), `${kernel}, NaN at ${at} of ${length}`).toBeNaN();
          data[at] = Number.NEGATIVE_INFINITY;
          expect(run(data)).toBe(Number.POSITIVE_INFINITY);
        }
      }
      expect(run([-0, -0, -0, -0, -0])).toBe(0);
      expect(run([1e-45, -3e-45, 0, 0])).toBe(Math.fround(3e-45));
      // Past `length`: not read.
      values.fill(7);
      expect(max_abs(0, 6)).toBe(7);
      values[6] = 99;
      expect(max_abs(0, 6)).toBe(7);
    }
  });
});

describe('KernelArena', () => {
  it('refuses more than 4 GiB of vectors with an input error that says what to do, before allocating', () => {
    const arena = new KernelArena();
    expect(() => arena.allocate(2 ** 30 + 1)).toThrow(InputError);
    expect(() => arena.allocate(2 ** 30 + 1)).toThrow(/more than the 4 GiB .* run with the JavaScript kernel \(kernel: js\)/);
    const small = arena.allocate(10);
    expect(arena.addressOf(small)).toBe(small.byteOffset);
    expect(arena.addressOf(new Float32Array(10))).toBeNull();
  });
});

describe('row statistics (sum_rows, squared_distances)', () => {
  const naiveSum = (values: Float32Array, dim: number, rows: Int32Array) =>
    Array.from({ length: dim }, (_, j) => Array.from(rows).reduce((sum, row) => sum + (values[row * dim + j] as number), 0));
  const naiveDistances = (values: Float32Array, dim: number, rows: Int32Array, centre: Float64Array) =>
    Array.from(rows, (row) => Array.from({ length: dim }, (_, t) => ((values[row * dim + t] as number) - (centre[t] as number)) ** 2).reduce((sum, value) => sum + value, 0));

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 96, 767])('equal the reference arithmetic bit for bit on every engine, and the plain sums to rounding (dim = %i)', (dim) => {
    const count = 300;
    const source = randomMatrix(count, dim, dim + 3);
    // More rows than one kernel call takes (the last call's 91 leave an odd and a not-four-way rest), with repeats and a row listed out of order.
    const rows = Int32Array.from({ length: 603 }, (_, p) => (p * 7 + (p % 5)) % count);
    const random = seededRandom(dim);
    const centre = Float64Array.from({ length: dim }, () => random() - 0.5);
    const sums = rowSum(source, dim, rows);
    const distances = squaredDistances(source, dim, rows, centre);
    naiveSum(source, dim, rows).forEach((value, j) => expect(Math.abs((sums[j] as number) - value)).toBeLessThan(1e-12));
    naiveDistances(source, dim, rows, centre).forEach((value, p) => expect(Math.abs((distances[p] as number) - value)).toBeLessThan(1e-12));
    for (const { name, engine } of availableEngines()) {
      const values = engine.allocate(count * dim);
      values.set(source);
      expect(Array.from(engine.rowSums(values, dim, rows)), name).toEqual(Array.from(sums));
      expect(Array.from(engine.squaredDistances(values, dim, rows, centre)), name).toEqual(Array.from(distances));
      // A matrix outside the engine's memory gets the same numbers.
      expect(Array.from(engine.squaredDistances(source, dim, rows.subarray(0, 5), centre)), name).toEqual(Array.from(distances.subarray(0, 5)));
      expect(Array.from(engine.rowSums(values, dim, new Int32Array(0))), name).toEqual(new Array(dim).fill(0));
    }
  });
});

describe('row norms, row dot products and unit rows (row_dots, scale_rows)', () => {
  // 517 rows: two kernel calls of 256 and a last one, with a row count that is not a multiple of 4.
  it.each([1, 2, 3, 4, 5, 7, 13, 96, 767])('equal the plain JavaScript loops bit for bit on every engine, in place and gathered (dim = %i)', (dim) => {
    const count = 517;
    const random = seededRandom(dim + 40);
    // Magnitudes over six orders, so float32 products of the scale would round differently.
    const source = Float32Array.from({ length: count * dim }, () => (random() - 0.5) * 10 ** Math.floor(random() * 6 - 3));
    const sums = rowSumsOfSquares(source, count, dim);
    const plainSums = Array.from({ length: count }, (_, i) => {
      let plain = 0;
      for (let t = 0; t < dim; t++) plain += (source[i * dim + t] as number) ** 2;
      return plain;
    });
    expect(Array.from(sums)).toEqual(plainSums);
    const other = Float32Array.from({ length: count * dim }, () => (random() - 0.5) * 10 ** Math.floor(random() * 6 - 3));
    const dots = rowDots(source, other, count, dim);
    expect(Array.from(dots)).toEqual(Array.from({ length: count }, (_, i) => {
      let plain = 0;
      for (let t = 0; t < dim; t++) plain += (source[i * dim + t] as number) * (other[i * dim + t] as number);
      return plain;
    }));
    const rows = Int32Array.from({ length: 600 }, (_, p) => (p * 7 + (p % 5)) % count);
    const scales = Float64Array.from(rows, (row) => 1 / Math.sqrt(sums[row] as number));
    const gathered = new Float32Array(rows.length * dim);
    scaleRows(source, dim, rows, scales, gathered);
    expect(Array.from(gathered)).toEqual(Array.from(rows).flatMap((row, p) => Array.from({ length: dim }, (_, t) => Math.fround((source[row * dim + t] as number) * (scales[p] as number)))));
    const identity = Int32Array.from({ length: count }, (_, i) => i);
    const unitScales = Float64Array.from(sums, (sum) => 1 / Math.sqrt(sum));
    const unit = new Float32Array(count * dim);
    scaleRows(source, dim, identity, unitScales, unit);
    for (const { name, engine } of availableEngines()) {
      const values = engine.allocate(count * dim);
      values.set(source);
      expect(Array.from(engine.sumsOfSquares(values, count, dim)), name).toEqual(Array.from(sums));
      const second = engine.allocate(count * dim);
      second.set(other);
      expect(Array.from(engine.rowDots(values, second, count, dim)), `${name}, row dots`).toEqual(Array.from(dots));
      const out = engine.allocate(rows.length * dim);
      engine.scaleRows(values, dim, rows, scales, out);
      expect(Array.from(out), `${name}, gathered`).toEqual(Array.from(gathered));
      engine.scaleRows(values, dim, identity, unitScales, values);
      expect(Array.from(values), `${name}, in place`).toEqual(Array.from(unit));
      // Arrays outside the engine's memory get the same numbers.
      expect(Array.from(engine.sumsOfSquares(source, count, dim)), name).toEqual(Array.from(sums));
    }
  });
});

describe('k-means on the engine', () => {
  const unitRows = (values: Float32Array, count: number, dim: number) => {
    for (let i = 0; i < count; i++) {
      const norm = Math.sqrt(rowDot(values, i, values, i, dim));
      for (let t = 0; t < dim; t++) values[i * dim + t] = (values[i * dim + t] as number) / norm;
    }
    return values;
  };

  it('gives the same clusters on every engine and thread count, near ties included', async () => {
    const { kmeansAssignments } = await import('../src/metrics/kmeans.js');
    const { seededRandom } = await import('../src/stats/random.js');
    for (const [name, count, dim, levels] of [['random', 3000, 24, 0], ['quantised: duplicate rows, exact ties', 2000, 6, 3]] as const) {
      const source = randomMatrix(count, dim, 41, levels).map((value) => value + (levels > 0 ? 2.5 : 0));
      unitRows(source, count, dim);
      const fit = Int32Array.from({ length: 1200 }, (_, i) => (i * 7) % count);
      const results: number[][] = [];
      for (const { engine } of availableEngines()) {
        const values = engine.allocate(count * dim);
        values.set(source);
        results.push(Array.from(await kmeansAssignments(engine, values, count, dim, 8, fit, seededRandom(5))));
      }
      for (const result of results.slice(1)) expect(result, name).toEqual(results[0]);
      expect(new Set(results[0]).size, name).toBeGreaterThan(1);
    }
  }, 120_000);

  it('finds well-separated clusters exactly, and stops when nothing changes', async () => {
    const { kmeansAssignments } = await import('../src/metrics/kmeans.js');
    const { seededRandom } = await import('../src/stats/random.js');
    const [count, dim] = [600, 12];
    const values = new Float32Array(count * dim);
    const noise = randomMatrix(count, dim, 3);
    for (let i = 0; i < count; i++) for (let t = 0; t < dim; t++) values[i * dim + t] = (t === i % 3 ? 10 : 0) + (noise[i * dim + t] as number);
    unitRows(values, count, dim);
    const assignment = Array.from(await kmeansAssignments(jsEngine, values, count, dim, 3, Int32Array.from({ length: count }, (_, i) => i), seededRandom(9)));
    // Every item of a true group shares one cluster, and the three groups get three clusters.
    const of = (group: number) => new Set(assignment.filter((_, i) => i % 3 === group));
    expect([of(0), of(1), of(2)].map((set) => set.size)).toEqual([1, 1, 1]);
    expect(new Set(assignment).size).toBe(3);
  });
});
