// The pieces of the int8 screen (src/kernels/int8-screen-task.ts): the int8 kernels against plain
// integer and float loops on both WebAssembly kernels (the plain SIMD one emulates the relaxed int8
// dot product), the copies' bound against every pair, and the hand-over to the int16 screen.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpyMatrix } from '../src/io/npy.js';
import { createKnnEngine } from '../src/kernels/knn-engine.js';
import { int8RowBytes, int8ScratchBytes, quantiseRowsInt8, type Int8QuantiseKernel } from '../src/kernels/quantise-int8.js';
import { rowDot } from '../src/kernels/score-block.js';
import type { ScoreBlock } from '../src/kernels/knn-tasks.js';
import type { IntScoreBlock } from '../src/kernels/screen-tasks.js';
import type { ScoreRows } from '../src/kernels/int8-screen-task.js';
import { int8DotExact, kernelSupported, loadWasmKernel } from '../src/kernels/wasm-kernel.js';
import { seededRandom } from '../src/stats/random.js';
import { EXAMPLES } from './helpers.js';

/** Each WebAssembly kernel this runtime supports, on a fresh shared memory of `pages` 64 KiB pages. */
function kernels(pages: number) {
  return (['simd', 'relaxed-simd'] as const).filter(kernelSupported).map((kernel) => {
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    return { kernel, memory, exports: new WebAssembly.Instance(loadWasmKernel(kernel)!.module, { env: { memory } }).exports };
  });
}

/** Unit rows of seeded Gaussian values. */
function unitRows(count: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const values = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let t = 0; t < dim; t++) {
      const value = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
      values[i * dim + t] = value;
      sum += value * value;
    }
    for (let t = 0; t < dim; t++) values[i * dim + t] = (values[i * dim + t] as number) / Math.sqrt(sum);
  }
  return values;
}

describe('score_i8', () => {
  it('gives ⟨a_i, b_j⟩ − shift_i exactly, at the ends of both ranges, on every kernel', () => {
    for (const { kernel, memory, exports } of kernels(4)) {
      const score = exports.score_i8 as IntScoreBlock;
      for (const rowBytes of [64, 128, 832]) {
        const items = 9;
        const random = seededRandom(rowBytes);
        const queries = new Int8Array(memory.buffer, 0, 4 * rowBytes);
        const stored = new Uint8Array(memory.buffer, 4 * rowBytes, items * rowBytes);
        // Queries in −127 … 127 with the extremes planted; items in 0 … 127 with 0 and 127 planted.
        for (let p = 0; p < queries.length; p++) queries[p] = p % 11 === 0 ? (p % 2 ? 127 : -127) : Math.floor(random() * 255) - 127;
        for (let p = 0; p < stored.length; p++) stored[p] = p % 13 === 0 ? (p % 2 ? 127 : 0) : Math.floor(random() * 128);
        const shifts = [5, -7, 0, 123456];
        const out = 4 * rowBytes + items * rowBytes;
        for (const [start, end] of [[0, items], [1, 8], [3, 4]] as const) {
          score(0, rowBytes, 2 * rowBytes, 3 * rowBytes, 4 * rowBytes, start, end, rowBytes, out, 16, shifts[0]!, shifts[1]!, shifts[2]!, shifts[3]!);
          const tile = new Int32Array(memory.buffer, out, 64);
          for (let g = 0; g < 4; g++) {
            for (let j = start; j < end; j++) {
              let sum = 0;
              for (let t = 0; t < rowBytes; t++) sum += (queries[g * rowBytes + t] as number) * (stored[j * rowBytes + t] as number);
              expect(tile[g * 16 + j - start], `${kernel}, rowBytes ${rowBytes}, query ${g}, item ${j}`).toBe(sum - (shifts[g] as number));
            }
          }
        }
      }
    }
  });
});

describe('score_rows', () => {
  it('gives each listed pair the bits score_block gives it, for every group length and odd widths', () => {
    for (const { kernel, memory, exports } of kernels(8)) {
      const scoreRows = exports.score_rows as ScoreRows;
      const scoreBlock = exports.score_block as ScoreBlock;
      for (const dim of [1, 3, 4, 7, 13, 96, 767]) {
        const count = 40;
        const values = new Float32Array(memory.buffer, 0, count * dim);
        values.set(unitRows(count, dim, dim));
        const listAt = count * dim * 4;
        const out = listAt + 4 * 64;
        const tile = out + 4 * 64;
        for (const length of [1, 2, 7, 8, 9, 16, 17]) {
          const list = Int32Array.from({ length }, (_, p) => (p * 7 + length) % count);
          new Int32Array(memory.buffer, listAt, length).set(list);
          const query = length % count;
          new Float32Array(memory.buffer, out, 64).fill(-7);
          scoreRows(query * dim * 4, 0, dim, listAt, length, out);
          const scores = new Float32Array(memory.buffer, out, length).slice();
          list.forEach((j, p) => {
            scoreBlock(query * dim * 4, query * dim * 4, query * dim * 4, query * dim * 4, 0, j, j + 1, dim, tile, 1);
            expect(scores[p], `${kernel}, dim ${dim}, ${length} rows, row ${j}`).toBe(new Float32Array(memory.buffer, tile, 1)[0]);
          });
          expect(new Float32Array(memory.buffer, out + length * 4, 1)[0], 'nothing written past the list').toBe(-7);
        }
      }
    }
  });
});

describe('the int8 copies', () => {
  const cases: Array<[string, Float32Array, number, number]> = [];
  const digits = readNpyMatrix(join(EXAMPLES, 'reference.npy'), 'reference.npy');
  cases.push(['examples/digits/reference.npy (not unit)', digits.values, digits.rows, digits.cols]);
  cases.push(['unit rows, d = 100 (padded)', unitRows(300, 100, 3), 300, 100]);
  const scaled = unitRows(200, 20, 4);
  for (let i = 0; i < 200; i++) for (let t = 0; t < 20; t++) scaled[i * 20 + t] = (scaled[i * 20 + t] as number) * 10 ** ((i % 5) - 2);
  cases.push(['norms from 1e-2 to 1e2', scaled, 200, 20]);

  it.each(cases)('bound every pair: |float32 score − αβ·raw| ≤ both rows’ bounds, with the stored ranges and shifts right: %s', (_name, values, count, dim) => {
    for (const { kernel, memory, exports } of kernels(256)) {
      const rowBytes = int8RowBytes(dim);
      const queryAt = Math.ceil((count * dim * 4) / 64) * 64;
      const itemAt = queryAt + count * rowBytes;
      const scratch = itemAt + count * rowBytes;
      expect(scratch + int8ScratchBytes(count, dim)).toBeLessThan(memory.buffer.byteLength);
      new Float32Array(memory.buffer, 0, count * dim).set(values);
      const copies = quantiseRowsInt8(exports as unknown as Int8QuantiseKernel, memory, 0, count, dim, queryAt, itemAt, scratch);
      const a = new Int8Array(memory.buffer, queryAt, count * rowBytes);
      const b = new Uint8Array(memory.buffer, itemAt, count * rowBytes);
      expect(a.every((q) => q >= -127)).toBe(true);
      expect(b.every((q) => q >= 1 && q <= 127)).toBe(true);
      for (let i = 0; i < count; i++) {
        let sum = 0;
        for (let t = 0; t < rowBytes; t++) sum += a[i * rowBytes + t] as number;
        expect(copies.shifts[i]).toBe(64 * sum);
        for (let t = dim; t < rowBytes; t++) expect([a[i * rowBytes + t], b[i * rowBytes + t]], `${kernel}: padding of row ${i}`).toEqual([0, 64]);
      }
      for (let i = 0; i < Math.min(count, 30); i++) {
        for (let j = 0; j < count; j += 2) {
          let raw = 0;
          for (let t = 0; t < rowBytes; t++) raw += (a[i * rowBytes + t] as number) * ((b[j * rowBytes + t] as number) - 64);
          const gap = Math.abs(rowDot(values, i, values, j, dim) / copies.unit - raw);
          expect(gap, `${kernel}: pair (${i}, ${j})`).toBeLessThanOrEqual(Math.min(copies.bound[i] as number, copies.bound[j] as number));
        }
      }
    }
  });

  it('gives no finite bound when a value is NaN or infinite', () => {
    for (const { memory, exports } of kernels(4)) {
      for (const bad of [Number.NaN, Number.NEGATIVE_INFINITY]) {
        const values = new Float32Array(memory.buffer, 0, 50 * 9);
        values.set(unitRows(50, 9, 5));
        values[17] = bad;
        const copies = quantiseRowsInt8(exports as unknown as Int8QuantiseKernel, memory, 0, 50, 9, 4096, 8192, 16384);
        expect(Array.from(copies.bound).filter(Number.isFinite), String(bad)).toEqual([]);
      }
    }
  });
});

describe('the int8 screen in the engine', () => {
  const engines = (['simd', 'relaxed-simd'] as const).filter(kernelSupported).flatMap((kernel) => [
    { kernel, int8: createKnnEngine({ kernel, threads: 2, integerScreen: 'int8' })!, full: createKnnEngine({ kernel, threads: 2, screening: false })! },
  ]);
  afterAll(() => Promise.all(engines.flatMap(({ int8, full }) => [int8.close(), full.close()])));

  it('hands a matrix whose bound is wider than its spread to the int16 screen, and the answer stays exact', async () => {
    for (const { kernel, int8, full } of engines) {
      // Rows a tiny step apart around one direction: every pair is within the int8 bound, so the filter passes everything.
      const count = 3000;
      const dim = 48;
      const base = unitRows(1, dim, 6);
      const noise = unitRows(count, dim, 7);
      const values = new Float32Array(count * dim);
      for (let i = 0; i < count; i++) for (let t = 0; t < dim; t++) values[i * dim + t] = (base[t] as number) + 1e-4 * (noise[i * dim + t] as number);
      const a = int8.allocate(count * dim);
      a.set(values);
      const b = full.allocate(count * dim);
      b.set(values);
      const before = { ...int8.screenCounts };
      const found = Array.from(await int8.nearestNeighbours(a, count, dim, 10, null, 'int8'));
      expect(int8.screenCounts.int8Fallbacks - before.int8Fallbacks, kernel).toBe(1);
      expect(int8.screenCounts.int8 - before.int8, kernel).toBe(0);
      expect(found, kernel).toEqual(Array.from(await full.nearestNeighbours(b, count, dim, 10, null, 'full')));
    }
  }, 120_000);

  it('leaves a matrix with NaN to the int16 screen without starting the scan', async () => {
    for (const { kernel, int8 } of engines) {
      const values = int8.allocate(300 * 8);
      values.set(unitRows(300, 8, 8));
      values[40] = Number.NaN;
      const before = { ...int8.screenCounts };
      await int8.nearestNeighbours(values, 300, 8, 5, null, 'nan');
      expect([int8.screenCounts.int8 - before.int8, int8.screenCounts.int8Fallbacks - before.int8Fallbacks], kernel).toEqual([0, 1]);
    }
  });
});

describe('int8DotExact', () => {
  it('trusts plain SIMD everywhere and relaxed SIMD from V8 12 on', () => {
    const module = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    expect(int8DotExact({ name: 'simd', module }, '11.3.244.8-node.38')).toBe(true);
    expect(int8DotExact({ name: 'relaxed-simd', module }, '11.3.244.8-node.38')).toBe(false);
    expect(int8DotExact({ name: 'relaxed-simd', module }, '12.4.254.21-node.57')).toBe(true);
    expect(int8DotExact({ name: 'relaxed-simd', module }, '13.6.233.17-node.53')).toBe(true);
  });
});
