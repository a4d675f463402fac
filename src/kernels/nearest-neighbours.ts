import { QUERY_GROUP, scoreBlock } from './score-block.js';
import { TopKLists } from './top-k.js';

/** Items scored per block: keeps the score tile (4 × ITEM_BLOCK float64) in L1/L2. */
const ITEM_BLOCK = 1024;

/**
 * Exact k nearest neighbours by inner product (cosine for unit rows) within one matrix, self
 * excluded, ties broken by the lower row index.
 *
 * `vectors` is `count × dim` row-major. With `queryRows = null` every row is a query and each
 * unordered pair is scored once (half the work: s(i, j) = s(j, i) bit for bit); otherwise only
 * the given rows are queries and all rows are candidates. Returns `queries × k` neighbour rows,
 * best first. Cost: count² · dim MACs / 2 (all) or |queries| · count · dim MACs (subset).
 */
export function nearestNeighbours(
  vectors: Float32Array,
  count: number,
  dim: number,
  k: number,
  queryRows: Int32Array | null,
): Int32Array {
  if (k < 1 || k >= count) throw new RangeError(`k = ${k} must be between 1 and count − 1 = ${count - 1}`);
  const tile = new Float64Array(QUERY_GROUP * ITEM_BLOCK);
  if (queryRows === null) {
    const lists = new TopKLists(count, k);
    for (let g = 0; g < count; g += QUERY_GROUP) {
      const rows = groupRows(g, Math.min(g + QUERY_GROUP, count));
      for (let start = g; start < count; start += ITEM_BLOCK) {
        const end = Math.min(start + ITEM_BLOCK, count);
        scoreBlock(vectors, rows[0], rows[1], rows[2], rows[3], vectors, start, end, dim, tile, ITEM_BLOCK);
        for (let slot = 0; slot < QUERY_GROUP && g + slot < count; slot++) {
          const query = g + slot;
          const from = Math.max(start, query + 1);
          const offset = slot * ITEM_BLOCK - start;
          for (let j = from; j < end; j++) {
            const score = tile[offset + j] as number;
            lists.offer(query, score, j);
            lists.offer(j, score, query);
          }
        }
      }
    }
    return lists.indices;
  }
  const lists = new TopKLists(queryRows.length, k);
  for (let g = 0; g < queryRows.length; g += QUERY_GROUP) {
    const last = Math.min(g + QUERY_GROUP, queryRows.length) - 1;
    const pick = (slot: number): number => queryRows[Math.min(g + slot, last)] as number;
    for (let start = 0; start < count; start += ITEM_BLOCK) {
      const end = Math.min(start + ITEM_BLOCK, count);
      scoreBlock(vectors, pick(0), pick(1), pick(2), pick(3), vectors, start, end, dim, tile, ITEM_BLOCK);
      for (let slot = 0; g + slot <= last; slot++) {
        const list = g + slot;
        const query = queryRows[list] as number;
        const offset = slot * ITEM_BLOCK - start;
        for (let j = start; j < end; j++) {
          if (j !== query) lists.offer(list, tile[offset + j] as number, j);
        }
      }
    }
  }
  return lists.indices;
}

/** Row indices of a query group, padded by repeating the last row. */
function groupRows(start: number, end: number): [number, number, number, number] {
  const at = (slot: number): number => Math.min(start + slot, end - 1);
  return [at(0), at(1), at(2), at(3)];
}
