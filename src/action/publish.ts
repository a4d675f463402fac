import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { BUMPS } from '../classify/bump.js';
import { InputError } from '../core/errors.js';
import { resolveOutputFile } from '../io/paths.js';
import type { HistoryRecord } from '../history/history-record.js';
import { historyTable } from '../render/history-table.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { singleLine } from '../render/single-line.js';
import type { Report } from '../report/report.js';
import { TOOL_VERSION } from '../version.js';
import { commentBody, commentMarker } from './comment.js';
import { classifyGitHubError, describeGitHubError, type GateGitHub } from './github-client.js';
import { publishHtml, type HtmlPublication } from './html-artifact.js';
import { inputName, type ActionInputs, type GateInputs } from './inputs.js';
import { INPUT, OUTPUT } from './names.js';
import type { PullRequestInfo } from './pull-request.js';
import type { ActionRuntime, Annotation } from './runtime.js';

/** Explains how to comment on pull requests from forks (shown when the token may not write). */
const FORK_ADVICE =
  'The token cannot write comments here (pull requests from forks get a read-only GITHUB_TOKEN). The verdict, outputs and job summary above still stand. To comment on fork pull requests, upload the JSON report as an artifact and post it from a workflow_run workflow with mode: comment-from-report (see the README).';

/** What publishing a report needs from the inputs of either mode that produces one. */
export type PublishInputs = Pick<GateInputs, 'commentId' | 'comment' | 'failOn' | 'reportPath' | 'paths' | 'htmlReport'>;

/** Writes the JSON report, outputs, annotations and the job summary; comments; fails the step per fail-on. */
export async function publish(report: Report, inputs: PublishInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null, recentReleases: readonly HistoryRecord[] = []): Promise<void> {
  const reportPath = writeReport(renderJson(report), `embedding-gate-${inputs.commentId}.json`, inputs, runtime);
  const failed = stepFails(report, inputs.failOn);
  setReportOutputs(runtime, report, reportPath, failed);
  annotate(report, runtime);
  const html = await publishHtmlReport(report, reportPath, inputs, runtime);
  const runUrl = runLink(runtime);
  const history = recentReleases.length > 0 ? `\n${historyTable(recentReleases, report).toString()}\n` : '';
  await runtime.writeSummary(
    `${renderMarkdown(report, { clusters: true, titleSuffix: inputs.commentId === 'default' ? undefined : inputs.commentId, htmlLink: html.artifactUrl })}${history}\n<sub>${runUrl ? `[workflow run](${runUrl}) · ` : ''}JSON report: \`${reportPath}\`</sub>\n`,
  );
  if (pr) await upsertComment(report, inputs, runtime, github, pr, html.artifactUrl, recentReleases);
  else runtime.info('Not a pull request event: no comment.');
  if (failed) {
    runtime.setFailed(singleLine(`embedding-gate: ${report.verdict.status.toUpperCase()} — ${report.verdict.breaches.map((b) => b.message).join('; ') || 'see the report'}`, 2000));
  }
}

/** Writes and uploads the HTML report (publishHtml) and sets its outputs: the path and the artifact's URL, each empty when there is none. */
export async function publishHtmlReport(report: Report, jsonPath: string, inputs: Pick<PublishInputs, 'htmlReport' | 'commentId'>, runtime: ActionRuntime): Promise<HtmlPublication> {
  const html = await publishHtml(report, jsonPath, inputs, runtime);
  runtime.setOutput(OUTPUT.htmlPath, html.path ?? '');
  runtime.setOutput(OUTPUT.artifactUrl, html.artifactUrl ?? '');
  return html;
}

/** Writes `text` to report-path, or to $RUNNER_TEMP/`defaultName`; returns the path. */
export function writeReport(text: string, defaultName: string, inputs: Pick<PublishInputs, 'reportPath' | 'paths'>, runtime: ActionRuntime): string {
  const path =
    inputs.reportPath === null
      ? join(runtime.env.runnerTemp, defaultName)
      : resolveOutputFile(inputs.reportPath, inputName(INPUT.reportPath), inputs.paths);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Whether the verdict fails the step under fail-on. */
export function stepFails(report: Report, failOn: PublishInputs['failOn']): boolean {
  const status = report.verdict.status;
  return (failOn === 'fail' && status === 'fail') || (failOn === 'warn' && status !== 'pass');
}

/** A number output: the value, or empty when it is null (not applicable). */
const numberOutput = (value: number | null): string => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '');

/** An enum output: only one of the allowed values ever reaches GITHUB_OUTPUT (the report was validated; this holds regardless). */
function enumOutput<T extends string>(value: T | null, allowed: readonly T[]): string {
  if (value === null) return '';
  if (!allowed.includes(value)) throw new InputError(`the report holds ${JSON.stringify(singleLine(String(value), 40))} where one of ${allowed.join(', ')} belongs.`);
  return value;
}

/** Outputs carry only validated enums, booleans, numbers, a semantic version and our own report path. */
export function setReportOutputs(runtime: ActionRuntime, report: Report, reportPath: string, failed: boolean): void {
  const { bump, metrics, verdict } = report;
  const nextVersion = bump.nextVersion !== null && semver.valid(bump.nextVersion) === bump.nextVersion ? bump.nextVersion : '';
  runtime.setOutput(OUTPUT.status, enumOutput(verdict.status, ['pass', 'warn', 'fail']));
  runtime.setOutput(OUTPUT.passed, String(!failed));
  runtime.setOutput(OUTPUT.skipped, 'false');
  runtime.setOutput(OUTPUT.bump, enumOutput(bump.final, BUMPS));
  runtime.setOutput(OUTPUT.declaredBump, enumOutput(bump.declared, BUMPS));
  runtime.setOutput(OUTPUT.requiredBump, enumOutput(bump.required, BUMPS));
  runtime.setOutput(OUTPUT.underDeclared, String(bump.underDeclared === true));
  runtime.setOutput(OUTPUT.nextVersion, nextVersion);
  runtime.setOutput(OUTPUT.reindexRequired, String(metrics.crossRetrieval.indexCompatible !== true));
  runtime.setOutput(OUTPUT.knnOverlap, numberOutput(metrics.knnOverlap.mean));
  runtime.setOutput(OUTPUT.cka, numberOutput(metrics.cka.linear));
  runtime.setOutput(OUTPUT.centroidShift, numberOutput(metrics.centroid.relativeShift));
  runtime.setOutput(OUTPUT.reportPath, reportPath);
}

/** Outputs of a run without a verdict: skipped (no model path changed) or one query shard's partial report. */
export function setNoVerdictOutputs(runtime: ActionRuntime, status: 'skipped' | 'partial', reportPath: string): void {
  for (const name of Object.values(OUTPUT)) runtime.setOutput(name, '');
  runtime.setOutput(OUTPUT.status, status);
  runtime.setOutput(OUTPUT.passed, 'true');
  runtime.setOutput(OUTPUT.skipped, String(status === 'skipped'));
  runtime.setOutput(OUTPUT.reportPath, reportPath);
}

/** An error annotation on the candidate manifest's version line when under-declared; warnings for warn breaches. */
function annotate(report: Report, runtime: ActionRuntime): void {
  for (const breach of report.verdict.breaches) {
    if (breach.metric === 'bump') {
      const file = report.candidate.manifest ?? undefined;
      const annotation: Annotation = { title: 'embedding-gate: under-declared version', file, startLine: file ? versionLine(file, runtime.env.workspace) : undefined };
      if (breach.level === 'fail') runtime.error(singleLine(breach.message, 1000), annotation);
      else runtime.warning(singleLine(breach.message, 1000), annotation);
    } else if (breach.level === 'warn') {
      runtime.warning(singleLine(breach.message, 1000), { title: `embedding-gate: ${singleLine(breach.metric, 60)}` });
    } else {
      runtime.error(singleLine(breach.message, 1000), { title: `embedding-gate: ${singleLine(breach.metric, 60)}` });
    }
  }
}

function versionLine(file: string, workspace: string): number | undefined {
  try {
    const lines = readFileSync(resolve(workspace, file), 'utf8').split('\n');
    const index = lines.findIndex((line) => /^\s*"?version"?\s*:/.test(line));
    return index >= 0 ? index + 1 : undefined;
  } catch {
    return undefined;
  }
}

/** The workflow run's page, or `null` outside GitHub. */
export function runLink(runtime: ActionRuntime): string | null {
  const { serverUrl, repository, runId } = runtime.env;
  return serverUrl && repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : null;
}

/** Whether this run should write the comment (an existing one is always kept current). */
function wantsComment(report: Report, mode: ActionInputs['comment']): boolean {
  switch (mode) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'on-failure':
      return report.verdict.status === 'fail';
    case 'on-change':
      return report.bump.final !== 'none' || report.verdict.status !== 'pass';
  }
}

/**
 * Creates or updates this gate's one comment: found by its hidden marker among comments written by
 * the token's own login (a human quoting the marker is never overwritten). GitHub errors never hide
 * the verdict: a read-only token or a rate limit becomes a warning that says which it was.
 */
export async function upsertComment(
  report: Report,
  inputs: Pick<ActionInputs, 'comment' | 'commentId'>,
  runtime: ActionRuntime,
  github: GateGitHub,
  pr: PullRequestInfo,
  htmlLink: string | null = null,
  recentReleases: readonly HistoryRecord[] = [],
): Promise<void> {
  if (inputs.comment === 'never') return;
  const marker = commentMarker(inputs.commentId);
  try {
    const login = await github.commenterLogin();
    const existing = (await github.listComments(pr.number)).find((comment) => comment.author === login && comment.body.includes(marker));
    if (!existing && !wantsComment(report, inputs.comment)) {
      runtime.info(`comment: ${inputs.comment} — nothing to say on #${pr.number}.`);
      return;
    }
    const body = commentBody(report, { commentId: inputs.commentId, runUrl: runLink(runtime), headSha: pr.headSha, toolVersion: TOOL_VERSION, htmlLink, recentReleases });
    if (existing) {
      await github.updateComment(existing.id, body);
      runtime.info(`Updated comment ${existing.id} on #${pr.number}.`);
    } else {
      const id = await github.createComment(pr.number, body);
      runtime.info(`Created comment ${id} on #${pr.number}.`);
    }
  } catch (error) {
    const failure = classifyGitHubError(error);
    if (failure === 'no-permission') runtime.warning(`${FORK_ADVICE} (${describeGitHubError(error)})`);
    else if (failure === 'rate-limited') {
      runtime.warning(
        `GitHub's rate limit stopped the comment after retries (${describeGitHubError(error)}). This is not a permissions problem; the verdict, outputs and job summary stand. Re-run the job later to post it.`,
      );
    } else runtime.warning(`Could not write the pull request comment (${describeGitHubError(error)}); the verdict, outputs and job summary stand.`);
  }
}
