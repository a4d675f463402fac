/** The index of an empty slot in a top-k list (its score is −∞). */
export const EMPTY_SLOT = 0x7fffffff;

/**
 * Keeps, for each of `lists` queries, the `k` best (score, index) candidates, best first.
 * Order: higher score first; equal scores by lower index (the tie rule of every kNN metric).
 * Storage is two flat typed arrays (lists × k).
 */
export class TopKLists {
  readonly scores: Float64Array;
  readonly indices: Int32Array;
  /**
   * The k-th best score of each list (−∞ until it is full): a candidate scoring below it can be
   * skipped without calling offer, which the hot loops check inline.
   */
  readonly worst: Float64Array;

  constructor(
    readonly lists: number,
    readonly k: number,
  ) {
    this.scores = new Float64Array(lists * k).fill(-Infinity);
    this.indices = new Int32Array(lists * k).fill(EMPTY_SLOT);
    this.worst = new Float64Array(lists).fill(-Infinity);
  }

  /** Offers candidate `index` with `score` to list `list`; keeps it only if it ranks in the top k. */
  offer(list: number, score: number, index: number): void {
    const { scores, indices } = this;
    const base = list * this.k;
    let p = base + this.k - 1;
    const worst = scores[p] as number;
    if (score < worst || (score === worst && index > (indices[p] as number))) return;
    while (p > base) {
      const above = scores[p - 1] as number;
      if (above > score || (above === score && (indices[p - 1] as number) < index)) break;
      scores[p] = above;
      indices[p] = indices[p - 1] as number;
      p -= 1;
    }
    scores[p] = score;
    indices[p] = index;
    this.worst[list] = scores[base + this.k - 1] as number;
  }

  /** The best-first indices of list `list` (a view, not a copy). */
  neighbours(list: number): Int32Array {
    return this.indices.subarray(list * this.k, (list + 1) * this.k);
  }
}

/**
 * Merges the workers' top-k lists of the same `lists` rows (each best first, over disjoint
 * candidates, unused slots −∞ / EMPTY_SLOT) into one top-k per row, by the same order as
 * TopKLists (higher score, then lower index): a k-way merge of sorted lists.
 */
export function mergeTopK(parts: ReadonlyArray<{ readonly indices: Int32Array; readonly scores: Float64Array }>, lists: number, k: number): { indices: Int32Array; scores: Float64Array } {
  if (parts.length === 1) return parts[0] as { indices: Int32Array; scores: Float64Array };
  const indices = new Int32Array(lists * k).fill(EMPTY_SLOT);
  const scores = new Float64Array(lists * k).fill(-Infinity);
  const heads = new Int32Array(parts.length);
  for (let list = 0; list < lists; list++) {
    const base = list * k;
    heads.fill(0);
    for (let slot = 0; slot < k; slot++) {
      let best = -1;
      let bestScore = -Infinity;
      let bestIndex = EMPTY_SLOT;
      for (let w = 0; w < parts.length; w++) {
        const head = heads[w] as number;
        if (head >= k) continue;
        const part = parts[w] as { indices: Int32Array; scores: Float64Array };
        const index = part.indices[base + head] as number;
        if (index === EMPTY_SLOT) continue;
        const score = part.scores[base + head] as number;
        if (best < 0 || score > bestScore || (score === bestScore && index < bestIndex)) {
          best = w;
          bestScore = score;
          bestIndex = index;
        }
      }
      if (best < 0) break;
      heads[best] = (heads[best] as number) + 1;
      scores[base + slot] = bestScore;
      indices[base + slot] = bestIndex;
    }
  }
  return { indices, scores };
}
