import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { partnerRanks as jsPartnerRanks } from './cross-rank.js';
import { crossProduct as jsCrossProduct } from './matrix-products.js';
import { KNN_WORKER_SOURCE } from './generated/knn-worker-source.js';
import { crossScratchFloats, jobSize, laneRowsFor, paddedWidth, totalsFloats, UNITS_DONE, type CrossJob, type CrossProductRef } from './cross-job.js';
import { ITEM_BLOCK, symmetricPairs, type MatrixRef, type NearestCentroids } from './knn-tasks.js';
import { nearestCentroids as jsNearestCentroids } from './nearest-centroids.js';
import type { WorkerRequest, WorkerTask } from './knn-worker.js';
import { nearestNeighbours as jsNearestNeighbours } from './nearest-neighbours.js';
import { QUERY_GROUP } from './score-block.js';
import { quantisedRowBytes, quantiseRows } from './quantise.js';
import { rowSum, squaredDistances } from './row-statistics.js';
import { INT8_OPEN_BAR, INT8_SCREEN_SCRATCH_INTS, int8BarsInts, int8SeedSample, type Int8ScreenRef, type SeedSample } from './int8-screen-task.js';
import { int8RowBytes, int8ScratchBytes, quantiseRowsInt8, type Int8QuantiseKernel, type Int8Rows } from './quantise-int8.js';
import { SCREEN_SLACK, settleScreen } from './screened-knn.js';
import { screenScratchInts, type QuantisedRef } from './screen-tasks.js';
import { mergeTopK } from './top-k.js';
import { int8DotExact, KernelArena, loadWasmKernel, type KernelChoice, type KernelName, type WasmKernel } from './wasm-kernel.js';
import { allRows } from '../core/all-rows.js';
import { rowDots, rowSumsOfSquares, scaleRows } from '../core/row-norms.js';
import { singularValues } from './singular-values.js';

/** Rows per call of the row-statistics kernel. */
const STATISTICS_CHUNK = 256;

/** The row-statistics exports of score-kernel.wat (byte addresses; see row-statistics.ts). */
interface StatisticsKernel {
  readonly row_dots: (a: number, b: number, dim: number, count: number, out: number) => void;
  readonly scale_rows: (values: number, dim: number, rows: number, count: number, scales: number, out: number) => void;
  readonly sum_rows: (values: number, dim: number, rows: number, count: number, out: number) => void;
  readonly squared_distances: (values: number, dim: number, rows: number, count: number, centre: number, out: number) => void;
}

/** Reports the progress of a long search: units done of the total, with a label. */
export type ProgressReporter = (label: string, done: number, total: number) => void;

/**
 * Exact brute-force kNN searches for the gate's metrics. The engine also allocates the aligned
 * matrices, so that the WebAssembly engine can read them from its shared memory without a copy.
 */
export interface KnnEngine {
  readonly kernel: KernelName;
  readonly threads: number;
  /**
   * Over all searches so far: rows whose kNN the int16 screen settled, and rows it left to a full
   * scan; searches the int8 screen finished, and those it handed to the int16 screen.
   */
  readonly screenCounts: { readonly settled: number; readonly unsettled: number; readonly int8: number; readonly int8Fallbacks: number };
  /** A zeroed Float32Array the engine can search (inside the shared memory for WebAssembly). */
  allocate(length: number): Float32Array;
  /** k nearest other rows of each query (self excluded, ties to the lower row); queries × k, best first. */
  nearestNeighbours(values: Float32Array, count: number, dim: number, k: number, queryRows: Int32Array | null, label: string): Promise<Int32Array>;
  /**
   * For each query row i: the number of item rows scoring above its partner row i (see
   * cross-rank.ts), exact below `cap` and reported as `cap` from there on (the scan may stop early).
   * `hints` (unit rows only): each query's k nearest item rows to its partner, in query order,
   * which let most queries of nearly compatible spaces skip the scan.
   */
  partnerRanks(
    queries: Float32Array,
    items: Float32Array,
    count: number,
    dim: number,
    queryRows: Int32Array | null,
    cap: number,
    label: string,
    hints?: PartnerHints | null,
  ): Promise<Int32Array>;
  /**
   * Starts AᵀB for each request (row-major da × db Float64Arrays, in request order, from
   * `finish()`). JS: float64 throughout, formed in finish(). WebAssembly: float32 sums over chunks
   * of CROSS_CHUNK rows, added to float64 totals in chunk order (cross-job.ts), so the bits do not
   * depend on the threads; the workers form the units between their search tasks, one worker at a
   * time so that the calling thread keeps a core, and finish() puts every worker on what is left.
   */
  crossProducts(requests: readonly CrossProductRequest[]): PendingProducts;
  /** AᵀB for one request, at once: crossProducts([…]).finish(). */
  crossProduct(a: Float32Array, da: number, b: Float32Array, db: number, count: number): Promise<Float64Array>;
  /**
   * For each of `rows` (null: all) of `values`: the nearest of the k `centroids` (allocated by this
   * engine) by s_c = ‖μ_c‖² − 2⟨x, μ_c⟩ with `norms` = ‖μ_c‖², ties to the lower centre, and the gap
   * to the second nearest. The inner products are the kernel's (float32 sums on WebAssembly).
   */
  nearestCentroids(values: Float32Array, count: number, dim: number, centroids: Float32Array, norms: Float64Array, rows: Int32Array | null): Promise<NearestCentroids>;
  /** Σ of the listed rows of `values` (row-statistics.ts rowSum), in float64: the same bits on every engine. */
  rowSums(values: Float32Array, dim: number, rows: Int32Array): Float64Array;
  /** ‖X_i − c‖² for each listed row i (row-statistics.ts squaredDistances), in float64: the same bits on every engine. */
  squaredDistances(values: Float32Array, dim: number, rows: Int32Array, centre: Float64Array): Float64Array;
  /**
   * The singular values of a row-major d × d float64 matrix (singular-values.ts: the same bits on
   * every engine). With worker threads it runs on a background thread of its own, so the caller
   * and the search threads stay free meanwhile.
   */
  singularValues(matrix: Float64Array, d: number): Promise<Float64Array>;
  /** Σ_j x_ij² of every row (core/row-norms.ts rowSumsOfSquares), in float64: the same bits on every engine. */
  sumsOfSquares(vectors: Float32Array, count: number, dim: number): Float64Array;
  /** Σ_j a_ij·b_ij of every row (core/row-norms.ts rowDots), in float64: the same bits on every engine. */
  rowDots(a: Float32Array, b: Float32Array, count: number, dim: number): Float64Array;
  /** The listed rows scaled (core/row-norms.ts scaleRows): the same bits on every engine. */
  scaleRows(vectors: Float32Array, dim: number, rows: Int32Array, scales: Float64Array, out: Float32Array): void;
  /**
   * Starts the worker threads now (they boot and instantiate the kernel while the caller reads its
   * files), and the background thread too when `background` (singularValues will be asked for); a
   * no-op without workers.
   */
  warmUp(options?: { readonly background?: boolean }): void;
  /** Stops worker threads. */
  close(): Promise<void>;
}


/** AᵀB of A: count × da and B: count × db, both row-major. */
export interface CrossProductRequest {
  readonly a: Float32Array;
  readonly da: number;
  readonly b: Float32Array;
  readonly db: number;
  readonly count: number;
}

/** Cross-products the engine is forming; finish() completes them and gives them in request order. */
export interface PendingProducts {
  finish(): Promise<Float64Array[]>;
  /** The share of the job's units formed so far, 0 … 1 (the JavaScript engine forms everything in finish()). */
  formed(): number;
}

/** Each query's k nearest item rows to its partner (queries × k, in query order). */
export interface PartnerHints {
  readonly lists: Int32Array;
  readonly k: number;
}

/** How the engine should run. */
export interface EngineOptions {
  readonly kernel: KernelChoice;
  /** Worker threads (WebAssembly only); `null` for os.availableParallelism(). */
  readonly threads: number | null;
  readonly progress?: ProgressReporter;
  /** Screen kNN candidates with the integer kernel (default true; false: full float32 scans, for tests and the bench). */
  readonly screening?: boolean;
  /**
   * Which integer screen a search uses: int8 (int8-screen-task.ts) where the kernel has
   * the relaxed int8 dot product, int16 (screened-knn.ts) otherwise. Tests force either; int16
   * wherever the int8 product is not exact (int8DotExact).
   */
  readonly integerScreen?: 'int8' | 'int16';
}

/**
 * Creates the fastest engine this runtime supports for the requested kernel: WebAssembly
 * relaxed SIMD or SIMD on all cores, or the plain JavaScript kernel (float64 accumulation, one
 * core). Returns `null` when an explicitly requested kernel is not available.
 */
export function createKnnEngine(options: EngineOptions): KnnEngine | null {
  const wasm = loadWasmKernel(options.kernel);
  if (wasm === null) return options.kernel === 'auto' || options.kernel === 'js' ? new JsEngine(options.progress) : null;
  // The int8 product runs about twice as fast as the int16 one only on relaxed SIMD; where it is not exact the int16 screen is kept, whatever was asked.
  const integerScreen = int8DotExact(wasm) ? (options.integerScreen ?? (wasm.name === 'relaxed-simd' ? 'int8' : 'int16')) : 'int16';
  return new WasmEngine(wasm, options.threads ?? availableParallelism(), options.progress, options.screening ?? true, integerScreen);
}

/** The plain JavaScript engine: float64 sums, one thread; the reference the others are tested against. */
class JsEngine implements KnnEngine {
  readonly kernel = 'js' as const;
  readonly threads = 1;
  readonly screenCounts = { settled: 0, unsettled: 0, int8: 0, int8Fallbacks: 0 };
  constructor(private readonly progress?: ProgressReporter) {}
  allocate(length: number): Float32Array {
    return new Float32Array(length);
  }
  async nearestNeighbours(values: Float32Array, count: number, dim: number, k: number, queryRows: Int32Array | null, label: string) {
    this.progress?.(label, 0, 1);
    const result = jsNearestNeighbours(values, count, dim, k, queryRows);
    this.progress?.(label, 1, 1);
    return result;
  }
  async partnerRanks(queries: Float32Array, items: Float32Array, count: number, dim: number, queryRows: Int32Array | null, cap: number, label: string, hints: PartnerHints | null = null) {
    this.progress?.(label, 0, 1);
    const result = jsPartnerRanks(queries, items, count, dim, queryRows, cap, hints);
    this.progress?.(label, 1, 1);
    return result;
  }
  crossProducts(requests: readonly CrossProductRequest[]): PendingProducts {
    let products: Float64Array[] | null = null;
    return { finish: async () => (products ??= requests.map(({ a, da, b, db, count }) => jsCrossProduct(a, da, b, db, count))), formed: () => (products ? 1 : 0) };
  }
  async crossProduct(a: Float32Array, da: number, b: Float32Array, db: number, count: number): Promise<Float64Array> {
    return (await this.crossProducts([{ a, da, b, db, count }]).finish())[0] as Float64Array;
  }
  async nearestCentroids(values: Float32Array, count: number, dim: number, centroids: Float32Array, norms: Float64Array, rows: Int32Array | null): Promise<NearestCentroids> {
    return jsNearestCentroids(values, count, dim, centroids, norms, rows);
  }
  rowSums(values: Float32Array, dim: number, rows: Int32Array): Float64Array {
    return rowSum(values, dim, rows);
  }
  squaredDistances(values: Float32Array, dim: number, rows: Int32Array, centre: Float64Array): Float64Array {
    return squaredDistances(values, dim, rows, centre);
  }
  async singularValues(matrix: Float64Array, d: number): Promise<Float64Array> {
    return singularValues(matrix, d);
  }
  sumsOfSquares(vectors: Float32Array, count: number, dim: number): Float64Array {
    return rowSumsOfSquares(vectors, count, dim);
  }
  rowDots(a: Float32Array, b: Float32Array, count: number, dim: number): Float64Array {
    return rowDots(a, b, count, dim);
  }
  scaleRows(vectors: Float32Array, dim: number, rows: Int32Array, scales: Float64Array, out: Float32Array): void {
    scaleRows(vectors, dim, rows, scales, out);
  }
  warmUp(): void {}
  async close() {}
}

/** A symmetric scan task without the share of the chunks a worker takes, which symmetricParts fills in. */
type SymmetricTaskBase = Extract<WorkerTask, { part: number }> extends infer T ? (T extends unknown ? Omit<T, 'part' | 'parts'> : never) : never;

/** A list task (`topk` or `screen`) without the queries a worker takes, which topLists fills in. */
type ListTaskBase = Extract<WorkerTask, { kind: 'topk' | 'screen' }> extends infer T ? (T extends unknown ? Omit<T, 'queryRows' | 'part' | 'parts'> : never) : never;

interface Pending {
  resolve: (message: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  onProgress: (units: number) => void;
}

/** The WebAssembly engine: f32x4 kernel, queries split across worker threads sharing one memory. */
class WasmEngine implements KnnEngine {
  readonly kernel: KernelName;
  private readonly arena = new KernelArena();
  private workers: Worker[] = [];
  private background: Worker | null = null;
  private readonly scratch = new Map<string, Float32Array>();
  private instance: WebAssembly.Instance | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private slotsAddress: number | null = null;
  /** Cross-product jobs' scratch sets: how many there are, and those no unfinished job holds. */
  private jobSlots = 0;
  private readonly freeJobSlots: number[] = [];
  readonly screenCounts = { settled: 0, unsettled: 0, int8: 0, int8Fallbacks: 0 };

  constructor(
    private readonly wasm: WasmKernel,
    readonly threads: number,
    private readonly progress: ProgressReporter | undefined,
    private readonly screening: boolean,
    private readonly integerScreen: 'int8' | 'int16',
  ) {
    this.kernel = wasm.name;
  }

  allocate(length: number): Float32Array {
    return this.arena.allocate(length);
  }

  warmUp(options: { readonly background?: boolean } = {}): void {
    this.start();
    if (options.background) this.backgroundWorker();
  }

  private start(): Worker[] {
    while (this.workers.length < this.threads) this.workers.push(this.spawn());
    return this.workers;
  }

  /** The background worker (singularValues), when the engine has more than one thread. */
  private backgroundWorker(): Worker | null {
    if (this.threads < 2) return null;
    this.background ??= this.spawn();
    return this.background;
  }

  /** A worker thread on the shared memory, with its own tile, whose answers settle this engine's pending tasks. */
  private spawn(): Worker {
    const tile = this.arena.allocate(QUERY_GROUP * ITEM_BLOCK);
    const worker = new Worker(KNN_WORKER_SOURCE, {
      eval: true,
      workerData: { module: this.wasm.module, memory: this.arena.memory, tileAddress: this.arena.addressOf(tile) },
    });
    worker.on('message', (message: Record<string, unknown>) => {
      const pending = this.pending.get(message.id as number);
      if (!pending) return;
      if (typeof message.progress === 'number' && message.progress > 0) pending.onProgress(message.progress);
      if (typeof message.error === 'string') {
        this.pending.delete(message.id as number);
        pending.reject(new Error(`kNN worker failed: ${message.error}`));
      } else if ('indices' in message || 'overflow' in message || 'ranks' in message || 'crossDone' in message || 'best' in message || 'singular' in message) {
        this.pending.delete(message.id as number);
        pending.resolve(message);
      }
    });
    worker.on('error', (error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    });
    return worker;
  }

  private run(worker: Worker, request: WorkerTask, onProgress: (units: number) => void): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      // The memory may have grown since the worker last looked; it makes sure it sees this many bytes.
      worker.postMessage({ ...request, id, memoryBytes: this.arena.memory.buffer.byteLength });
    });
  }

  private ref(values: Float32Array, count: number, dim: number): MatrixRef {
    const address = this.arena.addressOf(values);
    if (address === null) throw new Error('the matrix was not allocated by this engine');
    return { address, count, dim };
  }

  private reporter(label: string, total: number): (units: number) => void {
    let done = 0;
    this.progress?.(label, 0, total);
    return (units) => {
      done += units;
      this.progress?.(label, Math.min(done, total), total);
    };
  }

  async nearestNeighbours(values: Float32Array, count: number, dim: number, k: number, queryRows: Int32Array | null, label: string) {
    if (k < 1 || k >= count) throw new RangeError(`k = ${k} must be between 1 and count − 1 = ${count - 1}`);
    const matrix = this.ref(values, count, dim);
    const width = k + SCREEN_SLACK;
    if (!this.screening || width >= count - 1) return (await this.topLists(() => ({ kind: 'topk', matrix, k }), count, k, queryRows, label)).indices;
    if (this.integerScreen === 'int8') {
      const found = await this.int8Neighbours(matrix, k, queryRows, label);
      if (found !== null) return found;
      this.screenCounts.int8Fallbacks += 1;
    }
    return this.screenedNeighbours(matrix, k, queryRows, label, width);
  }

  /**
   * The search with the int8 filter (int8-screen-task.ts), or null when it cannot help: a value
   * that is not finite (no bound), or a filter that passed too many pairs. Symmetric mode: the
   * workers share one set of bars and claim chunks; subset mode: each takes a slice of the queries.
   */
  private async int8Neighbours(matrix: MatrixRef, k: number, queryRows: Int32Array | null, label: string): Promise<Int32Array | null> {
    const { count, dim } = matrix;
    const copyFloats = (count * int8RowBytes(dim)) / 4;
    const queryAddress = this.scratchFor('int8 queries', copyFloats);
    const itemAddress = this.scratchFor('int8 items', copyFloats);
    const staging = this.scratchFor('int8 staging', int8ScratchBytes(count, dim) / 4);
    const copies = quantiseRowsInt8(this.mainKernel(), this.arena.memory, matrix.address, count, dim, queryAddress, itemAddress, staging);
    if (!copies.bound.every(Number.isFinite)) return null;
    const rows: Int8ScreenRef = { queryAddress, itemAddress, rowBytes: copies.rowBytes, unit: copies.unit, shifts: copies.shifts, bound: copies.bound };
    // A symmetric scan meets about count / 2 items per row, a query count.
    const sample = this.seedSample(copies, int8SeedSample(queryRows === null ? count / 2 : count));
    // A bars area for `lists` lists, open, with the chunk counter at 0 (int8BarsInts).
    const bars = (name: string, lists: number): number => {
      const address = this.scratchFor(name, int8BarsInts(lists));
      new Int32Array(this.arena.memory.buffer, address, int8BarsInts(lists)).fill(INT8_OPEN_BAR).fill(0, lists + 4);
      return address;
    };
    const base = (w: number) => ({ kind: 'int8screen', matrix, rows, sample, k, scratchAddress: this.scratchFor(`int8 screen ${w}`, INT8_SCREEN_SCRATCH_INTS) }) as const;
    if (queryRows === null) {
      const barsAddress = bars('int8 bars', count);
      const parts = await this.symmetricParts((w) => ({ ...base(w), barsAddress, queryRows: null }), count, label);
      if (parts.some((part) => 'overflow' in part)) return null;
      this.screenCounts.int8 += 1;
      return mergeTopK(parts.map((result) => ({ indices: result.indices as Int32Array, scores: result.scores as Float64Array })), count, k).indices;
    }
    const workers = this.start();
    const onProgress = this.reporter(label, queryRows.length * count);
    const slices = split(queryRows, workers.length);
    const parts = await Promise.all(slices.map((slice, w) => this.run(workers[w] as Worker, { ...base(w), barsAddress: bars(`int8 bars ${w}`, slice.length), queryRows: slice, part: 0, parts: 1 }, onProgress)));
    if (parts.some((part) => 'overflow' in part)) return null;
    this.screenCounts.int8 += 1;
    return concat(parts.map((result) => result.indices as Int32Array));
  }

  /** The screened search (screened-knn.ts): integer pass, settle, float32 rescoring, full scan of the rest. */
  private async screenedNeighbours(matrix: MatrixRef, k: number, queryRows: Int32Array | null, label: string, width: number): Promise<Int32Array> {
    const { count, dim } = matrix;
    const area = this.scratchFor('quantised', (count * quantisedRowBytes(dim)) / 4);
    const stats = this.scratchFor('quantised stats', count * 6);
    const quantised = quantiseRows(this.mainKernel(), this.arena.memory, matrix.address, count, dim, area, stats);
    const rows: QuantisedRef = { address: quantised.address, rowBytes: quantised.rowBytes, count };
    const lists = queryRows === null ? count : queryRows.length;
    const screen = await this.topLists((w) => ({ kind: 'screen', rows, size: width, scratchAddress: this.scratchFor(`screen ${w}`, screenScratchInts(lists)) }), count, width, queryRows, label);
    const rowOf = (list: number): number => (queryRows ? (queryRows[list] as number) : list);
    const { settled, candidates, unsettled } = settleScreen(screen.scores, screen.indices, width, k, quantised.bound, rowOf);
    this.screenCounts.settled += settled.length;
    this.screenCounts.unsettled += unsettled.length;
    // Past half the rows, one symmetric scan (each pair once) is cheaper than scanning them one by one.
    if (queryRows === null && unsettled.length * 2 > count) return (await this.topLists(() => ({ kind: 'topk', matrix, k }), count, k, null, `${label}, in full`)).indices;
    const result = new Int32Array(screen.indices.length / width * k);
    const place = (positions: Int32Array, indices: Int32Array) => positions.forEach((list, p) => result.set(indices.subarray(p * k, (p + 1) * k), list * k));
    const workers = this.start();
    const slices = split(Int32Array.from(settled.keys()), workers.length);
    const refined = await Promise.all(
      slices.map((slice, w) => {
        const first = slice[0] as number;
        const end = first + slice.length;
        const task: WorkerTask = { kind: 'refine', matrix, queryRows: settled.slice(first, end).map(rowOf), candidates: candidates.slice(first * width, end * width), width, k };
        return this.run(workers[w] as Worker, task, () => undefined);
      }),
    );
    place(settled, concat(refined.map((part) => part.indices as Int32Array)));
    if (unsettled.length > 0) {
      const open = unsettled.map(rowOf);
      const exact = await this.topLists(() => ({ kind: 'topk', matrix, k }), count, k, open, `${label}, ${unsettled.length} rows the screen left open`);
      place(unsettled, exact.indices);
    }
    return result;
  }

  /**
   * Runs a top-k task (`topk` or `screen`, as `taskFor(worker)` gives it) on every worker and
   * gathers its lists of `size`: symmetric mode (`queryRows` null) merges the workers' lists of
   * every row; otherwise each worker takes a slice of the queries.
   */
  private async topLists(
    taskFor: (worker: number) => ListTaskBase,
    count: number,
    size: number,
    queryRows: Int32Array | null,
    label: string,
  ): Promise<{ indices: Int32Array; scores: Float64Array }> {
    if (queryRows === null) {
      const parts = await this.symmetricParts((part) => ({ ...taskFor(part), queryRows: null }) as SymmetricTaskBase, count, label);
      return mergeTopK(parts.map((result) => ({ indices: result.indices as Int32Array, scores: result.scores as Float64Array })), count, size);
    }
    const workers = this.start();
    const onProgress = this.reporter(label, queryRows.length * count);
    const slices = split(queryRows, workers.length);
    const parts = await Promise.all(slices.map((rows, w) => this.run(workers[w] as Worker, { ...taskFor(w), queryRows: rows, part: 0, parts: 1 } as WorkerTask, onProgress)));
    return { indices: concat(parts.map((result) => result.indices as Int32Array)), scores: concatFloats(parts.map((result) => result.scores as Float64Array)) };
  }


  /** `wanted` rows (at most all) spread evenly over the matrix, their item copies side by side in a scratch area. */
  private seedSample(copies: Int8Rows, wanted: number): SeedSample {
    const { count, rowBytes, itemAddress } = copies;
    const size = Math.min(wanted, count);
    const rows = Int32Array.from({ length: size }, (_, m) => Math.floor((m * count) / size));
    const address = this.scratchFor('int8 sample', (size * rowBytes) / 4);
    const bytes = new Uint8Array(this.arena.memory.buffer);
    rows.forEach((row, m) => bytes.copyWithin(address + m * rowBytes, itemAddress + row * rowBytes, itemAddress + (row + 1) * rowBytes));
    return { address, rows };
  }

  /** Runs a symmetric scan task (each worker its share of the row chunks) on every worker; returns their answers in worker order. */
  private symmetricParts(taskFor: (worker: number) => SymmetricTaskBase, count: number, label: string): Promise<Array<Record<string, unknown>>> {
    const workers = this.start();
    const onProgress = this.reporter(label, symmetricPairs(count));
    return Promise.all(workers.map((worker, part) => this.run(worker, { ...taskFor(part), part, parts: workers.length } as WorkerTask, onProgress)));
  }

  async partnerRanks(queries: Float32Array, items: Float32Array, count: number, dim: number, queryRows: Int32Array | null, cap: number, label: string, hints: PartnerHints | null = null) {
    const rows = queryRows ?? allRows(count);
    const workers = this.start();
    const onProgress = this.reporter(label, rows.length * count);
    const slices = split(rows, workers.length);
    const queryRef = this.ref(queries, count, dim);
    const itemRef = this.ref(items, count, dim);
    let first = 0;
    const parts = await Promise.all(
      slices.map((slice, w) => {
        const sliceHints = hints ? { lists: hints.lists.slice(first * hints.k, (first + slice.length) * hints.k), k: hints.k } : null;
        first += slice.length;
        return this.run(workers[w] as Worker, { kind: 'ranks', queries: queryRef, items: itemRef, queryRows: slice, cap, hints: sliceHints }, onProgress);
      }),
    );
    return concat(parts.map((result) => result.ranks as Int32Array));
  }

  async nearestCentroids(values: Float32Array, count: number, dim: number, centroids: Float32Array, norms: Float64Array, rows: Int32Array | null): Promise<NearestCentroids> {
    const k = norms.length;
    if (k > ITEM_BLOCK) return jsNearestCentroids(values, count, dim, centroids, norms, rows);
    const all = rows ?? allRows(count);
    const workers = this.start();
    const matrix = this.ref(values, count, dim);
    const centres = this.ref(centroids, k, dim);
    const parts = await Promise.all(split(all, workers.length).map((slice, w) => this.run(workers[w] as Worker, { kind: 'centroids', matrix, centroids: centres, norms, rows: slice }, () => undefined)));
    const gap = new Float64Array(all.length);
    let offset = 0;
    for (const part of parts) {
      gap.set(part.gap as Float64Array, offset);
      offset += (part.gap as Float64Array).length;
    }
    return { best: concat(parts.map((part) => part.best as Int32Array)), gap };
  }

  rowSums(values: Float32Array, dim: number, rows: Int32Array): Float64Array {
    const address = this.arena.addressOf(values);
    if (address === null) return rowSum(values, dim, rows);
    const kernel = this.mainKernel();
    const out = this.scratchFor('row statistics out', 2 * dim);
    new Float64Array(this.arena.memory.buffer, out, dim).fill(0);
    this.forRowChunks(rows, (list, count) => kernel.sum_rows(address, dim, list, count, out));
    return new Float64Array(this.arena.memory.buffer, out, dim).slice();
  }

  squaredDistances(values: Float32Array, dim: number, rows: Int32Array, centre: Float64Array): Float64Array {
    const address = this.arena.addressOf(values);
    if (address === null) return squaredDistances(values, dim, rows, centre);
    const kernel = this.mainKernel();
    const centreAt = this.scratchFor('row statistics centre', 2 * dim);
    const out = this.scratchFor('row statistics out', 2 * STATISTICS_CHUNK);
    new Float64Array(this.arena.memory.buffer, centreAt, dim).set(centre);
    const result = new Float64Array(rows.length);
    let done = 0;
    this.forRowChunks(rows, (list, count) => {
      kernel.squared_distances(address, dim, list, count, centreAt, out);
      result.set(new Float64Array(this.arena.memory.buffer, out, count), done);
      done += count;
    });
    return result;
  }

  async singularValues(matrix: Float64Array, d: number): Promise<Float64Array> {
    const worker = this.backgroundWorker();
    if (worker === null) return singularValues(matrix, d);
    return (await this.run(worker, { kind: 'singular', matrix, d }, () => undefined)).singular as Float64Array;
  }

  sumsOfSquares(vectors: Float32Array, count: number, dim: number): Float64Array {
    return this.rowDots(vectors, vectors, count, dim);
  }

  rowDots(a: Float32Array, b: Float32Array, count: number, dim: number): Float64Array {
    const first = this.arena.addressOf(a);
    const second = this.arena.addressOf(b);
    if (first === null || second === null) return rowDots(a, b, count, dim);
    const kernel = this.mainKernel();
    const out = this.scratchFor('row statistics out', 2 * STATISTICS_CHUNK);
    const result = new Float64Array(count);
    for (let start = 0; start < count; start += STATISTICS_CHUNK) {
      const rows = Math.min(STATISTICS_CHUNK, count - start);
      kernel.row_dots(first + start * dim * 4, second + start * dim * 4, dim, rows, out);
      result.set(new Float64Array(this.arena.memory.buffer, out, rows), start);
    }
    return result;
  }

  scaleRows(vectors: Float32Array, dim: number, rows: Int32Array, scales: Float64Array, out: Float32Array): void {
    const from = this.arena.addressOf(vectors);
    const to = this.arena.addressOf(out);
    if (from === null || to === null) return scaleRows(vectors, dim, rows, scales, out);
    const kernel = this.mainKernel();
    const scalesAt = this.scratchFor('row statistics scales', 2 * STATISTICS_CHUNK);
    let done = 0;
    this.forRowChunks(rows, (list, count) => {
      new Float64Array(this.arena.memory.buffer, scalesAt, count).set(scales.subarray(done, done + count));
      kernel.scale_rows(from, dim, list, count, scalesAt, to + done * dim * 4);
      done += count;
    });
  }

  /**
   * Copies `rows` into the shared memory STATISTICS_CHUNK at a time and calls `visit(address, count)`
   * for each chunk: short calls let V8 replace the kernel's baseline compilation with the optimised one.
   */
  private forRowChunks(rows: Int32Array, visit: (address: number, count: number) => void): void {
    const list = this.scratchFor('row statistics rows', STATISTICS_CHUNK);
    for (let start = 0; start < rows.length; start += STATISTICS_CHUNK) {
      const chunk = rows.subarray(start, Math.min(start + STATISTICS_CHUNK, rows.length));
      new Int32Array(this.arena.memory.buffer, list, chunk.length).set(chunk);
      visit(list, chunk.length);
    }
  }

  crossProducts(requests: readonly CrossProductRequest[]): PendingProducts {
    const workers = this.start();
    const memory = () => this.arena.memory.buffer;
    const slot = this.freeJobSlots.pop() ?? this.jobSlots++;
    const products: CrossProductRef[] = requests.map(({ a, da, b, db, count }, i) => {
      const totalsAddress = this.scratchFor(`cross job ${slot} totals ${i}`, totalsFloats(da, db));
      new Float64Array(memory(), totalsAddress, totalsFloats(da, db) / 2).fill(0);
      // AᵀA: only the upper triangle is formed, and mirrored when read out.
      return { a: this.ref(a, count, da), b: this.ref(b, count, db), symmetric: a === b && da === db, totalsAddress, laneRows: laneRowsFor(da, workers.length) };
    });
    const { units, controlInts } = jobSize(products);
    // A control block of its own, never reused: a worker may still hold a finished job, and looks at its block once more.
    const controlAddress = this.arena.addressOf(this.arena.allocate(controlInts)) as number;
    const job: CrossJob = { products, controlAddress, slotsAddress: this.idleSlots(), units };
    const done = units === 0 ? Promise.resolve() : this.postJob(job, crossScratchFloats(products));
    // A failure surfaces from finish(); until then it must not count as unhandled.
    done.catch(() => undefined);
    const formed = () => (units === 0 ? 1 : Atomics.load(new Int32Array(memory(), controlAddress, 2), UNITS_DONE) / units);
    const finish = async (): Promise<Float64Array[]> => {
      const slots = new Int32Array(memory(), job.slotsAddress, 1);
      // Every worker may now take units: the caller waits for them.
      Atomics.add(slots, 0, 1);
      Atomics.notify(slots, 0);
      try {
        await done;
      } finally {
        Atomics.sub(slots, 0, 1);
      }
      formed(); // an atomic read: every worker's totals are in view from here on
      const out = products.map((product) => this.readProduct(product));
      // (A failed job keeps its scratch set: a worker may still be adding a unit to it.)
      this.freeJobSlots.push(slot);
      return out;
    };
    let finished: Promise<Float64Array[]> | null = null;
    return { finish: () => (finished ??= finish()), formed };
  }

  /** Gives every worker the job (each with its scratch); settles once a worker has formed its last unit, or one failed. */
  private postJob(job: CrossJob, scratchFloats: number): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve: () => resolve(), reject, onProgress: () => undefined });
      this.start().forEach((worker, w) => {
        const scratchAddress = this.scratchFor(`cross ${w}`, scratchFloats);
        worker.postMessage({ kind: 'crossJob', job, scratchAddress, id, memoryBytes: this.arena.memory.buffer.byteLength } satisfies WorkerRequest);
      });
    });
  }

  /** A finished product's da × db values from its padded float64 totals, the lower triangle of AᵀA mirrored from the upper. */
  private readProduct({ a, b, symmetric, totalsAddress }: CrossProductRef): Float64Array {
    const [da, db, width] = [a.dim, b.dim, paddedWidth(b.dim)];
    const totals = new Float64Array(this.arena.memory.buffer, totalsAddress, da * width);
    const product = new Float64Array(da * db);
    for (let p = 0; p < da; p++) {
      const from = symmetric ? p : 0;
      product.set(totals.subarray(p * width + from, p * width + db), p * db + from);
      if (symmetric) for (let q = 0; q < p; q++) product[p * db + q] = product[q * db + p] as number;
    }
    return product;
  }

  async crossProduct(a: Float32Array, da: number, b: Float32Array, db: number, count: number): Promise<Float64Array> {
    return (await this.crossProducts([{ a, da, b, db, count }]).finish())[0] as Float64Array;
  }

  /**
   * The address of the idle-time slot count the workers share (idle-work.ts): threads − 1 units
   * at a time leave a core to this thread; PendingProducts.finish() adds one while it waits.
   */
  private idleSlots(): number {
    if (this.slotsAddress === null) {
      this.slotsAddress = this.scratchFor('idle slots', 1);
      Atomics.store(new Int32Array(this.arena.memory.buffer, this.slotsAddress, 1), 0, this.threads - 1);
    }
    return this.slotsAddress;
  }

  /** The kernel instantiated on this thread, for the quantisation and the row statistics (score-kernel.wat). */
  private mainKernel(): Int8QuantiseKernel & StatisticsKernel {
    this.instance ??= new WebAssembly.Instance(this.wasm.module, { env: { memory: this.arena.memory } });
    return this.instance.exports as unknown as Int8QuantiseKernel & StatisticsKernel;
  }

  /** The byte address of a named scratch area of at least `floats` 4-byte values in the shared memory (grown on demand, reused). */
  private scratchFor(name: string, floats: number): number {
    let area = this.scratch.get(name);
    if (!area || area.length < floats) {
      area = this.arena.allocate(floats);
      this.scratch.set(name, area);
    }
    return this.arena.addressOf(area) as number;
  }

  async close() {
    // A task or job still pending would otherwise never settle.
    for (const pending of this.pending.values()) pending.reject(new Error('the kNN engine was closed before its task finished'));
    this.pending.clear();
    await Promise.all([...this.workers, ...(this.background ? [this.background] : [])].map((worker) => worker.terminate()));
    this.workers = [];
    this.background = null;
  }
}

/** Splits rows into `parts` contiguous slices of nearly equal size (a multiple of the query group). */
function split(rows: Int32Array, parts: number): Int32Array[] {
  const groups = Math.ceil(rows.length / QUERY_GROUP);
  const slices: Int32Array[] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const end = Math.min(rows.length, Math.round((groups * (p + 1)) / parts) * QUERY_GROUP);
    if (end > start) slices.push(rows.slice(start, end));
    start = end;
  }
  return slices;
}

/** The workers' slices, joined in order. */
function concat(parts: readonly Int32Array[]): Int32Array {
  return join(parts, (length) => new Int32Array(length));
}

/** The workers' float slices, joined in order. */
function concatFloats(parts: readonly Float64Array[]): Float64Array {
  return join(parts, (length) => new Float64Array(length));
}

/** The parts, joined in order into one array made by `make`. */
function join<T extends Int32Array | Float64Array>(parts: readonly T[], make: (length: number) => T): T {
  const out = make(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part as never, offset);
    offset += part.length;
  }
  return out;
}
