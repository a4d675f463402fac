import type { ReportMetrics } from '../report/report-metrics.js';

/** Whether a limit is a floor (value must stay at or above it) or a ceiling. */
export type Direction = 'min' | 'max';

/** A reading of a gated metric from the report: its value or the reason it has none. */
export interface MetricReading {
  readonly value: number | null;
  /** A 95% interval when the value is an estimate from a sample. */
  readonly interval: readonly [number, number] | null;
  readonly reason: string | null;
}

/** A metric the policy can put limits on. */
export interface GatedMetric {
  readonly label: string;
  readonly direction: Direction;
  readonly read: (metrics: ReportMetrics) => MetricReading;
}

const exact = (value: number | null, reason: string | null): MetricReading => ({ value, interval: null, reason });

/** Every metric a policy may limit, by its config name. */
export const GATED_METRICS = {
  knnOverlapMean: {
    label: 'kNN overlap (mean)',
    direction: 'min',
    read: (m) => ({ value: m.knnOverlap.mean, interval: m.knnOverlap.ci95, reason: null }),
  },
  knnOverlapP10: { label: 'kNN overlap (p10)', direction: 'min', read: (m) => exact(m.knnOverlap.p10, null) },
  ckaLinear: { label: 'linear CKA', direction: 'min', read: (m) => exact(m.cka.linear, m.cka.reason) },
  pairedCosineMean: { label: 'paired cosine (mean)', direction: 'min', read: (m) => exact(m.paired.cosineMean, m.paired.reason) },
  centroidCosineDistance: {
    label: 'centroid cosine distance',
    direction: 'max',
    read: (m) => exact(m.centroid.cosineDistance, m.centroid.reason),
  },
  centroidRelativeShift: {
    label: 'centroid relative shift',
    direction: 'max',
    read: (m) => exact(m.centroid.relativeShift, m.centroid.reason),
  },
  interCentroidDistanceChange: {
    label: 'inter-centroid distance change (absolute)',
    direction: 'max',
    read: (m) => {
      const change = m.centroid.meanInterCentroidDistance.relativeChange;
      return exact(change === null ? null : Math.abs(change), m.centroid.meanInterCentroidDistance.reason);
    },
  },
  crossRetrievalTop1: {
    label: 'cross-model top-1',
    direction: 'min',
    read: (m) => exact(m.crossRetrieval.top1, m.crossRetrieval.reason),
  },
  procrustesAlignedCosineMean: {
    label: 'Procrustes-aligned cosine (mean)',
    direction: 'min',
    read: (m) => exact(m.procrustes.alignedCosineMean, m.procrustes.reason),
  },
} as const satisfies Record<string, GatedMetric>;

export type GatedMetricName = keyof typeof GATED_METRICS;
export const GATED_METRIC_NAMES = Object.keys(GATED_METRICS) as GatedMetricName[];
