/**
 * The exact kNN scan with an int8 filter, for kernels with the relaxed int8 dot product
 * (quantise-int8.ts). Symmetric mode: every pair (i, j > i) of this worker's chunks (forEachTile)
 * is offered to both rows' lists; subset mode: each of the given query rows against every row.
 * Every pair gets its integer
 * score raw(i, j), whose distance to the float32 score s(i, j) is at most B_i and B_j (raw units,
 * unit = αβ). The lists hold exact float32 scores, as topKTask's do; with w_r the k-th best of
 * list r so far, a pair with raw < w_r / unit − B_r has s < w_r and cannot enter list r. So the
 * WebAssembly filter passes on only the pairs that reach one row's bar ⌊w_r / unit − B_r⌋, the
 * float32 kernel rescores those, and they are offered like topKTask offers every pair. Skipped
 * pairs score strictly below a k-th best that only rises, so the merged lists equal the full
 * scan's bit for bit (same scores, same tie rule), with no second pass.
 *
 * The bars start high and stay shared: before the scan, each row's k best rows of a small sample
 * (by raw score) are rescored, and the k-th of those exact scores is a first bar (the scan meets
 * those k pairs again and keeps them, or k better ones); the workers raise one array of bars, as a
 * pair below any worker's k-th best of a row is below the merged k-th best too.
 */
import { forEachTile, ITEM_BLOCK, listRows, QUERY_CHUNK, symmetricPairs, type MatrixRef, type ProgressTick } from './knn-tasks.js';
import type { Int8Rows } from './quantise-int8.js';
import { QUERY_GROUP } from './score-block.js';
import { intBlockFor, type FilterTile, type IntScoreBlock } from './screen-tasks.js';
import { TopKLists } from './top-k.js';

/** What the int8 screen task is given of the copies (Int8Rows without the count it takes from the matrix). */
export type Int8ScreenRef = Omit<Int8Rows, 'count'>;

/**
 * Rows in the seed sample for a scan that meets `perList` items per list: about one in 64 of them,
 * between 256 and ITEM_BLOCK (the tile's width). The sample costs about that share of the scan and
 * lifts the bars from its first block on.
 */
export function int8SeedSample(perList: number): number {
  return Math.min(ITEM_BLOCK, Math.max(256, Math.round(perList / 64)));
}

/** Rows whose item copies sit side by side at `address` (int8 rows of the same rowBytes), for seeding the bars. */
export interface SeedSample {
  readonly address: number;
  readonly rows: Int32Array;
}

/** Below every integer score: the bar of a list that is not full. */
export const INT8_OPEN_BAR = -0x80000000;
const OPEN = INT8_OPEN_BAR;
const CLOSED = 0x7fffffff;

/**
 * The share of the pairs scanned so far, plus a quarter of a worker's pairs (the first blocks, met
 * while the bars are still low, rescore more), that a worker may rescore before the filter counts
 * as failed. A rescored pair costs about ten scanned ones and the int8 scan about half the int16
 * one, so past a tenth the int16 screen would be faster: the task stops and the engine runs that.
 */
const RESCORE_SHARE = 1 / 10;

/** The kernel export score_rows: f32 scores of one query row against listed item rows, each pair as score_block scores it. */
export type ScoreRows = (query: number, items: number, dim: number, rows: number, count: number, out: number) => void;

/** Byte offsets in a task's scratch area: filter hits, the four slots' bars, the rows to rescore and their scores, and CLOSED item bars (subset mode: items keep no lists). */
const LAYOUT = (() => {
  const hits = 0;
  const slotBars = hits + QUERY_GROUP * ITEM_BLOCK * 4;
  const rescore = slotBars + QUERY_GROUP * 4;
  const exact = rescore + ITEM_BLOCK * 4;
  const closed = exact + ITEM_BLOCK * 4;
  return { hits, slotBars, rescore, exact, closed, ints: closed / 4 + ITEM_BLOCK + 4 };
})();

/** Int32 values of a task's scratch area. */
export const INT8_SCREEN_SCRATCH_INTS = LAYOUT.ints;

/**
 * Int32 values of a bars area for `lists` lists: the bars (+ 4, as the filter reads whole
 * vectors), which the caller fills with INT8_OPEN_BAR, then the next chunk to claim, which the
 * caller sets to 0. Symmetric mode: one area for every row, which every worker shares; subset
 * mode: one per worker, for its queries.
 */
export function int8BarsInts(lists: number): number {
  return lists + 5;
}

/**
 * Symmetric mode (`queryRows` null): top-k of every row over the pairs of this worker's chunks
 * (merged across workers as topKTask's symmetric lists are). Subset mode: top-k of each query row
 * (queryRows.length × k). Null when the filter passed more pairs than RESCORE_SHARE allows.
 * `scratchAddress` holds INT8_SCREEN_SCRATCH_INTS int32 values of this worker's; `barsAddress`,
 * int8BarsInts(count) values every worker shares: the highest bar any worker has reached for each
 * row, raised atomically (a pair one worker skips scores below another worker's k-th best of that
 * row, which the merge keeps, so skipping it on any worker's bar is exact), and the chunk counter
 * from which the workers claim their chunks, so one that finishes early takes more.
 */
export function int8ScreenTask(
  intScore: IntScoreBlock,
  scoreRows: ScoreRows,
  filter: FilterTile,
  heap: () => ArrayBuffer | SharedArrayBuffer,
  matrix: MatrixRef,
  rows: Int8ScreenRef,
  sample: SeedSample,
  k: number,
  queryRows: Int32Array | null,
  part: number,
  parts: number,
  tileAddress: number,
  scratchAddress: number,
  barsAddress: number,
  tick: ProgressTick,
): TopKLists | null {
  const { address, count, dim } = matrix;
  const { queryAddress, itemAddress, rowBytes, unit, shifts, bound } = rows;
  const block = intBlockFor(rowBytes);
  const tile = new Int32Array(heap(), tileAddress, QUERY_GROUP * ITEM_BLOCK);
  const hits = new Int32Array(heap(), scratchAddress + LAYOUT.hits, QUERY_GROUP * ITEM_BLOCK);
  const slotBars = new Int32Array(heap(), scratchAddress + LAYOUT.slotBars, QUERY_GROUP);
  const symmetric = queryRows === null;
  const lists = new TopKLists(queryRows === null ? count : queryRows.length, k);
  const rowOf = listRows(queryRows);
  const bars = new Int32Array(heap(), barsAddress, int8BarsInts(lists.lists));
  const claim = () => Atomics.add(bars, lists.lists + 4, 1) * QUERY_CHUNK;
  new Int32Array(heap(), scratchAddress + LAYOUT.closed, ITEM_BLOCK + 4).fill(CLOSED);
  const rescore = new Int32Array(heap(), scratchAddress + LAYOUT.rescore, ITEM_BLOCK);
  const exact = new Float32Array(heap(), scratchAddress + LAYOUT.exact, ITEM_BLOCK);
  const worst = lists.worst;
  const offer = (row: number, value: number, index: number) => {
    lists.offer(row, value, index);
    const kth = worst[row] as number;
    if (kth !== -Infinity) raise(row, kth);
  };
  // Raises a list's bar to ⌊kth / unit − B_row⌋ when that is higher (atomically: in symmetric mode other workers raise it too).
  const raise = (list: number, kth: number) => {
    const bar = Math.min(CLOSED, Math.max(OPEN, Math.floor(kth / unit - (bound[rowOf(list)] as number))));
    for (let seen = bars[list] as number; bar > seen; ) {
      const was = Atomics.compareExchange(bars, list, seen, bar);
      if (was === seen) break;
      seen = was;
    }
  };
  // The rows `filled` of list `query` to rescore: scored in one call, then offered to its list (and in symmetric mode to theirs).
  let filled = 0;
  let query = 0;
  let rescored = 0;
  let scanned = 0;
  const rowScores = (group: number, slots: number, items: number, start: number, end: number, stride: number) => {
    const row = (slot: number): number => rowOf(group + Math.min(slot, slots - 1));
    intScore(
      queryAddress + row(0) * rowBytes,
      queryAddress + row(1) * rowBytes,
      queryAddress + row(2) * rowBytes,
      queryAddress + row(3) * rowBytes,
      items,
      start,
      end,
      rowBytes,
      tileAddress,
      stride,
      shifts[row(0)] as number,
      shifts[row(1)] as number,
      shifts[row(2)] as number,
      shifts[row(3)] as number,
    );
  };
  // Before the scan: each list of this worker's chunks (symmetric) or slice (subset) meets the
  // sample; the exact scores of its row's k best sample rows by raw score (itself left out) are k
  // scores it will meet again in the scan, so the k-th of them is a first bar, and the scan's early
  // pairs need no rescoring below it.
  const seedBars = () => {
    const size = sample.rows.length;
    if (size <= k || k > ITEM_BLOCK) return;
    const bestRaw = new Int32Array(k);
    const bestAt = new Int32Array(k);
    const step = symmetric ? parts * QUERY_CHUNK : QUERY_CHUNK;
    for (let chunk = symmetric ? part * QUERY_CHUNK : 0; chunk < lists.lists; chunk += step) {
      const chunkEnd = Math.min(chunk + QUERY_CHUNK, lists.lists);
      for (let g = chunk; g < chunkEnd; g += QUERY_GROUP) {
        const slots = Math.min(QUERY_GROUP, chunkEnd - g);
        rowScores(g, slots, sample.address, 0, size, size);
        for (let slot = 0; slot < slots; slot++) {
          const i = g + slot;
          const kept = bestOfSample(tile, slot * size, sample.rows, rowOf(i), bestRaw, bestAt);
          if (kept < k) continue;
          rescore.set(bestAt);
          scoreRows(address + rowOf(i) * dim * 4, address, dim, scratchAddress + LAYOUT.rescore, k, scratchAddress + LAYOUT.exact);
          let kth = Infinity;
          for (let p = 0; p < k; p++) kth = Math.min(kth, exact[p] as number);
          raise(i, kth);
        }
      }
    }
  };
  const flush = () => {
    if (filled === 0) return;
    const row = rowOf(query);
    scoreRows(address + row * dim * 4, address, dim, scratchAddress + LAYOUT.rescore, filled, scratchAddress + LAYOUT.exact);
    for (let p = 0; p < filled; p++) {
      const j = rescore[p] as number;
      const value = exact[p] as number;
      if (value >= (worst[query] as number)) offer(query, value, j);
      if (symmetric && value >= (worst[j] as number)) offer(j, value, row);
    }
    rescored += filled;
    filled = 0;
  };
  seedBars();
  let failed = false;
  const allowance = (symmetric ? symmetricPairs(count) / parts : lists.lists * count) / 4;
  forEachTile(
    count,
    queryRows,
    part,
    parts,
    block,
    (g, last, start, end) => {
      if (failed) return;
      const slots = last - g + 1;
      rowScores(g, slots, itemAddress, start, end, block);
      for (let slot = 0; slot < slots; slot++) slotBars[slot] = bars[g + slot] as number;
      // Symmetric mode offers a pair to the item's list too, so the filter checks the items' bars.
      const itemBars = symmetric ? barsAddress + start * 4 : scratchAddress + LAYOUT.closed;
      const found = filter(tileAddress, block, end - start, slots, scratchAddress + LAYOUT.slotBars, itemBars, scratchAddress + LAYOUT.hits);
      for (let h = 0; h < found; h++) {
        const position = hits[h] as number;
        const slot = (position / block) | 0;
        const j = start + position - slot * block;
        const i = g + slot;
        if (j >= end || (symmetric ? j <= i : j === rowOf(i))) continue;
        if (i !== query) {
          flush();
          query = i;
        }
        rescore[filled++] = j;
      }
      flush();
      scanned += slots * (end - (symmetric ? Math.max(start, g + 1) : start));
      if (rescored > RESCORE_SHARE * (scanned + allowance)) {
        failed = true;
        // Past every chunk: in symmetric mode the other workers stop at their next claim, as the engine drops their lists anyway.
        Atomics.store(bars, lists.lists + 4, count);
      }
    },
    tick,
    claim,
  );
  return failed ? null : lists;
}

/**
 * The best bestRaw.length sample rows by raw score for row `self` (itself left out): their raw
 * scores (best first) in bestRaw and rows in bestAt, from tile[offset + m] for sample row rows[m];
 * returns how many were found.
 */
function bestOfSample(tile: Int32Array, offset: number, rows: Int32Array, self: number, bestRaw: Int32Array, bestAt: Int32Array): number {
  const k = bestRaw.length;
  let kept = 0;
  let floor = -0x80000000;
  for (let m = 0; m < rows.length; m++) {
    const value = tile[offset + m] as number;
    if (kept === k && value <= floor) continue;
    const j = rows[m] as number;
    if (j === self) continue;
    let p = kept < k ? kept++ : k - 1;
    while (p > 0 && (bestRaw[p - 1] as number) < value) {
      bestRaw[p] = bestRaw[p - 1] as number;
      bestAt[p] = bestAt[p - 1] as number;
      p -= 1;
    }
    bestRaw[p] = value;
    bestAt[p] = j;
    if (kept === k) floor = bestRaw[k - 1] as number;
  }
  return kept;
}
