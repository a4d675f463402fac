import type { KnnEngine } from '../kernels/knn-engine.js';
import { quantileSorted, sortedCopy } from '../stats/quantile.js';
import type { RandomSource } from '../stats/random.js';
import { bootstrapMeanInterval } from './bootstrap.js';
import type { AlignedMatrices } from './types.js';
import { allRows } from '../core/all-rows.js';

/** How many lowest-overlap items the report lists. */
export const WORST_ITEMS = 10;

/** Per-item kNN overlap, for the evaluated query rows (aligned row indices, ascending). */
export interface KnnOverlapDetail {
  readonly k: number;
  readonly queryRows: Int32Array;
  readonly overlaps: Float64Array;
  /** `queries × k` neighbour rows in the reference space, best first. */
  readonly referenceNeighbours: Int32Array;
  /** `queries × k` neighbour rows in the candidate space, best first. */
  readonly candidateNeighbours: Int32Array;
}

/** Summary statistics of the kNN overlap. */
export interface KnnOverlapSummary {
  readonly k: number;
  readonly method: 'exact' | 'sampled';
  readonly evaluated: number;
  readonly mean: number;
  readonly p10: number;
  readonly p50: number;
  readonly min: number;
  /** 95% percentile-bootstrap interval of the mean when sampled; `null` when exact. */
  readonly ci95: readonly [number, number] | null;
  /** histogram[j] = evaluated items that kept exactly j of their k neighbours (overlap j/k), j = 0 … k. */
  readonly histogram: readonly number[];
  /** Positions (into the detail arrays) of the lowest-overlap items below 1, lowest first, ties by row. */
  readonly worstPositions: readonly number[];
}

/**
 * kNN neighbourhood overlap (Wendlandt et al. 2018): for each evaluated item i,
 * overlap_i = |NN_R(i) ∩ NN_C(i)| / k, where NN_X(i) are the k most cosine-similar *other*
 * items in space X (self excluded, ties by lower row). Range [0, 1]; 1 means every item kept all
 * its neighbours. `queryRows = null` evaluates every item (exact); neighbours are always searched
 * over all items. Cost: two exact kNN searches, O(q · n · d), run by `engine`.
 */
export async function knnOverlap(engine: KnnEngine, matrices: AlignedMatrices, k: number, queryRows: Int32Array | null): Promise<KnnOverlapDetail> {
  const { count } = matrices;
  const rows = queryRows ?? allRows(count);
  const referenceNeighbours = await engine.nearestNeighbours(matrices.reference, count, matrices.referenceDim, k, queryRows, 'kNN in the reference space');
  const candidateNeighbours = await engine.nearestNeighbours(matrices.candidate, count, matrices.candidateDim, k, queryRows, 'kNN in the candidate space');
  const overlaps = new Float64Array(rows.length);
  const mark = new Int32Array(count).fill(-1);
  for (let q = 0; q < rows.length; q++) {
    const base = q * k;
    for (let t = 0; t < k; t++) mark[referenceNeighbours[base + t] as number] = q;
    let shared = 0;
    for (let t = 0; t < k; t++) if (mark[candidateNeighbours[base + t] as number] === q) shared += 1;
    overlaps[q] = shared / k;
  }
  return { k, queryRows: rows, overlaps, referenceNeighbours, candidateNeighbours };
}

/**
 * Mean, 10th and 50th percentiles (linear interpolation), minimum, the lowest-overlap items, and —
 * when the queries were a sample — a 95% bootstrap interval of the mean.
 */
export function summariseKnnOverlap(detail: Pick<KnnOverlapDetail, 'k' | 'overlaps'>, sampled: boolean, random: RandomSource): KnnOverlapSummary {
  const sorted = sortedCopy(detail.overlaps);
  let sum = 0;
  for (const value of detail.overlaps) sum += value;
  const positions = Array.from(detail.overlaps.keys()).filter((position) => (detail.overlaps[position] as number) < 1);
  positions.sort((a, b) => (detail.overlaps[a] as number) - (detail.overlaps[b] as number) || a - b);
  return {
    k: detail.k,
    method: sampled ? 'sampled' : 'exact',
    evaluated: detail.overlaps.length,
    mean: sum / detail.overlaps.length,
    p10: quantileSorted(sorted, 0.1),
    p50: quantileSorted(sorted, 0.5),
    min: sorted[0] as number,
    ci95: sampled ? bootstrapMeanInterval(detail.overlaps, random) : null,
    histogram: overlapHistogram(detail.overlaps, detail.k),
    worstPositions: positions.slice(0, WORST_ITEMS),
  };
}

/** Counts of items by shared neighbours: histogram[j] = #{i : round(overlap_i · k) = j}, j = 0 … k. */
export function overlapHistogram(overlaps: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < overlaps.length; i++) {
    const shared = Math.round((overlaps[i] as number) * k);
    counts[shared] = (counts[shared] ?? 0) + 1;
  }
  return counts;
}
