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

/** The matrix row of list p of a scan task: p itself when every row is a query (queryRows null), else queryRows[p]. */
export function listRows(queryRows: Int32Array | null): (list: number) => number {
  return queryRows === null ? (list) => list : (list) => queryRows[list] as number;
}

/** Query rows per chunk: each item block is scored against a whole chunk while it sits in cache. */
export const QUERY_CHUNK = 256;

/**
 * Items per block, so that one block of item rows (about 192 KiB) stays in the core's L2 cache
 * while every query of a chunk is scored against it. Even, between 16 and ITEM_BLOCK.
 */
export function itemBlockFor(dim: number): number {
  return Math.max(16, Math.min(ITEM_BLOCK, Math.floor(196_608 / (dim * 4)))) & ~1;
}

/** The pairs a symmetric scan of `count` rows visits: each chunk's rows against the rows from the chunk's start on (forEachTile). */
export function symmetricPairs(count: number): number {
  let pairs = 0;
  for (let chunk = 0; chunk < count; chunk += QUERY_CHUNK) pairs += (Math.min(chunk + QUERY_CHUNK, count) - chunk) * (count - chunk);
  return pairs;
}

/**
 * Walks the tiles of a kNN scan, as topKTask and screenTask share it. Symmetric mode
 * (`queryRows = null`): this worker owns the row chunks c = part, part + parts, … of QUERY_CHUNK
 * rows, or, with `claim`, the chunks claim() hands it (their first rows, in order, until one is at
 * least count), and each query group g meets only the item blocks from its own rows on (every pair once).
 * Subset mode: the query positions in chunks against all rows. An item block is visited for a
 * whole query chunk before the next block: `visit(g, last, start, end)` gets the group's first and
 * last query position and the item rows [start, end); `tick` gets the pairs of each finished chunk.
 */
export function forEachTile(
  count: number,
  queryRows: Int32Array | null,
  part: number,
  parts: number,
  block: number,
  visit: (g: number, last: number, start: number, end: number) => void,
  tick: ProgressTick,
  claim: (() => number) | null = null,
): void {
  if (queryRows === null) {
    const next = (chunk: number): number => (claim ? claim() : chunk + parts * QUERY_CHUNK);
    for (let chunk = claim ? claim() : part * QUERY_CHUNK; chunk < count; chunk = next(chunk)) {
      const chunkEnd = Math.min(chunk + QUERY_CHUNK, count);
      for (let start = chunk; start < count; start += block) {
        const end = Math.min(start + block, count);
        for (let g = chunk; g < chunkEnd && g < end; g += QUERY_GROUP) {
          if (Math.max(start, g + 1) < end) visit(g, Math.min(g + QUERY_GROUP, chunkEnd) - 1, start, end);
        }
      }
      tick((chunkEnd - chunk) * (count - chunk));
    }
    return;
  }
  for (let chunk = 0; chunk < queryRows.length; chunk += QUERY_CHUNK) {
    const chunkEnd = Math.min(chunk + QUERY_CHUNK, queryRows.length);
    for (let start = 0; start < count; start += block) {
      const end = Math.min(start + block, count);
      for (let g = chunk; g < chunkEnd; g += QUERY_GROUP) visit(g, Math.min(g + QUERY_GROUP, chunkEnd) - 1, start, end);
    }
    tick((chunkEnd - chunk) * count);
  }
}

/**
 * Top-k neighbours (self excluded, ties to the lower row) for the queries this worker owns, tiled
 * by forEachTile. Symmetric mode (`queryRows = null`): each pair (i, j > i) with i in this
 * worker's chunks is scored once and offered to both rows' lists, so the returned lists cover all
 * rows and are merged across workers. Subset mode: the given query rows against all rows.
 * Returns the lists (rows × k, or queries × k).
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
  const block = itemBlockFor(dim);
  const tile = new Float32Array(heap(), tileAddress, QUERY_GROUP * ITEM_BLOCK);
  const lists = new TopKLists(queryRows === null ? count : queryRows.length, k);
  const worst = lists.worst;
  const rowOf = listRows(queryRows);
  forEachTile(
    count,
    queryRows,
    part,
    parts,
    block,
    (g, last, start, end) => {
      const row = (slot: number): number => address + rowOf(Math.min(g + slot, last)) * rowBytes;
      score(row(0), row(1), row(2), row(3), address, start, end, dim, tileAddress, block);
      for (let slot = 0; g + slot <= last; slot++) {
        const list = g + slot;
        const query = rowOf(list);
        const offset = slot * block - start;
        let bar = worst[list] as number;
        if (queryRows === null) {
          for (let j = Math.max(start, query + 1); j < end; j++) {
            const value = tile[offset + j] as number;
            // Inline pre-checks: most pairs rank below both lists' k-th best and are skipped here.
            if (value >= bar) {
              lists.offer(query, value, j);
              bar = worst[query] as number;
            }
            if (value >= (worst[j] as number)) lists.offer(j, value, query);
          }
        } else {
          for (let j = start; j < end; j++) {
            const value = tile[offset + j] as number;
            if (value >= bar && j !== query) {
              lists.offer(list, value, j);
              bar = worst[list] as number;
            }
          }
        }
      }
    },
    tick,
  );
  return lists;
}

/**
 * For each query row i of `queryRows`: how many item rows j score above the partner row i
 * (s(i, j) > s(i, i), or equal with j < i), exact below `cap` and reported as `cap` from there on.
 * Both matrices have `count` rows of `dim`. Two rules spare most of the full scan, and neither
 * changes a result:
 * - **Certify** (with `hints`, each query's k nearest item rows to its partner, e.g. the reference
 *   kNN lists): for unit rows, ⟨c_i, r_j⟩ ≤ ⟨r_i, r_j⟩ + ‖c_i − r_i‖, and every row outside the
 *   list has ⟨r_i, r_j⟩ at most the list's k-th score. When that bound, widened by the float32
 *   error of every score involved (partnerScoreError), is still below s(i, i), only the listed
 *   rows can beat the partner, and just those are scored.
 * - **Stop early**: a query whose rank has reached `cap` skips the remaining item blocks, so
 *   incompatible spaces, where almost every partner is beaten at once, cost about one block per
 *   query (scanPartnerRanks).
 */
export function partnerRankTask(
  score: ScoreBlock,
  heap: () => ArrayBuffer | SharedArrayBuffer,
  queries: MatrixRef,
  items: MatrixRef,
  queryRows: Int32Array,
  cap: number,
  hints: { readonly lists: Int32Array; readonly k: number } | null,
  tileAddress: number,
  tick: ProgressTick,
): Int32Array {
  const { count, dim } = items;
  const rowBytes = dim * 4;
  const block = itemBlockFor(dim);
  const tile = new Float32Array(heap(), tileAddress, QUERY_GROUP * ITEM_BLOCK);
  const ranks = new Int32Array(queryRows.length);
  const own = new Float32Array(queryRows.length);
  const rowOf = (position: number): number => queryRows[position] as number;
  const queryAddress = (position: number): number => queries.address + rowOf(position) * rowBytes;
  /** s(query at `position`, item row j), by the same kernel arithmetic as every other pair. */
  const pairScore = (address: number, j: number): number => {
    score(address, address, address, address, items.address, j, j + 1, dim, tileAddress, block);
    return tile[0] as number;
  };
  const scan: number[] = [];
  const values = hints ? new Float32Array(heap()) : null;
  const margin = partnerScoreError(dim);
  for (let position = 0; position < queryRows.length; position++) {
    const i = rowOf(position);
    const q = queryAddress(position);
    const bar = pairScore(q, i);
    own[position] = bar;
    if (hints && values && certified(values, queries.address, items.address, i, dim, hints, position, bar, margin, (j) => pairScore(items.address + i * rowBytes, j))) {
      let above = 0;
      for (let t = 0; t < hints.k; t++) {
        const j = hints.lists[position * hints.k + t] as number;
        const value = pairScore(q, j);
        if (value > bar || (value === bar && j < i)) above += 1;
      }
      ranks[position] = above;
    } else scan.push(position);
  }
  const scoreGroup = (group: readonly number[], start: number, end: number): void => {
    const row = (slot: number): number => queryAddress(group[Math.min(slot, group.length - 1)] as number);
    score(row(0), row(1), row(2), row(3), items.address, start, end, dim, tileAddress, block);
  };
  scanPartnerRanks(scan, count, block, cap, { ranks, own, rowOf }, scoreGroup, tile, tick);
  tick((queryRows.length - scan.length) * count);
  return capRanks(ranks, cap);
}

/** Items in a partner-rank scan's first block (later blocks are full). */
const FIRST_RANK_BLOCK = 32;

/** A partner-rank scan's per-query state: ranks so far, each query's partner score, and its row. */
export interface PartnerRankState {
  readonly ranks: Int32Array;
  readonly own: ArrayLike<number>;
  readonly rowOf: (position: number) => number;
}

/**
 * The item scan of a partner-rank task, shared by both engines: every open query (rank below `cap`)
 * meets the item blocks in turn (the first FIRST_RANK_BLOCK items, then `block` at a time), four at
 * a time through `scoreGroup`, which writes slot s's score of item j to tile[s · block + j − start]. rank += #{j : s(i, j) > s(i, i), or
 * s(i, j) = s(i, i) and j < i}. After each block the queries that reached `cap` drop out and the rest
 * are regrouped, so a group never carries a finished query (in incompatible spaces most queries stop
 * in the first block; the few that run on are scanned together). The scores do not depend on the
 * grouping, so the ranks do not either. Ticks `count` per query as it finishes.
 */
export function scanPartnerRanks(
  positions: readonly number[],
  count: number,
  block: number,
  cap: number,
  { ranks, own, rowOf }: PartnerRankState,
  scoreGroup: (group: readonly number[], start: number, end: number) => void,
  tile: ArrayLike<number>,
  tick: ProgressTick,
): void {
  let open = positions.filter((position) => (ranks[position] as number) < cap);
  tick((positions.length - open.length) * count);
  for (let start = 0, end = 0; start < count && open.length > 0; start = end) {
    // A short first block: in incompatible spaces a query's cap is usually reached within a few dozen items.
    end = Math.min(start + (start === 0 ? Math.min(block, FIRST_RANK_BLOCK) : block), count);
    for (let g = 0; g < open.length; g += QUERY_GROUP) {
      const group = open.slice(g, g + QUERY_GROUP);
      scoreGroup(group, start, end);
      group.forEach((position, slot) => {
        const i = rowOf(position);
        const bar = own[position] as number;
        const offset = slot * block - start;
        let above = 0;
        for (let j = start; j < end; j++) {
          const value = tile[offset + j] as number;
          if (value > bar || (value === bar && j < i)) above += 1;
        }
        ranks[position] = (ranks[position] as number) + above;
      });
    }
    const running = open.filter((position) => (ranks[position] as number) < cap);
    tick((open.length - running.length) * count);
    open = running;
  }
  tick(open.length * count);
}

/**
 * An upper bound on |s − ⟨x, y⟩| for a dot product s of two rows of norm ≤ 1 + 1e-6, summed in any
 * order (with or without fused multiply-add) with unit roundoff u (2⁻²⁴ for float32 sums):
 * γ_d = d·u / (1 − d·u) · (1 + 1e-6)² (Higham, Accuracy and Stability, §3.1).
 */
export function partnerScoreError(dim: number, u = 2 ** -24): number {
  return ((dim * u) / (1 - dim * u)) * (1 + 1e-6) ** 2;
}

/**
 * Whether only the listed rows can beat query i's partner: ‖c_i − r_i‖ (float64, plus the rows'
 * norm slack) + the k-th listed score + three float32 errors (that score, a rival's score, the
 * partner's) is below the partner's score `bar`. `kthScore(j)` scores r_i against row j.
 */
export function certified(
  values: Float32Array,
  queryAddress: number,
  itemAddress: number,
  i: number,
  dim: number,
  hints: { readonly lists: Int32Array; readonly k: number },
  position: number,
  bar: number,
  margin: number,
  kthScore: (j: number) => number,
): boolean {
  if (hints.k === 0) return false;
  const kth = kthScore(hints.lists[position * hints.k + hints.k - 1] as number);
  // The distance only adds to the left side: a query the k-th score alone does not clear needs no distance.
  if (!(kth + 3 * margin < bar)) return false;
  const q = queryAddress / 4 + i * dim;
  const r = itemAddress / 4 + i * dim;
  let sum = 0;
  for (let c = 0; c < dim; c++) {
    const diff = (values[q + c] as number) - (values[r + c] as number);
    sum += diff * diff;
  }
  return certifiedBy(kth, Math.sqrt(sum), bar, margin);
}

/** The certification test: kth + ‖c_i − r_i‖ (rounded up) + 3·margin < s(i, i). */
export function certifiedBy(kth: number, distance: number, bar: number, margin: number): boolean {
  return kth + (distance * (1 + 1e-6) + 1e-12) + 3 * margin < bar;
}

/** Each row's nearest centre and how much farther the second nearest is (see nearestCentroidTask). */
export interface NearestCentroids {
  readonly best: Int32Array;
  /** s_second − s_best ≥ 0 (Infinity with one centre). */
  readonly gap: Float64Array;
}

/**
 * For each of `rows` of `matrix`: the centre c (of `centroids`, k rows of the same width) with the
 * lowest s_c = ‖μ_c‖² − 2⟨x, μ_c⟩ (the squared Euclidean distance less ‖x‖²; ties to the lower c),
 * and the gap to the second lowest. ⟨x, μ_c⟩ comes from the kernel (float32 sums); `norms` are the
 * centres' ‖μ_c‖² in float64. k ≤ ITEM_BLOCK.
 */
export function nearestCentroidTask(score: ScoreBlock, heap: () => ArrayBuffer | SharedArrayBuffer, matrix: MatrixRef, centroids: MatrixRef, norms: Float64Array, rows: Int32Array, tileAddress: number): NearestCentroids {
  const { dim } = matrix;
  const k = centroids.count;
  const rowBytes = dim * 4;
  const tile = new Float32Array(heap(), tileAddress, QUERY_GROUP * ITEM_BLOCK);
  const best = new Int32Array(rows.length);
  const gap = new Float64Array(rows.length);
  for (let g = 0; g < rows.length; g += QUERY_GROUP) {
    const last = Math.min(g + QUERY_GROUP, rows.length) - 1;
    const row = (slot: number): number => matrix.address + (rows[Math.min(g + slot, last)] as number) * rowBytes;
    score(row(0), row(1), row(2), row(3), centroids.address, 0, k, dim, tileAddress, k);
    for (let slot = 0; g + slot <= last; slot++) {
      let first = Infinity;
      let second = Infinity;
      let index = 0;
      for (let c = 0; c < k; c++) {
        const value = (norms[c] as number) - 2 * (tile[slot * k + c] as number);
        if (value < first) {
          second = first;
          first = value;
          index = c;
        } else if (value < second) second = value;
      }
      best[g + slot] = index;
      gap[g + slot] = second - first;
    }
  }
  return { best, gap };
}

/** Ranks ≥ cap become cap, so the result does not depend on where a scan stopped. */
export function capRanks(ranks: Int32Array, cap: number): Int32Array {
  for (let p = 0; p < ranks.length; p++) if ((ranks[p] as number) > cap) ranks[p] = cap;
  return ranks;
}
