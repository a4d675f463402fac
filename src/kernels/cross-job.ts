import { QUERY_GROUP } from './score-block.js';
import type { MatrixRef } from './knn-tasks.js';

/** Rows per float32 partial sum in the WebAssembly cross-product (relative error about √256 · 2⁻²⁴). */
export const CROSS_CHUNK = 256;

/** Columns of B per packed panel (the kernel's 4 × 8 register tile takes 4 columns of A and 8 of B). */
const B_PANEL = 8;

/** The cross-product exports (see score-kernel.wat): column panels, and AᵀB of packed panels. */
export interface CrossKernel {
  readonly pack_panels: (src: number, rows: number, rowBytes: number, col0: number, cols: number, width: number, dst: number) => void;
  /** Adds each float32 chunk sum to the float64 totals at `out` (rows `outStride` values apart). */
  readonly cross_panels: (a: number, b: number, rows: number, panels: number, out: number, outStride: number) => void;
}

/** One product of a job: AᵀB (A: count × da, B: count × db), its float64 totals (totalsFloats) at `totalsAddress`. */
export interface CrossProductRef {
  readonly a: MatrixRef;
  readonly b: MatrixRef;
  /** A = B: only the upper triangle is formed (the engine mirrors the rest). */
  readonly symmetric: boolean;
  readonly totalsAddress: number;
  /** Output rows per lane (a multiple of QUERY_GROUP). */
  readonly laneRows: number;
}

/**
 * A set of cross-products cut into units that any worker may take: unit = (product, chunk of
 * CROSS_CHUNK rows, lane of output rows), numbered product by product, chunk by chunk, lane by lane.
 * A lane's chunks are added to its totals strictly in chunk order (each waits for the one before),
 * so every total is the same float64 sum of the same float32 chunk sums, whoever forms it.
 * The control block (Int32, at `controlAddress`): [next unit to claim, units done, then each lane's
 * chunks done]. `slotsAddress` holds how many more workers may take idle-time units now.
 */
export interface CrossJob {
  readonly products: readonly CrossProductRef[];
  readonly controlAddress: number;
  readonly slotsAddress: number;
  readonly units: number;
}

/** Control block indices. */
export const NEXT_UNIT = 0;
export const UNITS_DONE = 1;
const LANES_FROM = 2;

/** Columns of the float64 totals for db columns of B: whole panels. */
export function paddedWidth(db: number): number {
  return Math.ceil(db / B_PANEL) * B_PANEL;
}

/**
 * Float32-sized values (4 bytes each) of a product's float64 totals: da rows rounded up to whole
 * column groups (the kernel adds the zero-padded columns' zeros to those rows too), paddedWidth(db) each.
 */
export function totalsFloats(da: number, db: number): number {
  return 2 * Math.ceil(da / QUERY_GROUP) * QUERY_GROUP * paddedWidth(db);
}

/** Output rows per lane: about four lanes per thread, at most 64 rows (a unit is then about 1 ms at d = 768). */
export function laneRowsFor(da: number, threads: number): number {
  const rows = Math.ceil(da / (4 * threads) / QUERY_GROUP) * QUERY_GROUP;
  return Math.min(64, Math.max(QUERY_GROUP, rows));
}

function lanesOf(product: Pick<CrossProductRef, 'a' | 'laneRows'>): number {
  return Math.ceil(product.a.dim / product.laneRows);
}

function chunksOf(product: Pick<CrossProductRef, 'a'>): number {
  return Math.ceil(product.a.count / CROSS_CHUNK);
}

/** Units of a job's products (Σ lanes × chunks) and the Int32 values of its control block. */
export function jobSize(products: ReadonlyArray<Pick<CrossProductRef, 'a' | 'laneRows'>>): { units: number; controlInts: number } {
  let units = 0;
  let lanes = 0;
  for (const product of products) {
    units += lanesOf(product) * chunksOf(product);
    lanes += lanesOf(product);
  }
  return { units, controlInts: LANES_FROM + lanes };
}

/** Scratch floats one worker needs for a job: B's panels and one lane's panels of A, for a chunk. */
export function crossScratchFloats(products: ReadonlyArray<Pick<CrossProductRef, 'b' | 'laneRows'>>): number {
  return Math.max(...products.map(({ b, laneRows }) => (paddedWidth(b.dim) + laneRows) * CROSS_CHUNK));
}

/** Which B chunk a worker's scratch holds, so consecutive units of one chunk pack it once. */
export interface PackedChunk {
  job: CrossJob | null;
  product: number;
  chunk: number;
}

/**
 * Forms unit `unit` of the job: waits (Atomics.wait) until its lane has added every earlier chunk,
 * packs B's chunk (unless `packed` says the scratch holds it) and the lane's columns of A into
 * panels, lets the kernel add the chunk's float32 sums A[r][p]·B[r][q] (q ≥ p when symmetric) to
 * the lane's float64 totals, and marks the chunk done. Returns whether it was the job's last unit.
 */
export function runCrossUnit(kernel: CrossKernel, heap: () => ArrayBuffer | SharedArrayBuffer, job: CrossJob, unit: number, scratchAddress: number, packed: PackedChunk): boolean {
  let product = 0;
  let first = 0;
  let laneBase = LANES_FROM;
  for (; ; product++) {
    const units = lanesOf(job.products[product]!) * chunksOf(job.products[product]!);
    if (unit < first + units) break;
    first += units;
    laneBase += lanesOf(job.products[product]!);
  }
  const { a, b, symmetric, totalsAddress, laneRows } = job.products[product]!;
  const lanes = lanesOf(job.products[product]!);
  const chunk = Math.floor((unit - first) / lanes);
  const lane = laneBase + ((unit - first) % lanes);
  const control = new Int32Array(heap(), job.controlAddress, lane + 1);
  for (let seen = Atomics.load(control, lane); seen !== chunk; seen = Atomics.load(control, lane)) Atomics.wait(control, lane, seen);

  const { count, dim: da } = a;
  const db = b.dim;
  const width = paddedWidth(db);
  const panels = width / B_PANEL;
  const start = chunk * CROSS_CHUNK;
  const rows = Math.min(CROSS_CHUNK, count - start);
  const bPanels = scratchAddress;
  const aPanels = bPanels + width * CROSS_CHUNK * 4;
  if (packed.job !== job || packed.product !== product || packed.chunk !== chunk) {
    kernel.pack_panels(b.address + start * db * 4, rows, db * 4, 0, db, B_PANEL, bPanels);
    Object.assign(packed, { job, product, chunk });
  }
  const pStart = (lane - laneBase) * laneRows;
  const pEnd = Math.min(da, pStart + laneRows);
  kernel.pack_panels(a.address + start * da * 4, rows, da * 4, pStart, pEnd - pStart, QUERY_GROUP, aPanels);
  for (let p = pStart; p < pEnd; p += QUERY_GROUP) {
    const from = symmetric ? Math.floor(p / B_PANEL) : 0;
    kernel.cross_panels(aPanels + (p - pStart) * rows * 4, bPanels + from * rows * B_PANEL * 4, rows, panels - from, totalsAddress + (p * width + from * B_PANEL) * 8, width);
  }
  Atomics.store(control, lane, chunk + 1);
  Atomics.notify(control, lane);
  return Atomics.add(control, UNITS_DONE, 1) + 1 === job.units;
}
