import { readFileSync } from 'node:fs';
import { DefaultArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import { InputError, UsageError } from '../core/errors.js';
import { createOctokitClient } from './octokit-client.js';
import { runAction } from './run-action.js';

/** The action entry: wires the real runner and GitHub into runAction, with one error boundary. */
async function main(): Promise<void> {
  const env = process.env;
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  let event: unknown = null;
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch (error) {
      core.warning(`Could not read the event payload ${env.GITHUB_EVENT_PATH}: ${(error as Error).message}`);
    }
  }
  try {
    await runAction({
      getInput: (name) => core.getInput(name),
      setOutput: (name, value) => core.setOutput(name, value),
      setSecret: (secret) => core.setSecret(secret),
      setFailed: (message) => core.setFailed(message),
      info: (message) => core.info(message),
      warning: (message, annotation) => core.warning(message, annotation ?? {}),
      error: (message, annotation) => core.error(message, annotation ?? {}),
      writeSummary: async (markdown) => {
        if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
      },
      createGitHub: (token) =>
        createOctokitClient({
          token,
          owner,
          repo,
          baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
          log: (message) => core.info(message),
          retryDelayUnitMs: retryDelayUnit(env.EMBEDDING_GATE_RETRY_DELAY_UNIT_MS),
        }),
      env: {
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        runnerTemp: env.RUNNER_TEMP ?? process.cwd(),
        eventName: env.GITHUB_EVENT_NAME ?? '',
        serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
        repository: env.GITHUB_REPOSITORY ?? '',
        runId: env.GITHUB_RUN_ID ?? '',
        sha: env.GITHUB_SHA ?? '',
      },
      event,
      uploadArtifact: async (name, files, rootDirectory) => {
        const { id } = await new DefaultArtifactClient().uploadArtifact(name, [...files], rootDirectory);
        if (id === undefined) throw new Error('the artifact service returned no id');
        return id;
      },
    });
  } catch (error) {
    if (error instanceof InputError || error instanceof UsageError) core.setFailed(`embedding-gate: ${error.message}`);
    else core.setFailed(`embedding-gate: internal error: ${error instanceof Error ? error.message : String(error)} (please report this bug)`);
  }
}

/** Milliseconds per second of retry wait: 1000, unless a test sets a whole number (0 never waits). */
function retryDelayUnit(value: string | undefined): number {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : 1000;
}

await main();
