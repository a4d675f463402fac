import type { KernelName } from '../kernels/wasm-kernel.js';
import type { MmdTest } from '../metrics/mmd.js';

/** Version of the monitor report layout. */
export const MONITOR_SCHEMA_VERSION = 1;

/** One reference cluster in a monitor run: its share of each side and how far its centroid moved. */
export interface MonitorCluster {
  readonly cluster: number;
  readonly referenceShare: number;
  readonly currentShare: number;
  /** ‖μ_ref − μ_cur‖ of the cluster's items on each side, or `null` when no current item fell in it. */
  readonly centroidDistance: number | null;
}

/** A limit a monitor run reached. */
export interface MonitorBreach {
  readonly check: 'mmdPValue' | 'psi' | 'interCentroidChange';
  readonly level: 'warn' | 'fail';
  readonly value: number;
  readonly limit: number;
  readonly message: string;
}

/** What `embedding-gate monitor` reports: unpaired reference and current items in one model space. */
export interface MonitorReport {
  readonly schemaVersion: typeof MONITOR_SCHEMA_VERSION;
  readonly kind: 'monitor';
  readonly tool: { readonly name: 'embedding-gate'; readonly version: string };
  readonly settings: { readonly clusters: number; readonly seed: number; readonly permutations: number; readonly mmdSample: number; readonly kernel: KernelName };
  readonly reference: { readonly source: string; readonly count: number; readonly dim: number };
  readonly current: { readonly source: string; readonly count: number; readonly dim: number };
  readonly centroid: { readonly euclidean: number; readonly cosineDistance: number };
  readonly interCentroid: { readonly reference: number | null; readonly current: number | null; readonly relativeChange: number | null };
  readonly population: { readonly psi: number; readonly chiSquare: number; readonly degreesOfFreedom: number };
  readonly clusters: readonly MonitorCluster[];
  readonly mmd: MmdTest;
  readonly limits: MonitorLimits;
  readonly verdict: { readonly status: 'pass' | 'warn' | 'fail'; readonly breaches: readonly MonitorBreach[] };
}

/** The monitor's thresholds: warn and fail levels; `null` turns a check off. */
export interface MonitorLimits {
  /** Warn when the permutation test's p-value is below α. */
  readonly alpha: number | null;
  readonly psi: { readonly warn: number | null; readonly fail: number | null };
  /** On |relative change| of the mean inter-centroid distance. */
  readonly interCentroidChange: { readonly warn: number | null; readonly fail: number | null };
}

/** Defaults: PSI 0.1 / 0.25 (the usual "moderate" and "significant" shift), inter-centroid change 5% / 10%, α = 0.05. */
export const DEFAULT_MONITOR_LIMITS: MonitorLimits = { alpha: 0.05, psi: { warn: 0.1, fail: 0.25 }, interCentroidChange: { warn: 0.05, fail: 0.1 } };
