// The false-alarm rate of the monitor's MMD² permutation test (bundled and run by scripts/bench.mjs):
// 1,000 seeded random splits of the digits example into two halves, 150 items of each, 199
// permutations; every p < α is a false alarm, since both halves come from one sample.
import { join } from 'node:path';
import { readNpyMatrix } from '../src/io/npy.js';
import { createKnnEngine } from '../src/kernels/knn-engine.js';
import { mmdPermutationTest } from '../src/metrics/mmd.js';
import { seededRandom, shuffledIndices } from '../src/stats/random.js';

const matrix = readNpyMatrix(join('examples', 'digits', 'reference.npy'), 'reference.npy');
const { rows: count, cols: dim, values } = matrix;
for (let r = 0; r < count; r++) {
  let norm = 0;
  for (let t = 0; t < dim; t++) norm += values[r * dim + t]! ** 2;
  for (let t = 0; t < dim; t++) values[r * dim + t]! /= Math.sqrt(norm);
}
const engine = createKnnEngine({ kernel: 'auto', threads: null })!;
const subset = (rows: Int32Array) => {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => out.set(values.subarray(row * dim, (row + 1) * dim), i * dim));
  return { values: out, count: rows.length };
};
const trials = 1000;
const alphas = [0.01, 0.05, 0.1];
const alarms = alphas.map(() => 0);
for (let trial = 0; trial < trials; trial++) {
  const random = seededRandom(50_000 + trial);
  const order = shuffledIndices(count, random);
  const half = Math.floor(count / 2);
  const test = await mmdPermutationTest(engine, subset(order.subarray(0, half)), subset(order.subarray(half)), dim, { sample: 150, permutations: 199, random });
  alphas.forEach((alpha, i) => {
    if (test.pValue < alpha) alarms[i]! += 1;
  });
}
await engine.close();
console.log(`\n| α | false alarms in ${trials} same-distribution splits | rate | binomial 95% band |\n| ---: | ---: | ---: | --- |`);
alphas.forEach((alpha, i) => {
  const se = Math.sqrt((alpha * (1 - alpha)) / trials);
  console.log(`| ${alpha} | ${alarms[i]} | ${((100 * alarms[i]!) / trials).toFixed(1)}% | ${(100 * (alpha - 1.96 * se)).toFixed(1)}%–${(100 * (alpha + 1.96 * se)).toFixed(1)}% |`);
});
