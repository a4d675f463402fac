import type { KnnEngine } from '../kernels/knn-engine.js';
import { partnerScoreError } from '../kernels/knn-tasks.js';
import { dividedBy } from '../kernels/matrix-products.js';

/** Lloyd iterations at most; the fit stops earlier as soon as no assignment changes. */
export const KMEANS_MAX_ITERATIONS = 100;

/**
 * Seeded k-means (Lloyd 1982, k-means++ seeding: Arthur & Vassilvitskii 2007) of the rows of
 * `values` (count × dim, unit rows), fitted on `fitRows` and then assigning every row; returns each
 * row's cluster 0 … k−1.
 *
 * The assignment steps run on the engine's kernel: s_c = ‖μ_c‖² − 2⟨x, μ_c⟩ for every row and
 * centre. The decision is the exact one (float64 sums in dimension order, ties to the lower centre)
 * whatever the kernel: a row whose two nearest centres are closer than the kernel's error bound
 * (float32 sums and the centres rounded to float32) is decided again in float64. So the clusters
 * are the same for every kernel and thread count. Centres are updated in float64; an empty cluster
 * keeps its centre. Cost per iteration: |fitRows| · k · dim on the engine.
 */
export async function kmeansAssignments(engine: KnnEngine, values: Float32Array, count: number, dim: number, k: number, fitRows: Int32Array, random: () => number): Promise<Int32Array> {
  return (await kmeansFit(engine, values, count, dim, k, fitRows, random)).assignment;
}

/** kmeansAssignments, also returning the fitted centres (k × dim, float64 means of their fit rows). */
export async function kmeansFit(
  engine: KnnEngine,
  values: Float32Array,
  count: number,
  dim: number,
  k: number,
  fitRows: Int32Array,
  random: () => number,
): Promise<{ assignment: Int32Array; centres: Float64Array }> {
  const centres = seedCentres(engine, values, dim, k, fitRows, random);
  const onEngine = engine.allocate(k * dim);
  let assignment = await assignToCentres(engine, values, count, dim, centres, fitRows, onEngine);
  for (let iteration = 1; iteration < KMEANS_MAX_ITERATIONS; iteration++) {
    updateCentres(engine, values, dim, k, fitRows, assignment, centres);
    const next = await assignToCentres(engine, values, count, dim, centres, fitRows, onEngine);
    const changed = next.some((cluster, p) => cluster !== assignment[p]);
    assignment = next;
    if (!changed) break;
  }
  return { assignment: await assignToCentres(engine, values, count, dim, centres, null, onEngine), centres };
}

/**
 * The nearest of the `centres` (k × dim, float64) for each of `rows` (null: all) of `values`:
 * argmin ‖μ_c‖² − 2⟨x, μ_c⟩, ties to the lower centre. The kernel scores every row; a row whose two
 * nearest centres are closer than the kernel's error bound is decided again in float64, so the
 * result is exact whatever the kernel. `onEngine` is engine memory for the centres (k × dim).
 */
export async function assignToCentres(engine: KnnEngine, values: Float32Array, count: number, dim: number, centres: Float64Array, rows: Int32Array | null, onEngine = engine.allocate(centres.length)): Promise<Int32Array> {
  const k = centres.length / dim;
  const norms = new Float64Array(k);
  // |s_kernel − s_exact| ≤ 2·(γ_d + u)·‖x‖·‖μ‖ for each centre; a gap above twice that decides.
  const certain = 4 * (partnerScoreError(dim) + 2 ** -24) * 1.01;
  onEngine.set(centres);
  for (let c = 0; c < k; c++) norms[c] = dot(centres, c, centres, c, dim);
  const { best, gap } = await engine.nearestCentroids(values, count, dim, onEngine, norms, rows);
  for (let p = 0; p < best.length; p++) {
    if ((gap[p] as number) <= certain) best[p] = exactNearest(values, rows ? (rows[p] as number) : p, centres, norms, k, dim);
  }
  return best;
}

/** Σ_t a[ia·dim + t]·b[ib·dim + t] in float64, in dimension order. */
function dot(a: ArrayLike<number>, ia: number, b: ArrayLike<number>, ib: number, dim: number): number {
  let sum = 0;
  for (let t = 0; t < dim; t++) sum += (a[ia * dim + t] as number) * (b[ib * dim + t] as number);
  return sum;
}

/** The exact nearest centre of `row`: argmin ‖μ_c‖² − 2⟨x, μ_c⟩ in float64, ties to the lower c. */
function exactNearest(values: Float32Array, row: number, centres: Float64Array, norms: Float64Array, k: number, dim: number): number {
  let best = 0;
  let bestScore = Infinity;
  for (let c = 0; c < k; c++) {
    const value = (norms[c] as number) - 2 * dot(values, row, centres, c, dim);
    if (value < bestScore) {
      bestScore = value;
      best = c;
    }
  }
  return best;
}

/**
 * k-means++: the first centre a uniformly drawn fit row, each next one drawn with probability
 * proportional to its squared distance to the nearest centre so far (float64, the engine's
 * squaredDistances: the same bits on every engine), from `random`.
 */
function seedCentres(engine: KnnEngine, values: Float32Array, dim: number, k: number, fitRows: Int32Array, random: () => number): Float64Array {
  const m = fitRows.length;
  const centres = new Float64Array(k * dim);
  const nearest = new Float64Array(m).fill(Infinity);
  let chosen = fitRows[Math.min(m - 1, Math.floor(random() * m))] as number;
  for (let c = 0; c < k; c++) {
    for (let t = 0; t < dim; t++) centres[c * dim + t] = values[chosen * dim + t] as number;
    if (c === k - 1) break;
    const distances = engine.squaredDistances(values, dim, fitRows, centres.subarray(c * dim, (c + 1) * dim));
    let total = 0;
    for (let p = 0; p < m; p++) {
      if ((distances[p] as number) < (nearest[p] as number)) nearest[p] = distances[p] as number;
      total += nearest[p] as number;
    }
    let target = random() * total;
    let pick = m - 1;
    for (let p = 0; p < m; p++) {
      target -= nearest[p] as number;
      if (target < 0) {
        pick = p;
        break;
      }
    }
    chosen = fitRows[pick] as number;
  }
  return centres;
}

/** Each centre becomes the float64 mean of its fit rows (the engine's rowSums, in fit-row order); an empty cluster keeps its centre. */
function updateCentres(engine: KnnEngine, values: Float32Array, dim: number, k: number, fitRows: Int32Array, assignment: Int32Array, centres: Float64Array): void {
  const sizes = new Int32Array(k);
  for (let p = 0; p < fitRows.length; p++) sizes[assignment[p] as number] = (sizes[assignment[p] as number] as number) + 1;
  const members = Array.from(sizes, (size) => new Int32Array(size));
  sizes.fill(0);
  for (let p = 0; p < fitRows.length; p++) {
    const c = assignment[p] as number;
    (members[c] as Int32Array)[sizes[c] as number] = fitRows[p] as number;
    sizes[c] = (sizes[c] as number) + 1;
  }
  members.forEach((rows, c) => {
    if (rows.length === 0) return;
    centres.set(dividedBy(engine.rowSums(values, dim, rows), rows.length), c * dim);
  });
}
