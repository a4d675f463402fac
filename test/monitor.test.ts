import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpyMatrix } from '../src/io/npy.js';
import { createKnnEngine } from '../src/kernels/knn-engine.js';
import { mmdPermutationTest } from '../src/metrics/mmd.js';
import { populationShift } from '../src/metrics/population-shift.js';
import { seededRandom, shuffledIndices } from '../src/stats/random.js';
import { EXAMPLES, runCliProcess, tempDir } from './helpers.js';

const engine = createKnnEngine({ kernel: 'auto', threads: null })!;
afterAll(() => engine.close());

/** The digits example embeddings (1797 × 64, written by NumPy), rows scaled to unit length. */
async function unitRows(file: string): Promise<{ values: Float32Array; count: number; dim: number }> {
  const matrix = await readNpyMatrix(join(EXAMPLES, file), file, (length) => new Float32Array(length));
  const { rows: count, cols: dim, values } = matrix;
  for (let r = 0; r < count; r++) {
    let norm = 0;
    for (let t = 0; t < dim; t++) norm += values[r * dim + t]! ** 2;
    for (let t = 0; t < dim; t++) values[r * dim + t]! /= Math.sqrt(norm);
  }
  return { values, count, dim };
}

function subset(set: { values: Float32Array; dim: number }, rows: ArrayLike<number>): { values: Float32Array; count: number } {
  const values = new Float32Array(rows.length * set.dim);
  for (let i = 0; i < rows.length; i++) values.set(set.values.subarray(rows[i]! * set.dim, (rows[i]! + 1) * set.dim), i * set.dim);
  return { values, count: rows.length };
}

describe('the MMD² permutation test', () => {
  it('on two halves of one sample the false-alarm rate at α = 0.05 is near 5% (300 seeded splits: within 5% ± 3 standard errors)', async () => {
    const digits = await unitRows('reference.npy');
    const trials = 300;
    let alarms = 0;
    for (let trial = 0; trial < trials; trial++) {
      const random = seededRandom(1000 + trial);
      const order = shuffledIndices(digits.count, random);
      const half = Math.floor(digits.count / 2);
      const a = subset(digits, order.subarray(0, half));
      const b = subset(digits, order.subarray(half));
      const test = await mmdPermutationTest(engine, a, b, digits.dim, { sample: 150, permutations: 99, random });
      if (test.pValue < 0.05) alarms += 1;
    }
    // Binomial(300, 0.05): standard error 1.26%; 3 of them either side is 1.2%–8.8%.
    const rate = alarms / trials;
    expect(rate).toBeGreaterThanOrEqual(0.012);
    expect(rate).toBeLessThanOrEqual(0.088);
  }, 120_000);

  it('detects a shift (every item moved along one direction) in every seeded trial', async () => {
    const reference = await unitRows('reference.npy');
    const shifted = await unitRows('candidate-noise.npy');
    // Shift: the candidate moved along one direction (a drift of every item, as a new traffic mix would).
    for (let r = 0; r < shifted.count; r++) shifted.values[r * shifted.dim] = shifted.values[r * shifted.dim]! + 0.3;
    for (let trial = 0; trial < 20; trial++) {
      const random = seededRandom(trial);
      const test = await mmdPermutationTest(engine, reference, shifted, reference.dim, { sample: 150, permutations: 99, random });
      expect(test.pValue).toBeLessThan(0.05);
    }
  }, 60_000);

  it('the p-value is (1 + #{permuted ≥ observed}) / (1 + P) and the same seed gives the same result', async () => {
    const digits = await unitRows('reference.npy');
    const run = () => mmdPermutationTest(engine, subset(digits, Int32Array.from({ length: 300 }, (_, i) => i)), subset(digits, Int32Array.from({ length: 300 }, (_, i) => 300 + i)), digits.dim, { sample: 100, permutations: 49, random: seededRandom(7) });
    const [first, second] = [await run(), await run()];
    expect(first).toEqual(second);
    expect(Number.isInteger(first.pValue * 50)).toBe(true);
    expect(first.pValue).toBeGreaterThanOrEqual(1 / 50);
  });
});

describe('population shift', () => {
  it('PSI and χ² by their formulas; equal shares give 0', () => {
    expect(populationShift([50, 50], [50, 50])).toEqual({ psi: 0, chiSquare: 0, degreesOfFreedom: 1 });
    const shift = populationShift([80, 20], [50, 50]);
    expect(shift.psi).toBeCloseTo((0.5 - 0.8) * Math.log(0.5 / 0.8) + (0.5 - 0.2) * Math.log(0.5 / 0.2), 12);
    expect(shift.chiSquare).toBeCloseTo((50 - 80) ** 2 / 80 + (50 - 20) ** 2 / 20, 12);
  });
});

describe('embedding-gate monitor, run as a process', () => {
  it('the same distribution passes; a shifted one fails on PSI and the inter-centroid distance; a dimension mismatch says to use compare', () => {
    const same = runCliProcess(['monitor', '--reference', join(EXAMPLES, 'reference.npy'), '--current', join(EXAMPLES, 'candidate-noise.npy'), '--format', 'json'], tempDir());
    expect(same.code, same.stderr).toBe(0);
    const passed = JSON.parse(same.stdout);
    expect(passed).toMatchObject({ kind: 'monitor', verdict: { status: 'pass', breaches: [] }, reference: { count: 1797, dim: 64 } });
    expect(passed.population.psi).toBeLessThan(0.01);
    expect(passed.mmd.pValue).toBeGreaterThan(0.05);
    expect(passed.clusters).toHaveLength(8);

    const shifted = runCliProcess(['monitor', '--reference', join(EXAMPLES, 'reference.npy'), '--current', join(EXAMPLES, 'candidate-patch.jsonl')], tempDir());
    expect(shifted.code).toBe(1);
    expect(shifted.stdout).toMatch(/^embedding-gate monitor: FAIL/);
    expect(shifted.stdout).toMatch(/✗ fail {2}population stability index \(cluster shares\) \d+\.\d{4} is past the fail limit 0\.25/);
    expect(shifted.stdout).toMatch(/! warn {2}the current items are not distributed like the reference: MMD² permutation test p = 0\.0010 < α = 0\.05/);

    const mismatch = runCliProcess(['monitor', '--reference', join(EXAMPLES, 'reference.npy'), '--current', join(EXAMPLES, 'candidate-major.npy')], tempDir());
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/candidate-major\.npy has 96 dimensions and .*reference\.npy has 64: monitor compares items in one model space\. To compare two models, use embedding-gate compare\./);
  });
});
