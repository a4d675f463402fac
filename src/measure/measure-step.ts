import type { Logger } from '../logger.js';
import type { AlignedPair } from '../core/align.js';
import type { KnnEngine } from '../kernels/knn-engine.js';
import type { Settings } from '../settings.js';
import type { Measurements } from './measurements.js';

/** What every step reads: the aligned pair (a whole comparison, or one component's slice) and the run's choices. */
export interface MeasureInput {
  readonly engine: KnnEngine;
  readonly pair: AlignedPair;
  readonly settings: Settings;
  /** The evaluated query rows (a sample and/or a shard), or `null` for every item. */
  readonly queryRows: Int32Array | null;
  /** The whole run's query rows (before sharding) when they are a sample, or `null` for every item in row order. */
  readonly allQueries: Int32Array | null;
  /** Whether the queries are a seeded sample (the kNN summary then carries a 95% interval). */
  readonly sampled: boolean;
  /** Why the equal-dimension metrics do not apply, or `null` when the dimensions are equal. */
  readonly dimensionReason: string | null;
}

/**
 * One named measurement: it reads the input and what earlier steps produced, and returns its own
 * part of the measurements. Timing and logging are done once, by runMeasureSteps.
 */
export interface MeasureStep {
  /** The log line's subject once the step is done, e.g. "kNN overlap (k=10, 1797 queries, exact)". */
  readonly describe: (input: MeasureInput, done: Measurements) => string;
  readonly run: (input: MeasureInput, done: Measurements) => Promise<Partial<Measurements>> | Partial<Measurements>;
  /**
   * The step runs alongside the steps after it (its work is on a thread of its own): it starts in
   * its turn, and the steps are done once it has finished. No later step may read what it produces.
   */
  readonly alongside?: boolean;
  /**
   * Work the step starts before the first step runs, at a priority that does not hold the steps
   * before it up (the engine's idle-time cross-products); what it returns is there for every step.
   */
  readonly headStart?: (input: MeasureInput) => Partial<Measurements>;
}

/**
 * Starts every step's head start, then runs the steps in order, each after the ones it reads,
 * logging "<describe> in <ms> ms" for each (an `alongside` step when it finishes, with its own
 * time), and returns once every step is done.
 */
export async function runMeasureSteps(steps: readonly MeasureStep[], input: MeasureInput, log: Logger): Promise<Measurements> {
  let done: Measurements = {};
  for (const step of steps) if (step.headStart) done = { ...done, ...step.headStart(input) };
  const alongside: Array<Promise<Partial<Measurements>>> = [];
  const timed = async (step: MeasureStep, from: Measurements): Promise<Partial<Measurements>> => {
    const started = Date.now();
    const result = await step.run(input, from);
    log.info(`${step.describe(input, { ...from, ...result })} in ${Date.now() - started} ms${step.alongside ? ' (alongside the steps after it)' : ''}`);
    return result;
  };
  let failed = false;
  let failure: unknown;
  try {
    for (const step of steps) {
      if (step.alongside) alongside.push(timed(step, done));
      else done = { ...done, ...(await timed(step, done)) };
    }
  } catch (error) {
    failed = true;
    failure = error;
  }
  // Steps running alongside finish (or fail) before anything goes up; a foreground failure comes first.
  const results = await Promise.allSettled(alongside);
  if (failed) throw failure;
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason;
    done = { ...done, ...result.value };
  }
  return done;
}
