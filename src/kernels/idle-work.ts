import { NEXT_UNIT, runCrossUnit, type CrossJob, type CrossKernel, type PackedChunk } from './cross-job.js';

/** A job as one worker holds it: the id its answer carries, and this worker's scratch. */
interface HeldJob {
  readonly id: number;
  readonly job: CrossJob;
  readonly scratchAddress: number;
}

/** What a worker's idle work reports: the job's last unit is done, or a unit failed. */
export type IdleReport = { readonly id: number; readonly crossDone: true } | { readonly id: number; readonly error: string };

/**
 * A worker's idle-time work: cross-product jobs (cross-job.ts) whose units it forms between its
 * search tasks. One unit runs at a time, from a setImmediate callback, so a task message that
 * arrives meanwhile runs before the next unit (tasks wait at most one unit, about a millisecond).
 * A unit needs one of the job's slots (slotsAddress: the engine leaves one core to its calling
 * thread until the caller waits for the job); without one, the worker waits for a slot to be
 * given back (Atomics.waitAsync), still answering tasks.
 */
export class IdleWork {
  private readonly jobs: HeldJob[] = [];
  private readonly packed: PackedChunk = { job: null, product: -1, chunk: -1 };
  private scheduled = false;
  private waiting = false;

  constructor(
    private readonly kernel: CrossKernel,
    private readonly heap: () => ArrayBuffer | SharedArrayBuffer,
    private readonly report: (message: IdleReport) => void,
  ) {}

  /** Takes on a job, behind any it already holds. */
  add(held: HeldJob): void {
    this.jobs.push(held);
    this.resume();
  }

  /** Schedules the next unit, if there is work, none is scheduled and no slot is awaited. */
  private resume(): void {
    if (this.scheduled || this.waiting || this.jobs.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.step());
  }

  private step(): void {
    this.scheduled = false;
    const held = this.jobs[0];
    if (held === undefined) return;
    const { job } = held;
    const slots = new Int32Array(this.heap(), job.slotsAddress, 1);
    const control = new Int32Array(this.heap(), job.controlAddress, 2);
    if (!takeSlot(slots)) return this.waitForSlot(slots);
    try {
      const unit = Atomics.add(control, NEXT_UNIT, 1);
      if (unit >= job.units) this.jobs.shift();
      else if (runCrossUnit(this.kernel, this.heap, job, unit, held.scratchAddress, this.packed)) this.report({ id: held.id, crossDone: true });
    } catch (error) {
      // The other workers stop taking this job's units.
      Atomics.store(control, NEXT_UNIT, job.units);
      this.jobs.shift();
      this.report({ id: held.id, error: error instanceof Error ? error.message : String(error) });
    } finally {
      Atomics.add(slots, 0, 1);
      Atomics.notify(slots, 0);
    }
    this.resume();
  }

  private waitForSlot(slots: Int32Array): void {
    const seen = Atomics.load(slots, 0);
    if (seen > 0) return this.resume();
    this.waiting = true;
    const wait = Atomics.waitAsync(slots, 0, seen);
    const resume = () => {
      this.waiting = false;
      this.resume();
    };
    if (wait.async) void wait.value.then(resume);
    else resume();
  }
}

/** Takes one slot if any is free (compare-and-swap, as other workers take them too). */
function takeSlot(slots: Int32Array): boolean {
  for (let free = Atomics.load(slots, 0); free > 0; free = Atomics.load(slots, 0)) {
    if (Atomics.compareExchange(slots, 0, free, free - 1) === free) return true;
  }
  return false;
}
