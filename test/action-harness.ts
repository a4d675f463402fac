import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expect } from 'vitest';
import { ACTION_BUNDLE, EXAMPLES, ROOT, tempDir } from './helpers.js';

/** The token the fake API accepts; tests check it never leaks. */
export const FAKE_TOKEN = 'ghs_TESTtokenSHOULDneverLEAK0123456789abcd';

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

/** action.yml as the runner reads it. */
export function actionYaml(): ActionYaml {
  return parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml;
}

/** A real `pull_request` webhook payload from GitHub's examples (@octokit/webhooks-examples). */
export function pullRequestEvent(action = 'opened'): any {
  const require = createRequire(import.meta.url);
  const examples = require('@octokit/webhooks-examples') as Array<{ name: string; examples: any[] }>;
  const event = examples.find((e) => e.name === 'pull_request')!.examples.find((e) => e.action === action);
  return structuredClone(event);
}

/** A real `push` webhook payload (the event of a release run on the default branch). */
export function pushEvent(): any {
  const require = createRequire(import.meta.url);
  const examples = require('@octokit/webhooks-examples') as Array<{ name: string; examples: any[] }>;
  return structuredClone(examples.find((e) => e.name === 'push')!.examples[0]);
}

/** The same payload as a pull request from a fork (head repository owned by someone else). */
export function forkPullRequestEvent(): any {
  const event = pullRequestEvent();
  event.pull_request.head.repo = { ...event.pull_request.head.repo, full_name: 'forker/Hello-World', fork: true, owner: { ...event.pull_request.head.repo.owner, login: 'forker' } };
  event.pull_request.head.label = 'forker:changes';
  return event;
}

/** What one run of dist/index.js left behind. */
export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly workspace: string;
  /** The run's RUNNER_TEMP, where the JSON report goes by default. */
  readonly runnerTemp: string;
}

/** Parses a GITHUB_OUTPUT file (`name<<DELIMITER` blocks, as @actions/core writes them). */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const value: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]!);
    outputs[match[1]!] = value.join('\n');
  }
  return outputs;
}

/** A workspace holding the bundled example sets, as actions/checkout would leave it. */
export function exampleWorkspace(): string {
  const workspace = tempDir();
  mkdirSync(join(workspace, 'embeddings'));
  for (const file of ['reference.npy', 'reference.ids.txt', 'reference.manifest.json', 'candidate-patch.jsonl', 'candidate-patch.manifest.json', 'candidate-major.npy', 'candidate-major.ids.txt', 'candidate-major.manifest.json', 'candidate-broken.npy', 'candidate-broken.ids.txt', 'candidate-broken.manifest.json', 'candidate-noise.npy', 'candidate-noise.ids.txt']) {
    copyFileSync(join(EXAMPLES, file), join(workspace, 'embeddings', file));
  }
  return workspace;
}

/**
 * Runs dist/index.js exactly as the runner does: a separate node process, every input of action.yml
 * as INPUT_<NAME> (upper case, hyphens kept) with action.yml's defaults filled in, the event payload
 * in GITHUB_EVENT_PATH, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
export async function runActionProcess(options: {
  inputs: Record<string, string>;
  apiUrl: string;
  event?: unknown;
  eventName?: string;
  workspace?: string;
  node?: string;
  /** RUNNER_TEMP, e.g. holding a file an earlier step wrote (default: a fresh folder). */
  runnerTemp?: string;
  /** GITHUB_SHA, the commit of the run (default ffff…). */
  sha?: string;
}): Promise<ActionRun> {
  const workspace = options.workspace ?? exampleWorkspace();
  const runner = tempDir();
  const event = options.event ?? pullRequestEvent();
  writeFileSync(join(runner, 'event.json'), JSON.stringify(event));
  writeFileSync(join(runner, 'output.txt'), '');
  writeFileSync(join(runner, 'summary.md'), '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? runner,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: join(runner, 'event.json'),
    GITHUB_REPOSITORY: (event as any)?.repository?.full_name ?? 'Codertocat/Hello-World',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: options.sha ?? 'ffffffffffffffffffffffffffffffffffffffff',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(runner, 'output.txt'),
    GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
    RUNNER_TEMP: options.runnerTemp ?? join(runner, 'temp'),
    // Retry waits (retry-after, back-off) take no wall-clock time in tests; the logs still show them.
    EMBEDDING_GATE_RETRY_DELAY_UNIT_MS: '0',
  };
  mkdirSync(env.RUNNER_TEMP!, { recursive: true });
  const yaml = actionYaml();
  for (const [name, spec] of Object.entries(yaml.inputs)) {
    let value = options.inputs[name] ?? spec.default ?? '';
    if (value === '${{ github.token }}') value = FAKE_TOKEN;
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const name of Object.keys(options.inputs)) {
    if (!(name in yaml.inputs)) throw new Error(`test passes input ${name}, which action.yml does not declare`);
  }
  expect(yaml.runs.main).toBe('dist/index.js');
  const child = spawn(options.node ?? process.execPath, [ACTION_BUNDLE], { cwd: workspace, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(env.GITHUB_OUTPUT!, 'utf8')),
    summary: existsSync(env.GITHUB_STEP_SUMMARY!) ? readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8') : '',
    workspace,
    runnerTemp: env.RUNNER_TEMP!,
  };
}
