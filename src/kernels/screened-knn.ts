/**
 * Exact kNN with an integer screen. The full float32 scan costs count² · dim / 2 multiply-adds;
 * the int16 kernel does the same pass about 1.6× faster, and a WebAssembly filter spares the
 * JavaScript loop most of the tile. The screen keeps each row's K = k + SCREEN_SLACK best
 * candidates by the integer score (quantise.ts), whose distance to the float32 score s is at most
 * B_i for every pair of row i (both in integer units). With A_k and A_K the k-th and K-th
 * best approx of row i:
 * - each of the k best by approx has s ≥ A_k − B_i, so the k-th best s is at least A_k − B_i;
 * - a row outside the K kept has s ≤ A_K + B_i.
 * So when A_K + B_i < A_k − B_i, the exact top k is among the kept candidates with approx ≥
 * A_k − 2B_i, and rescoring just those with the float32 kernel gives the full scan's answer bit
 * for bit (same scores, same tie rule). A row that fails the test is scanned in full.
 */
import { EMPTY_SLOT } from './top-k.js';

/** How many candidates beyond k the integer screen keeps. */
export const SCREEN_SLACK = 16;

/** The rows the screen settled, with the candidates to rescore, and the rows it did not. */
export interface ScreenOutcome {
  /** List positions settled by the screen. */
  readonly settled: Int32Array;
  /** settled.length × width candidate rows to rescore (EMPTY_SLOT where unused). */
  readonly candidates: Int32Array;
  /** List positions that need the full scan. */
  readonly unsettled: Int32Array;
}

/**
 * Applies the test above to each list p (of row rowOf(p)) of the screen's K best (`scores`,
 * `indices`: lists × width, best first; −∞ / EMPTY_SLOT where a list is not full).
 */
export function settleScreen(scores: Float64Array, indices: Int32Array, width: number, k: number, bound: Float64Array, rowOf: (list: number) => number): ScreenOutcome {
  const lists = scores.length / width;
  const settled: number[] = [];
  const unsettled: number[] = [];
  const candidates: number[] = [];
  for (let p = 0; p < lists; p++) {
    const base = p * width;
    const kth = scores[base + k - 1] as number;
    const last = scores[base + width - 1] as number;
    const margin = 2 * (bound[rowOf(p)] as number);
    // A list that is not full holds every other row already.
    const certain = last === -Infinity || last < kth - margin;
    if (!certain) {
      unsettled.push(p);
      continue;
    }
    settled.push(p);
    for (let t = 0; t < width; t++) {
      const keep = indices[base + t] !== EMPTY_SLOT && (t < k || (scores[base + t] as number) >= kth - margin);
      candidates.push(keep ? (indices[base + t] as number) : EMPTY_SLOT);
    }
  }
  return { settled: Int32Array.from(settled), candidates: Int32Array.from(candidates), unsettled: Int32Array.from(unsettled) };
}
