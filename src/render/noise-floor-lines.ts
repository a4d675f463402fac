import type { Report } from '../report/report.js';
import { formatMetric } from './format-number.js';

/** The range of a baseline figure, e.g. "0.6100–0.6150" (or one value), over the baselines that measured it. */
function range(values: readonly (number | null)[]): string {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return 'n/a';
  const [low, high] = [Math.min(...present), Math.max(...present)];
  return low === high ? formatMetric(low) : `${formatMetric(low)}–${formatMetric(high)}`;
}

/**
 * The noise floor in plain sentences, for every renderer to escape in its own way: each candidate
 * metric next to what harmless retrains of the reference reached, and the limits derived from it.
 */
export function noiseFloorSentences(report: Report): string[] {
  const floor = report.noiseFloor;
  if (!floor || floor.baselines.length === 0) return [];
  const b = floor.baselines;
  const count = `${b.length} harmless retrain${b.length === 1 ? '' : 's'} of the reference model`;
  const lines = [
    `Noise floor (${count}): kNN overlap ${formatMetric(report.metrics.knnOverlap.mean)} vs ${range(b.map((x) => x.knnOverlap))} for a harmless retrain; linear CKA ${formatMetric(report.metrics.cka.linear)} vs ${range(b.map((x) => x.cka))}.`,
  ];
  const derived = floor.derived;
  if (derived) {
    const part = (label: string, limits: { warn: number; fail: number } | null) => (limits ? `${label} warn below ${formatMetric(limits.warn)}, fail below ${formatMetric(limits.fail)}` : null);
    const parts = [part('kNN overlap', derived.knnOverlapMean), part('linear CKA', derived.ckaLinear)].filter(Boolean).join('; ');
    lines.push(`Patch limits derived from it (thresholds: auto; warn at the lowest retrain, kNN overlap less 1.96 standard errors; fail ${derived.margin} below): ${parts}.`);
  }
  return lines;
}
