import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from '../render/html/html.js';
import { singleLine } from '../render/single-line.js';
import type { Report } from '../report/report.js';
import type { ActionRuntime } from './runtime.js';

/** Where the HTML report went: its path, and the workflow artifact's page when it was uploaded. */
export interface HtmlPublication {
  readonly path: string | null;
  readonly artifactUrl: string | null;
}

/**
 * Writes the self-contained HTML report to $RUNNER_TEMP and uploads it, with the JSON report, as one
 * workflow artifact named `embedding-gate-<comment-id>`; returns the artifact's URL for the comment and
 * the summary. Without an artifact service (no runtime token, e.g. a local run) it says so and goes on.
 */
export async function publishHtml(report: Report, jsonPath: string, inputs: { readonly htmlReport: boolean; readonly commentId: string }, runtime: ActionRuntime): Promise<HtmlPublication> {
  if (!inputs.htmlReport) return { path: null, artifactUrl: null };
  const folder = join(runtime.env.runnerTemp, `embedding-gate-${inputs.commentId}-report`);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'report.html');
  writeFileSync(path, renderHtml(report));
  copyFileSync(jsonPath, join(folder, 'report.json'));
  const name = `embedding-gate-${inputs.commentId}`;
  try {
    const id = await runtime.uploadArtifact(name, [path, join(folder, 'report.json')], folder);
    const { serverUrl, repository, runId } = runtime.env;
    const artifactUrl = serverUrl && repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}/artifacts/${id}` : null;
    runtime.info(`Uploaded the HTML and JSON reports as the artifact ${name}${artifactUrl ? `: ${artifactUrl}` : ''}.`);
    return { path, artifactUrl };
  } catch (error) {
    const reason = singleLine(error instanceof Error ? error.message : String(error), 300);
    const message = `The HTML report was not uploaded as an artifact (${reason}); it is at ${path}.`;
    if (/ACTIONS_RUNTIME_TOKEN|ACTIONS_RESULTS_URL|runtime token/i.test(reason)) runtime.info(`${message} Artifact upload needs the Actions runtime; this is expected in a local run.`);
    else runtime.warning(message);
    return { path, artifactUrl: null };
  }
}
