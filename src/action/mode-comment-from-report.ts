import { InputError } from '../core/errors.js';
import { resolveInputFile } from '../io/paths.js';
import { renderMarkdown } from '../render/markdown.js';
import { loadReport } from '../report/load-report.js';
import type { GateGitHub } from './github-client.js';
import { inputName, type CommentFromReportInputs } from './inputs.js';
import { INPUT } from './names.js';
import { publishHtmlReport, setReportOutputs, upsertComment } from './publish.js';
import type { PullRequestInfo } from './pull-request.js';
import type { ActionRuntime } from './runtime.js';

/**
 * comment-from-report mode (the workflow_run half of the fork pattern): load a report another
 * workflow wrote — validated, since a fork controls it — and post its comment and summary.
 */
export async function commentFromReport(inputs: CommentFromReportInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null): Promise<void> {
  const path = resolveInputFile(inputs.report, inputName(INPUT.report), inputs.paths);
  const report = loadReport(path, `${inputName(INPUT.report)}: ${inputs.report}`);
  const number = inputs.prNumber ?? pr?.number ?? null;
  setReportOutputs(runtime, report, path, false);
  if (number === null) {
    throw new InputError(`input 'pr-number' is required: ${runtime.env.eventName} events do not name a pull request.`);
  }
  const html = await publishHtmlReport(report, path, inputs, runtime);
  await runtime.writeSummary(renderMarkdown(report, { clusters: true, htmlLink: html.artifactUrl }));
  await upsertComment(report, inputs, runtime, github, { number, headSha: pr?.number === number ? pr.headSha : null, baseSha: null, fromFork: false }, html.artifactUrl);
}

