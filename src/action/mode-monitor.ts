import { monitor } from '../monitor.js';
import { renderMonitorMarkdown } from '../render/monitor-markdown.js';
import { singleLine } from '../render/single-line.js';
import type { MonitorReport } from '../report/monitor-report.js';
import { actionLogger } from './action-logger.js';
import { classifyGitHubError, describeGitHubError, type GateGitHub } from './github-client.js';
import { inputName, type MonitorInputs } from './inputs.js';
import { OUTPUT } from './names.js';
import { runLink, writeReport } from './publish.js';
import type { ActionRuntime } from './runtime.js';

/** The hidden marker that finds a monitor's issue again; one per comment-id. */
export function issueMarker(commentId: string): string {
  return `<!-- embedding-gate:monitor=${commentId} -->`;
}

/**
 * monitor mode, for `on: schedule`: compare the current items with the reference sample (no
 * pairs), write the JSON report, outputs and job summary, and fail per fail-on. With open-issue,
 * a failing run opens one issue (found again by its hidden marker among the token's own issues)
 * or updates it instead of opening another; later runs keep an open one current, passing or not.
 */
export async function monitorMode(inputs: MonitorInputs, runtime: ActionRuntime, github: GateGitHub): Promise<void> {
  const report = await monitor(inputs.monitor, actionLogger(runtime), inputName);
  const path = writeReport(`${JSON.stringify(report, null, 2)}\n`, `embedding-gate-${inputs.commentId}-monitor.json`, inputs, runtime);
  const status = report.verdict.status;
  const failed = (inputs.failOn === 'fail' && status === 'fail') || (inputs.failOn === 'warn' && status !== 'pass');
  for (const name of Object.values(OUTPUT)) runtime.setOutput(name, '');
  runtime.setOutput(OUTPUT.status, status);
  runtime.setOutput(OUTPUT.passed, String(!failed));
  runtime.setOutput(OUTPUT.skipped, 'false');
  runtime.setOutput(OUTPUT.reportPath, path);
  runtime.setOutput(OUTPUT.psi, String(report.population.psi));
  runtime.setOutput(OUTPUT.mmdPValue, String(report.mmd.pValue));
  const markdown = renderMonitorMarkdown(report, { runUrl: runLink(runtime) });
  await runtime.writeSummary(markdown);
  if (inputs.openIssue) {
    const issue = await upsertIssue(report, markdown, failed, inputs.commentId, runtime, github);
    runtime.setOutput(OUTPUT.issueNumber, issue === null ? '' : String(issue));
  }
  for (const breach of report.verdict.breaches) {
    const message = singleLine(breach.message, 1000);
    if (breach.level === 'fail') runtime.error(message, { title: 'embedding-gate monitor' });
    else runtime.warning(message, { title: 'embedding-gate monitor' });
  }
  if (failed) runtime.setFailed(singleLine(`embedding-gate monitor: ${status.toUpperCase()} — ${report.verdict.breaches.map((b) => b.message).join('; ')}`, 2000));
}

/** Opens the monitor's issue on a failing run, or updates the open one; GitHub errors become a warning. */
async function upsertIssue(report: MonitorReport, markdown: string, failed: boolean, commentId: string, runtime: ActionRuntime, github: GateGitHub): Promise<number | null> {
  const marker = issueMarker(commentId);
  const body = `${marker}\n${markdown}`;
  try {
    const login = await github.commenterLogin();
    const existing = (await github.listOpenIssues()).find((issue) => issue.author === login && issue.body.includes(marker));
    if (existing) {
      await github.updateIssue(existing.number, body);
      runtime.info(`Updated issue #${existing.number} (${report.verdict.status}).`);
      return existing.number;
    }
    if (!failed) {
      runtime.info('No open monitor issue, and nothing to report: none opened.');
      return null;
    }
    const title = `embedding-gate monitor: embedding drift past the limits${commentId === 'default' ? '' : ` (${commentId})`}`;
    const number = await github.createIssue(title, body);
    runtime.info(`Opened issue #${number}.`);
    return number;
  } catch (error) {
    const advice = classifyGitHubError(error) === 'no-permission' ? ' The workflow needs permissions: issues: write.' : '';
    runtime.warning(`Could not open or update the monitor issue (${describeGitHubError(error)}); the verdict, outputs and job summary stand.${advice}`);
    return null;
  }
}
