import type { KnnEngine } from '../kernels/knn-engine.js';
import { quantileSorted, sortedCopy } from '../stats/quantile.js';
import { sampleIndices, type RandomSource } from '../stats/random.js';

/** The two-sample test of a monitor run. */
export interface MmdTest {
  /** MMD² (biased V-statistic) between the two samples with an RBF kernel. */
  readonly mmd2: number;
  /** σ of k(x, y) = exp(−‖x − y‖² / (2σ²)): the median pairwise distance of the pooled sample. */
  readonly bandwidth: number;
  /** (1 + #{permuted MMD² ≥ observed}) / (1 + permutations). */
  readonly pValue: number;
  readonly permutations: number;
  /** Items of each side in the test (a seeded sample of each, at most the configured size). */
  readonly referenceSample: number;
  readonly currentSample: number;
}

/**
 * Kernel two-sample test (Gretton et al. 2012) with a real null distribution:
 * - a seeded sample of each side (at most `sample` rows each) is pooled: Z = [X; Y], N = m + n;
 * - Gram matrix G = ZZᵀ on the engine, D²_ij = G_ii + G_jj − 2G_ij, σ² = median_{i<j} D²_ij / 2
 *   (the median heuristic: σ is the median distance), K_ij = exp(−D²_ij / (2σ²));
 * - MMD²_b = wᵀKw with w_i = 1/m on X and −1/n on Y, i.e. mean K_XX + mean K_YY − 2 mean K_XY;
 * - the null: the same statistic for `permutations` seeded relabellings of Z, all at once as K·W
 *   on the engine (N² · (P + 1) multiply-adds); p = (1 + #{MMD²_perm ≥ MMD²_obs}) / (1 + P).
 * Permuting the pooled labels, not bootstrapping one side, is what makes the p-value calibrated.
 */
export async function mmdPermutationTest(
  engine: KnnEngine,
  reference: { values: Float32Array; count: number },
  current: { values: Float32Array; count: number },
  dim: number,
  options: { sample: number; permutations: number; random: RandomSource },
): Promise<MmdTest> {
  const xRows = sampleIndices(reference.count, Math.min(options.sample, reference.count), options.random);
  const yRows = sampleIndices(current.count, Math.min(options.sample, current.count), options.random);
  const m = xRows.length;
  const n = yRows.length;
  const total = m + n;
  // Zᵀ (dim × N), so that the engine's AᵀB with A = B = Zᵀ gives the N × N Gram matrix.
  const zT = engine.allocate(dim * total);
  const put = (values: Float32Array, row: number, column: number) => {
    for (let t = 0; t < dim; t++) zT[t * total + column] = values[row * dim + t] as number;
  };
  xRows.forEach((row, i) => put(reference.values, row, i));
  yRows.forEach((row, j) => put(current.values, row, m + j));
  const gram = await engine.crossProduct(zT, total, zT, total, dim);
  const squared = new Float64Array((total * (total - 1)) / 2);
  let at = 0;
  for (let i = 0; i < total; i++) {
    for (let j = i + 1; j < total; j++) squared[at++] = Math.max(0, gram[i * total + i]! + gram[j * total + j]! - 2 * gram[i * total + j]!);
  }
  const medianSquared = quantileSorted(sortedCopy(squared), 0.5);
  const twoSigmaSquared = medianSquared > 0 ? medianSquared : 1;
  const kernel = engine.allocate(total * total);
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < total; j++) {
      const d2 = Math.max(0, gram[i * total + i]! + gram[j * total + j]! - 2 * gram[i * total + j]!);
      kernel[i * total + j] = Math.exp(-d2 / twoSigmaSquared);
    }
  }
  // Column 0: the observed labels; columns 1…P: seeded permutations of them.
  const columns = options.permutations + 1;
  const weights = engine.allocate(total * columns);
  const labels = Float64Array.from({ length: total }, (_, i) => (i < m ? 1 / m : -1 / n));
  for (let p = 0; p < columns; p++) {
    if (p > 0) shuffle(labels, options.random);
    for (let i = 0; i < total; i++) weights[i * columns + p] = labels[i]!;
  }
  const kw = await engine.crossProduct(kernel, total, weights, columns, total);
  const statistic = (p: number) => {
    let sum = 0;
    for (let i = 0; i < total; i++) sum += weights[i * columns + p]! * kw[i * columns + p]!;
    return sum;
  };
  const observed = statistic(0);
  let atLeast = 0;
  for (let p = 1; p < columns; p++) if (statistic(p) >= observed) atLeast += 1;
  return {
    mmd2: observed,
    bandwidth: Math.sqrt(twoSigmaSquared / 2),
    pValue: (1 + atLeast) / columns,
    permutations: options.permutations,
    referenceSample: m,
    currentSample: n,
  };
}

/** Fisher–Yates shuffle in place, from `random`. */
function shuffle(values: Float64Array, random: RandomSource): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = values[i]!;
    values[i] = values[j]!;
    values[j] = swap;
  }
}
