// Worker thread of the WebAssembly kNN engine. Bundled by scripts/build.mjs into
// src/kernels/generated/knn-worker-source.ts and started with `new Worker(source, { eval: true })`.
import { parentPort, workerData } from 'node:worker_threads';
import type { CrossJob, CrossKernel } from './cross-job.js';
import { IdleWork } from './idle-work.js';
import { nearestCentroidTask, partnerRankTask, topKTask, type MatrixRef, type ScoreBlock } from './knn-tasks.js';
import { int8ScreenTask, type Int8ScreenRef, type ScoreRows, type SeedSample } from './int8-screen-task.js';
import { refineTask, screenTask, type FilterTile, type IntScoreBlock, type QuantisedRef } from './screen-tasks.js';
import { singularValues } from './singular-values.js';

/** A task the engine gives a worker. */
export type WorkerTask =
  | { kind: 'topk'; matrix: MatrixRef; k: number; queryRows: Int32Array | null; part: number; parts: number }
  | { kind: 'ranks'; queries: MatrixRef; items: MatrixRef; queryRows: Int32Array; cap: number; hints: { lists: Int32Array; k: number } | null }
  | { kind: 'crossJob'; job: CrossJob; scratchAddress: number }
  | { kind: 'centroids'; matrix: MatrixRef; centroids: MatrixRef; norms: Float64Array; rows: Int32Array }
  | { kind: 'screen'; rows: QuantisedRef; size: number; queryRows: Int32Array | null; part: number; parts: number; scratchAddress: number }
  | { kind: 'refine'; matrix: MatrixRef; queryRows: Int32Array; candidates: Int32Array; width: number; k: number }
  | { kind: 'int8screen'; matrix: MatrixRef; rows: Int8ScreenRef; sample: SeedSample; k: number; queryRows: Int32Array | null; part: number; parts: number; scratchAddress: number; barsAddress: number }
  | { kind: 'singular'; matrix: Float64Array; d: number };

/** A task with the id its answer carries, and the shared memory's size in bytes when it was sent. */
export type WorkerRequest = WorkerTask & { id: number; memoryBytes: number };

/** What the worker was started with. */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly tileAddress: number;
}

const PROGRESS_INTERVAL_MS = 250;

const init = workerData as WorkerInit;
const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
const score = instance.exports.score_block as ScoreBlock;
const heap = () => init.memory.buffer;
const intScore = instance.exports.score_i16 as IntScoreBlock;
const int8Score = instance.exports.score_i8 as IntScoreBlock;
const scoreRows = instance.exports.score_rows as ScoreRows;
const filter = instance.exports.filter_tile as FilterTile;
const idle = new IdleWork(instance.exports as unknown as CrossKernel, heap, (message) => parentPort?.postMessage(message));

/**
 * Makes this thread's view of the shared memory at least `bytes` long. Another thread's growth
 * reaches a worker's WebAssembly.Memory lazily (V8), so a task's addresses past the old end would
 * throw; grow(0) refreshes the view.
 */
function seeMemory(bytes: number): void {
  for (let attempt = 0; init.memory.buffer.byteLength < bytes; attempt++) {
    if (attempt === 1000) throw new Error(`the shared memory is ${init.memory.buffer.byteLength} bytes in this worker, ${bytes} on the main thread`);
    init.memory.grow(0);
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  let pending = 0;
  let last = Date.now();
  const tick = (units: number) => {
    pending += units;
    const now = Date.now();
    if (now - last >= PROGRESS_INTERVAL_MS) {
      parentPort?.postMessage({ id: request.id, progress: pending });
      pending = 0;
      last = now;
    }
  };
  try {
    seeMemory(request.memoryBytes);
    if (request.kind === 'topk' || request.kind === 'screen' || request.kind === 'refine' || request.kind === 'int8screen') {
      const lists =
        request.kind === 'topk'
          ? topKTask(score, heap, request.matrix, request.k, request.queryRows, request.part, request.parts, init.tileAddress, tick)
          : request.kind === 'screen'
            ? screenTask(intScore, filter, heap, request.rows, request.size, request.queryRows, request.part, request.parts, init.tileAddress, request.scratchAddress, tick)
            : request.kind === 'refine'
              ? refineTask(score, heap, request.matrix, request.queryRows, request.candidates, request.width, request.k, init.tileAddress)
              : int8ScreenTask(int8Score, scoreRows, filter, heap, request.matrix, request.rows, request.sample, request.k, request.queryRows, request.part, request.parts, init.tileAddress, request.scratchAddress, request.barsAddress, tick);
      // Null: the int8 filter passed too many pairs, and the engine hands the search to the int16 screen.
      if (lists === null) parentPort?.postMessage({ id: request.id, progress: pending, overflow: true });
      else parentPort?.postMessage({ id: request.id, progress: pending, indices: lists.indices, scores: lists.scores }, [lists.indices.buffer as ArrayBuffer, lists.scores.buffer as ArrayBuffer]);
    } else if (request.kind === 'centroids') {
      const { best, gap } = nearestCentroidTask(score, heap, request.matrix, request.centroids, request.norms, request.rows, init.tileAddress);
      parentPort?.postMessage({ id: request.id, best, gap }, [best.buffer as ArrayBuffer, gap.buffer as ArrayBuffer]);
    } else if (request.kind === 'singular') {
      const singular = singularValues(request.matrix, request.d);
      parentPort?.postMessage({ id: request.id, singular }, [singular.buffer as ArrayBuffer]);
    } else if (request.kind === 'crossJob') {
      // Idle-time work: its units run between tasks, and the worker that forms the last one answers.
      idle.add({ id: request.id, job: request.job, scratchAddress: request.scratchAddress });
    } else {
      const ranks = partnerRankTask(score, heap, request.queries, request.items, request.queryRows, request.cap, request.hints, init.tileAddress, tick);
      parentPort?.postMessage({ id: request.id, progress: pending, ranks }, [ranks.buffer as ArrayBuffer]);
    }
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
