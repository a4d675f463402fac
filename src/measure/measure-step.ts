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
}

/** Runs the steps in order, each after the ones it reads, logging "<describe> in <ms> ms" for each. */
export async function runMeasureSteps(steps: readonly MeasureStep[], input: MeasureInput, log: Logger): Promise<Measurements> {
  let done: Measurements = {};
  for (const step of steps) {
    const started = Date.now();
    done = { ...done, ...(await step.run(input, done)) };
    log.info(`${step.describe(input, done)} in ${Date.now() - started} ms`);
  }
  return done;
}
