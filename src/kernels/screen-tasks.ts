// Worker tasks of the screened exact kNN (see screened-knn.ts): an integer pass that keeps each
// row's K best approximate candidates, and a float32 pass that rescores the few that matter.
import { forEachTile, ITEM_BLOCK, listRows, type MatrixRef, type ProgressTick, type ScoreBlock } from './knn-tasks.js';
import { QUERY_GROUP } from './score-block.js';
import { EMPTY_SLOT, TopKLists } from './top-k.js';

/** What a screening task needs of the quantised rows (see quantise.ts). */
export interface QuantisedRef {
  readonly address: number;
  readonly rowBytes: number;
  readonly count: number;
}

/** The integer kernel exports score_i16 and score_i8: exact i32 dot products of 4 query rows × items [start, end), minus each query's shift. */
export type IntScoreBlock = (
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  items: number,
  start: number,
  end: number,
  rowBytes: number,
  out: number,
  stride: number,
  shift0: number,
  shift1: number,
  shift2: number,
  shift3: number,
) => void;

/** The filter export: positions of an i32 tile's entries that reach their query's or item's bar; returns how many. */
export type FilterTile = (tile: number, stride: number, width: number, slots: number, bars: number, itemBars: number, out: number) => number;

/** Items per integer block: about 192 KiB of item rows stays in L2 while a query chunk is scored; a multiple of 4. */
export function intBlockFor(rowBytes: number): number {
  return Math.max(16, Math.min(ITEM_BLOCK, Math.floor(196_608 / rowBytes))) & ~3;
}

/**
 * Where screenTask keeps its int32 arrays in its scratch area (byte offsets from its start): the
 * filter's hit positions, the four query slots' bars, a row of CLOSED item bars, and one bar per
 * list (+ 4, as the filter reads whole vectors). `ints` is the area's length in int32 values.
 */
function screenScratchLayout(lists: number): { hits: number; slotBars: number; closed: number; bars: number; ints: number } {
  const hits = 0;
  const slotBars = hits + QUERY_GROUP * ITEM_BLOCK * 4;
  const closed = slotBars + QUERY_GROUP * 4;
  const bars = closed + (ITEM_BLOCK + 4) * 4;
  return { hits, slotBars, closed, bars, ints: bars / 4 + lists + 4 };
}

/** Int32 values of a screening task's scratch area for `lists` lists (see screenTask). */
export function screenScratchInts(lists: number): number {
  return screenScratchLayout(lists).ints;
}

/** Below every integer score: the bar of a list that is not full. */
const OPEN = -0x80000000;
/** Above every integer score: the item bar when items keep no lists. */
const CLOSED = 0x7fffffff;

/**
 * The `size` best candidates of each row by the exact integer score raw(i, j) = ⟨q_i, q_j⟩, self
 * excluded, ties to the lower row; tiled by forEachTile like topKTask (symmetric mode: each pair
 * once, i < j with i as the query, offered to both rows' lists). The
 * WebAssembly filter passes on only the tile entries that reach a list's current k-th best (kept
 * as an int32 copy, `bars`), so the JavaScript loop sees the few that can enter a list.
 * `scratchAddress` holds screenScratchInts(lists) int32 values.
 */
export function screenTask(
  score: IntScoreBlock,
  filter: FilterTile,
  heap: () => ArrayBuffer | SharedArrayBuffer,
  rows: QuantisedRef,
  size: number,
  queryRows: Int32Array | null,
  part: number,
  parts: number,
  tileAddress: number,
  scratchAddress: number,
  tick: ProgressTick,
): TopKLists {
  const { count, rowBytes, address } = rows;
  const block = intBlockFor(rowBytes);
  const tile = new Int32Array(heap(), tileAddress, QUERY_GROUP * ITEM_BLOCK);
  const lists = new TopKLists(queryRows === null ? count : queryRows.length, size);
  const worst = lists.worst;
  const layout = screenScratchLayout(lists.lists);
  const hitsAddress = scratchAddress + layout.hits;
  const slotBarsAddress = scratchAddress + layout.slotBars;
  const closedAddress = scratchAddress + layout.closed;
  const barsAddress = scratchAddress + layout.bars;
  const hits = new Int32Array(heap(), hitsAddress, QUERY_GROUP * ITEM_BLOCK);
  const slotBars = new Int32Array(heap(), slotBarsAddress, QUERY_GROUP);
  new Int32Array(heap(), closedAddress, ITEM_BLOCK + 4).fill(CLOSED);
  // bars[list] = the list's k-th best score once it is full (scores are integers), OPEN before.
  const bars = new Int32Array(heap(), barsAddress, lists.lists + 4).fill(OPEN);
  const offer = (list: number, value: number, index: number) => {
    lists.offer(list, value, index);
    const bar = worst[list] as number;
    if (bar !== -Infinity) bars[list] = bar;
  };
  const rowOf = listRows(queryRows);
  forEachTile(
    count,
    queryRows,
    part,
    parts,
    block,
    (g, last, start, end) => {
      const row = (slot: number): number => address + rowOf(Math.min(g + slot, last)) * rowBytes;
      score(row(0), row(1), row(2), row(3), address, start, end, rowBytes, tileAddress, block, 0, 0, 0, 0);
      const slots = last - g + 1;
      for (let slot = 0; slot < slots; slot++) slotBars[slot] = bars[g + slot] as number;
      // Symmetric mode offers a pair to the item's list too, so the filter checks the items' bars.
      const itemBars = queryRows === null ? barsAddress + start * 4 : closedAddress;
      const found = filter(tileAddress, block, end - start, slots, slotBarsAddress, itemBars, hitsAddress);
      for (let h = 0; h < found; h++) {
        const position = hits[h] as number;
        const slot = (position / block) | 0;
        const j = start + position - slot * block;
        const list = g + slot;
        const query = rowOf(list);
        if (j >= end || j === query || (queryRows === null && j < query)) continue;
        const value = tile[position] as number;
        if (value >= (worst[list] as number)) offer(list, value, j);
        if (queryRows === null && value >= (worst[j] as number)) offer(j, value, query);
      }
    },
    tick,
  );
  return lists;
}

/**
 * The exact top k of each row in `queryRows` among its `candidates` (queryRows.length × width,
 * EMPTY_SLOT where unused), scored by the float32 kernel: the same value the full scan gives for
 * the pair. Four candidates are scored per kernel call, as the queries against the one row i
 * (s(j, i) = s(i, j) bit for bit). Returns the lists (queryRows.length × k).
 */
export function refineTask(
  score: ScoreBlock,
  heap: () => ArrayBuffer | SharedArrayBuffer,
  matrix: MatrixRef,
  queryRows: Int32Array,
  candidates: Int32Array,
  width: number,
  k: number,
  tileAddress: number,
): TopKLists {
  const { address, dim } = matrix;
  const rowBytes = dim * 4;
  const tile = new Float32Array(heap(), tileAddress, QUERY_GROUP);
  const lists = new TopKLists(queryRows.length, k);
  const group = new Int32Array(QUERY_GROUP);
  for (let p = 0; p < queryRows.length; p++) {
    const row = queryRows[p] as number;
    let filled = 0;
    const flush = () => {
      const at = (slot: number): number => address + (group[Math.min(slot, filled - 1)] as number) * rowBytes;
      score(at(0), at(1), at(2), at(3), address, row, row + 1, dim, tileAddress, 1);
      for (let slot = 0; slot < filled; slot++) lists.offer(p, tile[slot] as number, group[slot] as number);
      filled = 0;
    };
    for (let t = 0; t < width; t++) {
      const j = candidates[p * width + t] as number;
      if (j === EMPTY_SLOT) continue;
      group[filled++] = j;
      if (filled === QUERY_GROUP) flush();
    }
    if (filled > 0) flush();
  }
  return lists;
}
