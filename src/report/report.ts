import type { AlignmentSummary } from '../core/align.js';
import type { BumpClassification } from '../classify/classify-bump.js';
import type { Verdict } from '../policy/verdict.js';
import type { KernelName } from '../kernels/wasm-kernel.js';
import type { Settings } from '../settings.js';
import type { ComponentReport } from './report-components.js';
import type { NoiseFloor } from './report-noise-floor.js';
import type { ReportMaps } from './report-maps.js';
import type { ReportMetrics, WorstItem } from './report-metrics.js';

export type { ReportMetrics, WorstItem };

/** Version of the JSON report layout; bump it on any breaking change (documented in schema/report.schema.json). */
export const REPORT_SCHEMA_VERSION = 1;

/** Characters of an item's text the report keeps (the schema's bound; renderers show far fewer). */
export const MAX_REPORT_TEXT = 1000;

/** One side of the comparison as read from disk. */
export interface SetSummary {
  readonly source: string;
  readonly format: string;
  readonly count: number;
  readonly dim: number;
  readonly idSource: string;
  readonly manifest: string | null;
}

/** The whole comparison: what the JSON report holds and every renderer reads. */
export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'embedding-gate'; readonly version: string };
  readonly settings: Pick<Settings, 'k' | 'sample' | 'exactLimit' | 'seed' | 'clusters' | 'minCoverage' | 'compatThreshold' | 'equivalenceTolerance' | 'config'> & {
    /** The kNN kernel that ran (results may differ from another kernel only at float32 near-ties). */
    readonly kernel: KernelName;
  };
  readonly reference: SetSummary;
  readonly candidate: SetSummary;
  readonly alignment: AlignmentSummary;
  readonly metrics: ReportMetrics;
  /** UMAP maps for the HTML report, or `null` when not asked for (--html, html-report). */
  readonly maps: ReportMaps | null;
  readonly bump: BumpClassification;
  /** A composite embedding's components (manifests with `components`): each one's bump and its slice's metrics; absent otherwise. */
  readonly components?: readonly ComponentReport[] | null;
  /** The noise floor (the reference against harmless retrains, --baseline) and any limits derived from it; absent without baselines. */
  readonly noiseFloor?: NoiseFloor;
  /** The cumulative drift since the major line's first release, when a drift budget is set (release-aware runs only). */
  readonly driftBudget?: DriftBudgetSummary | null;
  readonly verdict: Verdict;
}

/** The drift budget: the candidate measured against the release that opened the current major line. */
export interface DriftBudgetSummary {
  /** That release's tag and version. */
  readonly anchor: string;
  readonly anchorVersion: string;
  readonly knnOverlap: number | null;
  readonly cka: number | null;
  readonly minKnnOverlap: number | null;
  readonly minCka: number | null;
  /** reset: this change opens a new major line, so the budget starts again. */
  readonly status: 'pass' | 'fail' | 'reset';
  readonly reason: string | null;
}
