import type { Breach, VerdictStatus } from '../policy/verdict.js';
import type { DriftBudgetSummary, Report, ReportMetrics } from '../report/report.js';
import type { ReleaseTag } from './release-tags.js';

/** Floors on the cumulative drift since the major line's first release; `null` sets none. */
export interface DriftBudgetLimits {
  readonly minKnnOverlap: number | null;
  readonly minCka: number | null;
}

/** True when at least one floor is set. */
export function hasDriftBudget(limits: DriftBudgetLimits): boolean {
  return limits.minKnnOverlap !== null || limits.minCka !== null;
}

/**
 * The report with its drift budget: the candidate's kNN overlap and linear CKA against the
 * release that opened the major line (`anchorMetrics`), each checked against its floor (a value
 * below the floor is a fail breach; a value that could not be measured is not checked). With
 * `anchorMetrics` null the budget is reset (a major change starts a new line) and nothing is checked.
 */
export function applyDriftBudget(report: Report, anchor: ReleaseTag, anchorMetrics: ReportMetrics | null, limits: DriftBudgetLimits): Report {
  if (anchorMetrics === null) {
    const reset: DriftBudgetSummary = {
      anchor: anchor.name,
      anchorVersion: anchor.version,
      knnOverlap: null,
      cka: null,
      ...limits,
      status: 'reset',
      reason: `this ${report.bump.final} change opens a new major line, so the drift budget starts again from it`,
    };
    return { ...report, driftBudget: reset };
  }
  const knnOverlap = anchorMetrics.knnOverlap.mean;
  const cka = anchorMetrics.cka.linear;
  const breaches: Breach[] = [];
  const check = (metric: 'driftBudgetKnnOverlap' | 'driftBudgetCka', label: string, value: number | null, floor: number | null) => {
    if (value === null || floor === null || value >= floor) return;
    breaches.push({
      metric,
      value,
      limit: floor,
      level: 'fail',
      message: `drift budget: ${label} ${value.toFixed(4)} against ${anchor.name}, where the ${anchorLine(anchor)} line began, is below ${floor}: the changes since then add up to a break. Declare a major version (a new line resets the budget) or re-index`,
    });
  };
  check('driftBudgetKnnOverlap', 'kNN overlap', knnOverlap, limits.minKnnOverlap);
  check('driftBudgetCka', 'linear CKA', cka, limits.minCka);
  const summary: DriftBudgetSummary = { anchor: anchor.name, anchorVersion: anchor.version, knnOverlap, cka, ...limits, status: breaches.length > 0 ? 'fail' : 'pass', reason: null };
  const all = [...report.verdict.breaches, ...breaches];
  const status: VerdictStatus = all.some((b) => b.level === 'fail') ? 'fail' : all.length > 0 ? 'warn' : 'pass';
  return { ...report, driftBudget: summary, verdict: { ...report.verdict, status, breaches: all } };
}

function anchorLine(anchor: ReleaseTag): string {
  return `${anchor.version.split('.')[0]}.x`;
}
