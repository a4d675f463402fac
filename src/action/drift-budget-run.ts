import { compareDetailed } from '../compare.js';
import { applyDriftBudget, hasDriftBudget } from '../release/drift-budget.js';
import { majorAnchor, type ReleaseTag } from '../release/release-tags.js';
import type { Report } from '../report/report.js';
import type { Settings } from '../settings.js';
import { actionLogger } from './action-logger.js';
import { withGitHub, type GateGitHub } from './github-client.js';
import { inputName, type GateInputs } from './inputs.js';
import { downloadReleasedReference } from './released-reference.js';
import type { ActionRuntime } from './runtime.js';

/**
 * Applies the drift budget when one is set: measures the candidate against the release that
 * opened the current major line (downloading its embedding set, unless that release is the base
 * the report already compared with) and adds the budget's checks to the report. A major change
 * resets the budget.
 */
export async function withDriftBudget(
  report: Report,
  inputs: Pick<GateInputs, 'driftBudget' | 'releaseSource'>,
  settings: Settings,
  releases: readonly ReleaseTag[],
  base: ReleaseTag,
  runtime: ActionRuntime,
  github: GateGitHub,
): Promise<Report> {
  if (!hasDriftBudget(inputs.driftBudget)) return report;
  const anchor = majorAnchor(releases, base);
  if (report.bump.final === 'major') {
    runtime.info(`Drift budget: reset, this major change opens a new line.`);
    return applyDriftBudget(report, anchor, null, inputs.driftBudget);
  }
  // The report measured against the base release itself only when the reference came from it.
  if (anchor.name === base.name && inputs.releaseSource.reference) {
    runtime.info(`Drift budget: ${base.name} opened the ${anchor.version} line, so the comparison above is the cumulative drift.`);
    return applyDriftBudget(report, anchor, report.metrics, inputs.driftBudget);
  }
  runtime.info(`Drift budget: measuring the candidate against ${anchor.name}, where the current major line began.`);
  const anchorSettings = await withGitHub(`download ${anchor.name} for the drift budget`, () =>
    downloadReleasedReference({ ...settings, reference: { ...settings.reference, ids: null, manifest: null } }, { ...inputs.releaseSource, manifest: false }, anchor, github, runtime),
  );
  const result = await compareDetailed({ ...anchorSettings, maps: false, queryShard: null }, actionLogger(runtime), { nameOf: inputName });
  return applyDriftBudget(report, anchor, result.report.metrics, inputs.driftBudget);
}
