import { QUERY_GROUP } from './score-block.js';
import { TopKLists } from './top-k.js';

/** Items scored per kernel call; the f32 tile is QUERY_GROUP × ITEM_BLOCK. */
export const ITEM_BLOCK = 1024;

/** The kernel export: f32 scores of 4 query rows × items [start, end) into a tile (see score-kernel.wat). */
export type ScoreBlock = (q0: number, q1: number, q2: number, q3: number, items: number, start: number, end: number, dim: number, out: number, stride: number) => void;

/** Where one task's data lives in the shared memory (byte addresses) and its shape. */
export interface MatrixRef {
  readonly address: number;
  readonly count: number;
  readonly dim: number;
}

/** Reports progress: `done` of `total` units of work. */
export type ProgressTick = (done: number) => void;

/**
 * Top-k neighbours (self excluded, ties to the lower row) for the query groups this worker owns.
 * Symmetric mode (`queryRows = null`): this worker owns groups g = part, part + parts, … of the
 * rows; each pair (i, j > i) of its groups is scored once and offered to both rows' lists, so the
 * returned lists cover all rows and are merged across workers. Subset mode: the given query rows
 * (a slice of the sample) against all rows. Returns the lists (rows × k, or queries × k).
 */
export function topKTask(
  score: ScoreBlock,
  heap: () => ArrayBuffer | SharedArrayBuffer,
  matrix: MatrixRef,
  k: number,
  queryRows: Int32Array | null,
  part: number,
  parts: number,
  tileAddress: number,
  tick: ProgressTick,
): TopKLists {
  const { address, count, dim } = matrix;
  const rowBytes = dim * 4;
  const tile = new Float32Array(heap(), tileAddress, QUERY_GROUP * ITEM_BLOCK);
  if (queryRows === null) {
    const lists = new TopKLists(count, k);
    for (let g = part * QUERY_GROUP; g < count; g += parts * QUERY_GROUP) {
      const last = Math.min(g + QUERY_GROUP, count) - 1;
      const row = (slot: number): number => address + Math.min(g + slot, last) * rowBytes;
      for (let start = g; start < count; start += ITEM_BLOCK) {
        const end = Math.min(start + ITEM_BLOCK, count);
        score(row(0), row(1), row(2), row(3), address, start, end, dim, tileAddress, ITEM_BLOCK);
        for (let slot = 0; g + slot <= last; slot++) {
          const query = g + slot;
          const offset = slot * ITEM_BLOCK - start;
          for (let j = Math.max(start, query + 1); j < end; j++) {
            const value = tile[offset + j] as number;
            lists.offer(query, value, j);
            lists.offer(j, value, query);
          }
        }
      }
      tick(count - g);
    }
    return lists;
  }
  const lists = new TopKLists(queryRows.length, k);
  for (let g = 0; g < queryRows.length; g += QUERY_GROUP) {
    const last = Math.min(g + QUERY_GROUP, queryRows.length) - 1;
    const row = (slot: number): number => address + (queryRows[Math.min(g + slot, last)] as number) * rowBytes;
    for (let start = 0; start < count; start += ITEM_BLOCK) {
      const end = Math.min(start + ITEM_BLOCK, count);
      score(row(0), row(1), row(2), row(3), address, start, end, dim, tileAddress, ITEM_BLOCK);
      for (let slot = 0; g + slot <= last; slot++) {
        const query = queryRows[g + slot] as number;
        const offset = slot * ITEM_BLOCK - start;
        for (let j = start; j < end; j++) if (j !== query) lists.offer(g + slot, tile[offset + j] as number, j);
      }
    }
    tick(count);
  }
  return lists;
}

/**
 * For each query row i of `queryRows`: how many item rows j score above the partner row i
 * (s(i, j) > s(i, i), or equal with j < i). Both matrices have `count` rows of `dim`.
 */
export function partnerRankTask(
  score: ScoreBlock,
  heap: () => ArrayBuffer | SharedArrayBuffer,
  queries: MatrixRef,
  items: MatrixRef,
  queryRows: Int32Array,
  tileAddress: number,
  tick: ProgressTick,
): Int32Array {
  const { count, dim } = items;
  const rowBytes = dim * 4;
  const tile = new Float32Array(heap(), tileAddress, QUERY_GROUP * ITEM_BLOCK);
  const ranks = new Int32Array(queryRows.length);
  const own = new Float32Array(QUERY_GROUP);
  for (let g = 0; g < queryRows.length; g += QUERY_GROUP) {
    const last = Math.min(g + QUERY_GROUP, queryRows.length) - 1;
    const rowOf = (slot: number): number => queryRows[Math.min(g + slot, last)] as number;
    const row = (slot: number): number => queries.address + rowOf(slot) * rowBytes;
    for (let slot = 0; g + slot <= last; slot++) {
      // The partner's own score, by the same kernel arithmetic as every other pair.
      const i = rowOf(slot);
      score(row(slot), row(slot), row(slot), row(slot), items.address, i, i + 1, dim, tileAddress, ITEM_BLOCK);
      own[slot] = tile[0] as number;
    }
    for (let start = 0; start < count; start += ITEM_BLOCK) {
      const end = Math.min(start + ITEM_BLOCK, count);
      score(row(0), row(1), row(2), row(3), items.address, start, end, dim, tileAddress, ITEM_BLOCK);
      for (let slot = 0; g + slot <= last; slot++) {
        const i = rowOf(slot);
        const bar = own[slot] as number;
        const offset = slot * ITEM_BLOCK - start;
        let above = 0;
        for (let j = start; j < end; j++) {
          const value = tile[offset + j] as number;
          if (value > bar || (value === bar && j < i)) above += 1;
        }
        ranks[g + slot] = (ranks[g + slot] as number) + above;
      }
    }
    tick(count);
  }
  return ranks;
}
