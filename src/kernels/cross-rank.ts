import { capRanks, certifiedBy, partnerScoreError, scanPartnerRanks } from './knn-tasks.js';
import { QUERY_GROUP, rowDot, scoreBlock } from './score-block.js';
import { allRows } from '../core/all-rows.js';

const ITEM_BLOCK = 1024;

/**
 * For each query row i (of `queries`, `count × dim`), the rank of its own partner row i among all
 * rows of `items` (`count × dim`) by inner product: the number of rows j with s(i, j) > s(i, i),
 * or s(i, j) = s(i, i) and j < i (ties go to the lower row). Rank 0 means the partner is the top hit.
 * Ranks are exact below `cap`; a rank that reaches it is reported as `cap`. The same two rules as
 * partnerRankTask spare the full scan without changing a result: with `hints` (each query's k
 * nearest item rows to its partner), a query whose bound certifies that only those rows can beat
 * the partner scores just them; and a query that reached `cap` skips the remaining item blocks
 * (scanPartnerRanks). `queryRows` limits the queries (null: all). Cost: at most |queries| · count · dim MACs.
 */
export function partnerRanks(
  queries: Float32Array,
  items: Float32Array,
  count: number,
  dim: number,
  queryRows: Int32Array | null,
  cap: number,
  hints: { readonly lists: Int32Array; readonly k: number } | null = null,
): Int32Array {
  const rows = queryRows ?? allRows(count);
  const ranks = new Int32Array(rows.length);
  const own = new Float64Array(rows.length);
  // float64 sums of float32 products: the error bound of partnerScoreError with u = 2⁻⁵³.
  const margin = partnerScoreError(dim, 2 ** -53);
  const scan: number[] = [];
  const single = new Float64Array(QUERY_GROUP);
  for (let position = 0; position < rows.length; position++) {
    const i = rows[position] as number;
    const bar = rowDot(queries, i, items, i, dim);
    own[position] = bar;
    if (hints && certifiedByHints(queries, items, i, dim, hints, position, bar, margin)) {
      let above = 0;
      for (let t = 0; t < hints.k; t++) {
        const j = hints.lists[position * hints.k + t] as number;
        // The scan's own kernel for a rival's score, so ties fall exactly as they would there.
        scoreBlock(queries, i, i, i, i, items, j, j + 1, dim, single, 1);
        const value = single[0] as number;
        if (value > bar || (value === bar && j < i)) above += 1;
      }
      ranks[position] = above;
    } else scan.push(position);
  }
  const tile = new Float64Array(QUERY_GROUP * ITEM_BLOCK);
  const rowOf = (position: number): number => rows[position] as number;
  const scoreGroup = (group: readonly number[], start: number, end: number): void => {
    const pick = (slot: number): number => rowOf(group[Math.min(slot, group.length - 1)] as number);
    scoreBlock(queries, pick(0), pick(1), pick(2), pick(3), items, start, end, dim, tile, ITEM_BLOCK);
  };
  scanPartnerRanks(scan, count, ITEM_BLOCK, cap, { ranks, own, rowOf }, scoreGroup, tile, () => undefined);
  return capRanks(ranks, cap);
}

/** certified() of knn-tasks.ts for plain arrays: only the listed rows can beat query i's partner. */
export function certifiedByHints(queries: Float32Array, items: Float32Array, i: number, dim: number, hints: { readonly lists: Int32Array; readonly k: number }, position: number, bar: number, margin: number): boolean {
  if (hints.k === 0) return false;
  const kth = rowDot(items, i, items, hints.lists[position * hints.k + hints.k - 1] as number, dim);
  if (!(kth + 3 * margin < bar)) return false;
  let sum = 0;
  for (let c = 0; c < dim; c++) {
    const diff = (queries[i * dim + c] as number) - (items[i * dim + c] as number);
    sum += diff * diff;
  }
  return certifiedBy(kth, Math.sqrt(sum), bar, margin);
}
