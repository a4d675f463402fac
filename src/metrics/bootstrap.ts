import { quantileSorted } from '../stats/quantile.js';
import type { RandomSource } from '../stats/random.js';

/** Resamples used for bootstrap intervals: enough for stable 2.5%/97.5% percentiles. */
export const BOOTSTRAP_RESAMPLES = 1000;

/**
 * Percentile bootstrap confidence interval of the mean (Efron 1979): draw `resamples` samples of
 * size n with replacement from `values`, take each sample's mean, and return the
 * (1−level)/2 and (1+level)/2 quantiles (linear interpolation) of those means.
 * Deterministic for a given random source. Cost: resamples · n.
 */
export function bootstrapMeanInterval(
  values: ArrayLike<number>,
  random: RandomSource,
  level = 0.95,
  resamples = BOOTSTRAP_RESAMPLES,
): [number, number] {
  const n = values.length;
  if (n === 0) throw new RangeError('bootstrap of an empty sample');
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)] as number;
    means[b] = sum / n;
  }
  means.sort();
  return [quantileSorted(means, (1 - level) / 2), quantileSorted(means, (1 + level) / 2)];
}
