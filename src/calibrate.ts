import { compareDetailed, type CompareContext, type CompareResult } from './compare.js';
import type { Logger } from './logger.js';
import type { Policy } from './policy/policy.js';
import type { NoiseFloor, NoiseFloorBaseline } from './report/report-noise-floor.js';
import type { Settings } from './settings.js';

/** Absolute margin below the noise floor before a patch fails (kNN overlap and CKA are both in [0, 1]). */
export const NOISE_MARGIN = 0.05;

/**
 * The noise floor: the reference against each baseline (the reference model retrained with another
 * seed, embedding the same probe items), with the same settings as the comparison. For each: kNN
 * overlap with its standard error (from the per-item overlap histogram: SE = sd / √n, the bootstrap
 * SE of a mean), linear CKA, and the change of the mean inter-centroid distance.
 */
export async function measureNoiseFloor(settings: Settings, log: Logger, context: CompareContext = {}): Promise<NoiseFloorBaseline[]> {
  const baselines: NoiseFloorBaseline[] = [];
  for (const baseline of settings.baselines) {
    log.info(`noise floor: the reference against the baseline ${baseline}`);
    const quiet: Logger = { ...log, info: (message) => log.info(`baseline ${baseline}: ${message}`) };
    const { report } = await compareDetailed(
      { ...settings, candidate: { path: baseline, format: settings.candidate.format, ids: null, manifest: null }, reference: { ...settings.reference, manifest: null }, maps: false, queryShard: null, baselines: [] },
      quiet,
      { nameOf: context.nameOf },
    );
    const knn = report.metrics.knnOverlap;
    baselines.push({
      source: baseline,
      knnOverlap: knn.mean,
      knnOverlapSe: histogramStandardError(knn.histogram),
      cka: report.metrics.cka.linear,
      interCentroidChange: report.metrics.centroid.meanInterCentroidDistance.relativeChange,
    });
  }
  return baselines;
}

/** SE of the mean of per-item overlaps j/k, from their histogram (counts per j = 0…k): sd / √n. */
function histogramStandardError(histogram: readonly number[]): number {
  const k = histogram.length - 1;
  const n = histogram.reduce((sum, count) => sum + count, 0);
  if (n < 2 || k < 1) return 0;
  const mean = histogram.reduce((sum, count, j) => sum + count * (j / k), 0) / n;
  const variance = histogram.reduce((sum, count, j) => sum + count * (j / k - mean) ** 2, 0) / (n - 1);
  return Math.sqrt(variance / n);
}

/**
 * Patch limits from the noise floor (`thresholds: auto`):
 * - kNN overlap: warn below L = min_b (overlap_b − 1.96·SE_b), the lowest a harmless retrain reached
 *   within its 95% uncertainty; fail below L − 0.05;
 * - linear CKA: warn below min_b CKA_b, fail 0.05 below it.
 * Values are clamped to [0, 1]; a metric no baseline measured keeps the configured limits.
 */
export function deriveThresholds(baselines: readonly NoiseFloorBaseline[]): NoiseFloor['derived'] {
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  const overlaps = baselines.map((b) => b.knnOverlap - 1.96 * b.knnOverlapSe);
  const ckas = baselines.flatMap((b) => (b.cka === null ? [] : [b.cka]));
  const overlapWarn = overlaps.length > 0 ? clamp(Math.min(...overlaps)) : null;
  const ckaWarn = ckas.length > 0 ? clamp(Math.min(...ckas)) : null;
  return {
    margin: NOISE_MARGIN,
    knnOverlapMean: overlapWarn === null ? null : { warn: overlapWarn, fail: clamp(overlapWarn - NOISE_MARGIN) },
    ckaLinear: ckaWarn === null ? null : { warn: ckaWarn, fail: clamp(ckaWarn - NOISE_MARGIN) },
  };
}

/** The policy with the derived limits as the patch level's kNN overlap and CKA limits. */
export function withDerivedLimits(policy: Policy, derived: NoiseFloor['derived']): Policy {
  if (derived === null) return policy;
  const patch = policy.levels.patch;
  const limits = { ...patch.limits, ...(derived.knnOverlapMean ? { knnOverlapMean: derived.knnOverlapMean } : {}), ...(derived.ckaLinear ? { ckaLinear: derived.ckaLinear } : {}) };
  return { ...policy, levels: { ...policy.levels, patch: { ...patch, limits } } };
}

/**
 * compare with baselines: measures the noise floor first; with `thresholds: auto` the patch limits
 * come from it; then compares, and the report carries the noise floor (and the derived limits) next
 * to the candidate's figures. Without baselines it is compare itself.
 */
export async function compareWithBaselines(settings: Settings, log: Logger, context: CompareContext = {}): Promise<CompareResult> {
  if (settings.baselines.length === 0) return compareDetailed(settings, log, context);
  const baselines = await measureNoiseFloor(settings, log, context);
  const derived = settings.thresholds === 'auto' ? deriveThresholds(baselines) : null;
  const result = await compareDetailed(settings, log, { ...context, adjustPolicy: (policy) => withDerivedLimits(policy, derived) });
  const noiseFloor: NoiseFloor = { baselines, derived };
  return { ...result, report: { ...result.report, noiseFloor } };
}
