import { allReached, capRanks } from './knn-tasks.js';
import { QUERY_GROUP, rowDot, scoreBlock } from './score-block.js';

const ITEM_BLOCK = 1024;

/**
 * For each query row i (of `queries`, `count × dim`), the rank of its own partner row i among all
 * rows of `items` (`count × dim`) by inner product: the number of rows j with s(i, j) > s(i, i),
 * or s(i, j) = s(i, i) and j < i (ties go to the lower row). Rank 0 means the partner is the top hit.
 * Ranks are exact below `cap`; a rank that reaches it is reported as `cap`, and a group of queries
 * that all reached it skips the remaining item blocks. `queryRows` limits the queries (null: all).
 * Cost: at most |queries| · count · dim MACs.
 */
export function partnerRanks(
  queries: Float32Array,
  items: Float32Array,
  count: number,
  dim: number,
  queryRows: Int32Array | null,
  cap: number,
): Int32Array {
  const rows = queryRows ?? Int32Array.from({ length: count }, (_, i) => i);
  const ranks = new Int32Array(rows.length);
  const target = new Float64Array(QUERY_GROUP);
  const tile = new Float64Array(QUERY_GROUP * ITEM_BLOCK);
  for (let g = 0; g < rows.length; g += QUERY_GROUP) {
    const last = Math.min(g + QUERY_GROUP, rows.length) - 1;
    const pick = (slot: number): number => rows[Math.min(g + slot, last)] as number;
    for (let slot = 0; g + slot <= last; slot++) target[slot] = rowDot(queries, pick(slot), items, pick(slot), dim);
    for (let start = 0; start < count; start += ITEM_BLOCK) {
      if (allReached(ranks, g, last, cap)) break;
      const end = Math.min(start + ITEM_BLOCK, count);
      scoreBlock(queries, pick(0), pick(1), pick(2), pick(3), items, start, end, dim, tile, ITEM_BLOCK);
      for (let slot = 0; g + slot <= last; slot++) {
        const own = pick(slot);
        const bar = target[slot] as number;
        const offset = slot * ITEM_BLOCK - start;
        let above = 0;
        for (let j = start; j < end; j++) {
          const score = tile[offset + j] as number;
          if (score > bar || (score === bar && j < own)) above += 1;
        }
        ranks[g + slot] = (ranks[g + slot] as number) + above;
      }
    }
  }
  return capRanks(ranks, cap);
}
