import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import semver from 'semver';
import { BUMPS } from '../classify/bump.js';
import { parseManifest, type Manifest } from '../classify/manifest.js';
import { compareDetailed } from '../compare.js';
import { buildPartialReport, loadPartialReports, mergePartialReports } from '../shard/partial-report.js';
import { InputError } from '../core/errors.js';
import { resolveInputFile, resolveOutputFile } from '../io/paths.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import type { Report } from '../report/report.js';
import { loadReport } from '../report/load-report.js';
import { singleLine } from '../render/single-line.js';
import { progressPrinter } from '../progress.js';
import { TOOL_VERSION } from '../version.js';
import { commentBody, commentMarker, skippedSummary } from './comment.js';
import { classifyGitHubError, describeGitHubError, type GateGitHub } from './github-client.js';
import { inputName, readActionInputs, type ActionInputs, type CommentFromReportInputs, type GateInputs, type MergeInputs } from './inputs.js';
import { INPUT, OUTPUT } from './names.js';
import { pullRequestFromEvent, type PullRequestInfo } from './pull-request.js';

/** Where an annotation points. */
export interface Annotation {
  readonly title?: string;
  readonly file?: string;
  readonly startLine?: number;
}

/** The runner and GitHub as the adapter sees them; index.ts wires the real ones, tests inject fakes. */
export interface ActionRuntime {
  readonly getInput: (name: string) => string;
  readonly setOutput: (name: string, value: string) => void;
  readonly setSecret: (secret: string) => void;
  readonly setFailed: (message: string) => void;
  readonly info: (message: string) => void;
  readonly warning: (message: string, annotation?: Annotation) => void;
  readonly error: (message: string, annotation?: Annotation) => void;
  readonly writeSummary: (markdown: string) => Promise<void>;
  readonly createGitHub: (token: string) => GateGitHub;
  readonly env: {
    readonly workspace: string;
    readonly runnerTemp: string;
    readonly eventName: string;
    readonly serverUrl: string;
    readonly repository: string;
    readonly runId: string;
  };
  /** The parsed webhook payload of the triggering event. */
  readonly event: unknown;
}

/** Explains how to comment on pull requests from forks (shown when the token may not write). */
const FORK_ADVICE =
  'The token cannot write comments here (pull requests from forks get a read-only GITHUB_TOKEN). The verdict, outputs and job summary above still stand. To comment on fork pull requests, upload the JSON report as an artifact and post it from a workflow_run workflow with mode: comment-from-report (see the README).';

/**
 * The GitHub Action: read inputs once, run the gate (or post a stored report), then write outputs,
 * annotations, the job summary and the sticky comment, and fail the step according to fail-on.
 */
export async function runAction(runtime: ActionRuntime): Promise<void> {
  const token = runtime.getInput(INPUT.githubToken);
  if (token) runtime.setSecret(token);
  const inputs = readActionInputs(runtime.getInput, runtime.env);
  const pr = pullRequestFromEvent(runtime.env.eventName, runtime.event);
  const github = runtime.createGitHub(inputs.token);
  if (inputs.mode === 'comment-from-report') await commentFromReport(inputs, runtime, github, pr);
  else if (inputs.mode === 'merge') await publish(mergeShards(inputs, runtime), inputs, runtime, github, pr);
  else await gate(inputs, runtime, github, pr);
}

/** What publishing a report needs from the inputs of either mode that produces one. */
type PublishInputs = Pick<GateInputs, 'commentId' | 'comment' | 'failOn' | 'reportPath' | 'paths'>;

/** merge mode: expands the partial-report patterns and merges the shards into one report. */
function mergeShards(inputs: MergeInputs, runtime: ActionRuntime): Report {
  const files = expandPatterns(inputs.partials, inputs.paths.base);
  if (files.length === 0) throw new InputError(`${inputName(INPUT.partials)}: no file matches ${inputs.partials.join(', ')}.`);
  runtime.info(`Merging ${files.length} partial reports: ${files.join(', ')}`);
  return mergePartialReports(loadPartialReports(files, inputName(INPUT.partials), inputs.paths));
}

/** Paths (sorted) matching each line: a literal path, or a glob walked from its fixed prefix; relative ones from the workspace. */
function expandPatterns(patterns: readonly string[], workspace: string): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (!/[*?[\]{}]/.test(pattern)) {
      found.add(pattern);
      continue;
    }
    const fixed = pattern.split('/').findIndex((part) => /[*?[\]{}]/.test(part));
    const root = pattern.split('/').slice(0, fixed).join('/');
    const matches = picomatch(pattern, { dot: true });
    const walk = (dir: string): void => {
      const absolute = resolve(workspace, dir || '.');
      if (!existsSync(absolute)) return;
      for (const entry of readdirSync(absolute, { withFileTypes: true })) {
        const relative = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(relative);
        else if (matches(relative)) found.add(relative);
      }
    };
    walk(root);
  }
  return [...found].sort();
}

async function gate(inputs: GateInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null): Promise<void> {
  if (inputs.modelPaths.length > 0) {
    if (!pr) {
      runtime.info(`model-paths is set, but ${runtime.env.eventName} is not a pull request event: comparing anyway.`);
    } else {
      const files = await github.listPullRequestFiles(pr.number);
      const matches = picomatch([...inputs.modelPaths], { dot: true });
      const touched = files.filter((file) => matches(file));
      if (touched.length === 0) {
        runtime.info(`Pull request #${pr.number} changes ${files.length} files, none matching model-paths: the embeddings were not compared.`);
        setNoVerdictOutputs(runtime, 'skipped', '');
        await runtime.writeSummary(skippedSummary(inputs.modelPaths));
        return;
      }
      runtime.info(`${touched.length} changed file(s) match model-paths, e.g. ${touched.slice(0, 3).join(', ')}`);
    }
  }

  const referenceManifest = await baseManifest(inputs, runtime, github, pr);
  const log = {
    info: runtime.info,
    warn: (message: string) => runtime.warning(message),
    progress: progressPrinter({ write: (text: string) => runtime.info(text.trimEnd()), interactive: false }),
  };
  const result = await compareDetailed(inputs.compare, log, { referenceManifest, nameOf: inputName });
  if (inputs.compare.queryShard !== null) {
    const partial = buildPartialReport(result);
    const path = writeReport(`${JSON.stringify(partial)}\n`, `embedding-gate-${inputs.commentId}-shard-${partial.shard.index}-of-${partial.shard.count}.json`, inputs, runtime);
    setNoVerdictOutputs(runtime, 'partial', path);
    await runtime.writeSummary(`embedding-gate: query shard ${partial.shard.index}/${partial.shard.count} computed ${partial.items.shared.length} of ${partial.totalQueries} queries; partial report \`${path}\` (merge it with mode: merge).\n`);
    return;
  }
  await publish(result.report, inputs, runtime, github, pr);
}

/** Writes the JSON report, outputs, annotations and the job summary; comments; fails the step per fail-on. */
async function publish(report: Report, inputs: PublishInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null): Promise<void> {
  const reportPath = writeReport(renderJson(report), `embedding-gate-${inputs.commentId}.json`, inputs, runtime);
  const failed = stepFails(report, inputs.failOn);
  setReportOutputs(runtime, report, reportPath, failed);
  annotate(report, runtime);
  const runUrl = runLink(runtime);
  await runtime.writeSummary(
    `${renderMarkdown(report, { clusters: true, titleSuffix: inputs.commentId === 'default' ? undefined : inputs.commentId })}\n<sub>${runUrl ? `[workflow run](${runUrl}) · ` : ''}JSON report: \`${reportPath}\`</sub>\n`,
  );
  if (pr) await upsertComment(report, inputs, runtime, github, pr);
  else runtime.info('Not a pull request event: no comment.');
  if (failed) {
    runtime.setFailed(singleLine(`embedding-gate: ${report.verdict.status.toUpperCase()} — ${report.verdict.breaches.map((b) => b.message).join('; ') || 'see the report'}`, 2000));
  }
}

async function commentFromReport(inputs: CommentFromReportInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null): Promise<void> {
  const path = resolveInputFile(inputs.report, inputName(INPUT.report), inputs.paths);
  const report = loadReport(path, `${inputName(INPUT.report)}: ${inputs.report}`);
  const number = inputs.prNumber ?? pr?.number ?? null;
  setReportOutputs(runtime, report, path, false);
  if (number === null) {
    throw new InputError(`input 'pr-number' is required: ${runtime.env.eventName} events do not name a pull request.`);
  }
  await runtime.writeSummary(renderMarkdown(report, { clusters: true }));
  await upsertComment(report, inputs, runtime, github, { number, headSha: pr?.number === number ? pr.headSha : null, baseSha: null, fromFork: false });
}

/** Reads the reference manifest from the PR's base commit when asked and not given as a file. */
async function baseManifest(inputs: GateInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null): Promise<Manifest | null> {
  const { reference, candidate } = inputs.compare;
  if (!inputs.referenceManifestFromBase || reference.manifest !== null || candidate.manifest === null) return null;
  if (!pr?.baseSha) {
    runtime.info('reference-manifest-from: base needs a pull request event; comparing without a reference manifest.');
    return null;
  }
  const path = candidate.manifest.replace(/^\.\//, '');
  try {
    const text = await github.readFileAt(path, pr.baseSha);
    if (text === null) {
      runtime.info(`${path} does not exist at the base commit ${pr.baseSha.slice(0, 7)}: a new manifest, so no reference manifest.`);
      return null;
    }
    runtime.info(`Reference manifest: ${path} at the base commit ${pr.baseSha.slice(0, 7)}.`);
    return parseManifest(text, `${path} (base ${pr.baseSha.slice(0, 7)})`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    runtime.warning(`Could not read ${path} at the base commit (${describeGitHubError(error)}); comparing without a reference manifest.`);
    return null;
  }
}

/** Writes `text` to report-path, or to $RUNNER_TEMP/`defaultName`; returns the path. */
function writeReport(text: string, defaultName: string, inputs: Pick<PublishInputs, 'reportPath' | 'paths'>, runtime: ActionRuntime): string {
  const path =
    inputs.reportPath === null
      ? join(runtime.env.runnerTemp, defaultName)
      : resolveOutputFile(inputs.reportPath, inputName(INPUT.reportPath), inputs.paths);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function stepFails(report: Report, failOn: PublishInputs['failOn']): boolean {
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
function setReportOutputs(runtime: ActionRuntime, report: Report, reportPath: string, failed: boolean): void {
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
function setNoVerdictOutputs(runtime: ActionRuntime, status: 'skipped' | 'partial', reportPath: string): void {
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

function runLink(runtime: ActionRuntime): string | null {
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
async function upsertComment(report: Report, inputs: Pick<ActionInputs, 'comment' | 'commentId'>, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo): Promise<void> {
  if (inputs.comment === 'never') return;
  const marker = commentMarker(inputs.commentId);
  try {
    const login = await github.commenterLogin();
    const existing = (await github.listComments(pr.number)).find((comment) => comment.author === login && comment.body.includes(marker));
    if (!existing && !wantsComment(report, inputs.comment)) {
      runtime.info(`comment: ${inputs.comment} — nothing to say on #${pr.number}.`);
      return;
    }
    const body = commentBody(report, { commentId: inputs.commentId, runUrl: runLink(runtime), headSha: pr.headSha, toolVersion: TOOL_VERSION });
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
