import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commentBody, commentMarker, GITHUB_COMMENT_LIMIT } from '../src/action/comment.js';
import { classifyGitHubError } from '../src/action/github-client.js';
import { readActionInputs } from '../src/action/inputs.js';
import { INPUT, OUTPUT } from '../src/action/names.js';
import { pullRequestFromEvent } from '../src/action/pull-request.js';
import { runAction } from '../src/action/run-action.js';
import { FakeClient, fakeRuntime } from './action-fakes.js';
import type { Report } from '../src/report/report.js';
import { actionYaml, exampleWorkspace, pullRequestEvent } from './action-harness.js';
import { FIXTURES } from './helpers.js';

const patch = {
  reference: 'embeddings/reference.npy',
  candidate: 'embeddings/candidate-patch.jsonl',
  'reference-manifest': 'embeddings/reference.manifest.json',
  'candidate-manifest': 'embeddings/candidate-patch.manifest.json',
};

describe('action.yml and the code never drift apart', () => {
  it('declares exactly the inputs and outputs the code names', () => {
    const yaml = actionYaml();
    expect(Object.keys(yaml.inputs).sort()).toEqual(Object.values(INPUT).sort());
    expect(Object.keys(yaml.outputs).sort()).toEqual(Object.values(OUTPUT).sort());
    expect(yaml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('a gate run reads every gate input and sets every output', async () => {
    const { runtime, recorded } = fakeRuntime(patch, new FakeClient());
    await runAction(runtime);
    const otherModesOnly: string[] = [INPUT.report, INPUT.partials, INPUT.initialVersion, INPUT.createTag, INPUT.createRelease, INPUT.writeVersion, INPUT.current, INPUT.permutations, INPUT.mmdSample, INPUT.alpha, INPUT.maxPsi, INPUT.maxInterCentroidChange, INPUT.openIssue];
    expect([...recorded.inputsRead].sort()).toEqual(Object.values(INPUT).filter((name) => !otherModesOnly.includes(name)).sort());
    // The release outputs are set by release mode (test/release-e2e.test.ts checks them).
    const releaseOnly: string[] = [OUTPUT.tag, OUTPUT.released, OUTPUT.releaseUrl, OUTPUT.psi, OUTPUT.mmdPValue, OUTPUT.issueNumber];
    expect([...recorded.outputs.keys()].sort()).toEqual(Object.values(OUTPUT).filter((name) => !releaseOnly.includes(name)).sort());
    expect(recorded.secrets).toEqual(['secret-token']);
  });

  it('the README tables are generated from action.yml and up to date', () => {
    const check = spawnSync(process.execPath, ['scripts/action-tables.mjs', '--check'], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('the README documents every input and output', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## GitHub Action'));
    for (const name of [...Object.values(INPUT), ...Object.values(OUTPUT)]) expect(section, name).toContain(`| \`${name}\` |`);
  });
});

describe('readActionInputs', () => {
  const defaults = Object.fromEntries(Object.entries(actionYaml().inputs).map(([name, spec]) => [name, spec.default ?? '']));
  const read = (overrides: Record<string, string>) => readActionInputs((name) => ({ ...defaults, ...patch, ...overrides })[name] ?? '', { workspace: '/ws', runnerTemp: '/runner/_temp' });

  it('parses the gate settings once, naming inputs in errors', () => {
    const inputs = read({ 'model-paths': 'model/**\n\n# comment\n training/** ', k: '5' });
    expect(inputs.mode).toBe('gate');
    if (inputs.mode !== 'gate') return;
    expect(inputs.modelPaths).toEqual(['model/**', 'training/**']);
    expect(inputs.compare.k).toBe(5);
    expect(inputs.compare.paths).toEqual({
      base: '/ws',
      roots: [
        { name: 'the workspace', path: '/ws' },
        { name: "the runner's temp folder", path: '/runner/_temp' },
      ],
    });
    expect(read({ 'allow-outside-workspace': 'true' }).paths).toEqual({ base: '/ws', roots: null });
    expect(() => read({ comment: 'sometimes' })).toThrow("input 'comment' must be one of always, on-change, on-failure, never, got \"sometimes\".");
    expect(() => read({ 'fail-on': 'error' })).toThrow(/input 'fail-on' must be one of fail, warn, never/);
    expect(() => read({ 'comment-id': 'has space' })).toThrow(/input 'comment-id' must be 1–64 letters/);
    expect(() => read({ 'pr-number': '#12' })).toThrow(/input 'pr-number' must be a pull request number/);
    expect(() => read({ 'require-index-compatible': 'yes' })).toThrow(/input 'require-index-compatible' must be true or false, got "yes"/);
    expect(() => read({ reference: '' })).toThrow(/input 'reference' is required/);
  });

  it('comment-from-report needs the report', () => {
    expect(() => read({ mode: 'comment-from-report' })).toThrow(/input 'report' is required in comment-from-report mode/);
    expect(read({ mode: 'comment-from-report', report: 'r.json', 'pr-number': '7' })).toMatchObject({ mode: 'comment-from-report', report: 'r.json', prNumber: 7 });
  });
});

describe('runAction with fakes', () => {
  it('comment: on-change stays silent for an unchanged embedding, but keeps an existing comment current', async () => {
    const noise = { reference: 'embeddings/reference.npy', candidate: 'embeddings/candidate-noise.npy' };
    const workspace = exampleWorkspace();
    for (const file of ['candidate-noise.npy', 'candidate-noise.ids.txt']) {
      const { copyFileSync } = await import('node:fs');
      copyFileSync(join(import.meta.dirname, '..', 'examples', 'digits', file), join(workspace, 'embeddings', file));
    }
    const client = new FakeClient();
    await runAction(fakeRuntime(noise, client, workspace).runtime);
    expect(client.writes).toEqual([]);
    client.comments.push({ id: 9, body: `${commentMarker('default')}\nold failing verdict`, author: 'github-actions[bot]' });
    await runAction(fakeRuntime(noise, client, workspace).runtime);
    expect(client.writes).toEqual(['update 9']);
    expect(client.comments[0]!.body).toMatch(/PASS — no change/);
  });

  it('comment: on-failure comments only on failure; never never comments', async () => {
    const client = new FakeClient();
    await runAction(fakeRuntime({ ...patch, comment: 'on-failure' }, client).runtime);
    expect(client.writes).toEqual([]);
    await runAction(fakeRuntime({ ...patch, comment: 'on-failure', 'min-cka': '0.99' }, client).runtime);
    expect(client.writes).toEqual(['create']);
    const silent = new FakeClient();
    await runAction(fakeRuntime({ ...patch, comment: 'never', 'min-cka': '0.99' }, silent).runtime);
    expect(silent.writes).toEqual([]);
  });

  it('a comment failure never hides the verdict, and the message says what kind of failure it was', async () => {
    for (const [error, pattern] of [
      [Object.assign(new Error('Resource not accessible by integration'), { status: 403 }), /read-only GITHUB_TOKEN/],
      [Object.assign(new Error('You have exceeded a secondary rate limit'), { status: 403 }), /not a permissions problem/],
      [Object.assign(new Error('Server Error'), { status: 502 }), /Could not write the pull request comment \(HTTP 502: Server Error\)/],
    ] as const) {
      const client = new FakeClient();
      client.writeError = error;
      const { runtime, recorded } = fakeRuntime({ ...patch, 'min-cka': '0.99' }, client);
      await runAction(runtime);
      expect(recorded.warnings.at(-1)?.[0]).toMatch(pattern);
      expect(recorded.outputs.get('status')).toBe('fail');
      expect(recorded.failed).toHaveLength(1);
      expect(recorded.summaries).toHaveLength(1);
    }
  });
});

describe('the HTML report and its artifact', () => {
  it('html-report: true writes the page, uploads it with the JSON report as one artifact, and links it from the comment and the summary', async () => {
    const client = new FakeClient();
    const { runtime, recorded } = fakeRuntime({ ...patch, 'html-report': 'true' }, client);
    await runAction(runtime);
    expect(recorded.uploads).toHaveLength(1);
    const upload = recorded.uploads[0]!;
    expect(upload.name).toBe('embedding-gate-default');
    expect(upload.files.map((file) => file.slice(upload.rootDirectory.length + 1)).sort()).toEqual(['report.html', 'report.json']);
    const page = readFileSync(recorded.outputs.get('html-path')!, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toMatch(/data-map="reference" data-points="1000"/);
    expect(JSON.parse(readFileSync(upload.files.find((file) => file.endsWith('report.json'))!, 'utf8')).maps.points.ids).toHaveLength(1000);
    const link = 'https://github.com/o/r/actions/runs/1/artifacts/77';
    expect(recorded.outputs.get('artifact-url')).toBe(link);
    expect(client.comments[0]!.body).toContain(`📊 [HTML report with maps and charts](${link})`);
    expect(recorded.summaries.join('\n')).toContain(`(${link})`);
  }, 60_000);

  it('without an artifact service (a local run) it says so and carries on; html-report: false writes no page', async () => {
    const client = new FakeClient();
    const messages: string[] = [];
    const { runtime, recorded } = fakeRuntime({ ...patch, 'html-report': 'true' }, client, undefined, { artifactUnavailable: true });
    await runAction({ ...runtime, info: (message) => void messages.push(message) });
    expect(messages.join('\n')).toMatch(/The HTML report was not uploaded as an artifact \(Unable to get the ACTIONS_RUNTIME_TOKEN env variable\); it is at .*report\.html\. Artifact upload needs the Actions runtime/);
    expect(recorded.warnings).toEqual([]);
    expect(recorded.outputs.get('artifact-url')).toBe('');
    expect(recorded.outputs.get('status')).toBe('pass');
    expect(client.comments[0]!.body).not.toContain('HTML report');
    const off = fakeRuntime({ ...patch }, new FakeClient());
    await runAction(off.runtime);
    expect(off.recorded.outputs.get('html-path')).toBe('');
    expect(off.recorded.uploads).toEqual([]);
  }, 60_000);
});

describe('the comment body', () => {
  it('stays under GitHub’s limit by construction, even with huge ids, texts and manifest values', async () => {
    const client = new FakeClient();
    const { runtime } = fakeRuntime(patch, client);
    await runAction(runtime);
    const report = JSON.parse(readFileSync(join(runtime.env.runnerTemp, 'embedding-gate-default.json'), 'utf8')) as Report;
    const huge = 'x'.repeat(100_000);
    const bloated: Report = {
      ...report,
      bump: { ...report.bump, reasons: Array.from({ length: 500 }, () => huge), limitations: [huge] },
      metrics: { ...report.metrics, knnOverlap: { ...report.metrics.knnOverlap, worst: report.metrics.knnOverlap.worst.map((w) => ({ ...w, id: huge, text: huge })) } },
    };
    const body = commentBody(bloated, { commentId: 'default', runUrl: 'https://x', headSha: 'abc', toolVersion: '0' });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.startsWith(commentMarker('default'))).toBe(true);
    const normal = commentBody(report, { commentId: 'default', runUrl: 'https://x', headSha: 'abc', toolVersion: '0' });
    expect(normal).toMatch(/Items that lost the most neighbours/);
    const tight = commentBody(report, { commentId: 'default', runUrl: null, headSha: null, toolVersion: '0' }, 3000);
    expect(tight.length).toBeLessThanOrEqual(3000);
    expect(tight).toMatch(/PASS — patch change/);
  });
});

describe('GitHub errors and events', () => {
  it('classifies permissions and rate limits apart', () => {
    expect(classifyGitHubError(Object.assign(new Error('Resource not accessible by integration'), { status: 403 }))).toBe('no-permission');
    expect(classifyGitHubError(Object.assign(new Error('You have exceeded a secondary rate limit'), { status: 403 }))).toBe('rate-limited');
    expect(classifyGitHubError(Object.assign(new Error('Too Many Requests'), { status: 429 }))).toBe('rate-limited');
    expect(classifyGitHubError(Object.assign(new Error('Bad gateway'), { status: 502 }))).toBe('other');
  });

  it('takes the head commit from the pull request, not the merge commit', () => {
    const event = pullRequestEvent();
    expect(pullRequestFromEvent('pull_request', event)).toEqual({ number: 2, headSha: event.pull_request.head.sha, baseSha: event.pull_request.base.sha, fromFork: false });
    expect(pullRequestFromEvent('push', event)).toBeNull();
    expect(pullRequestFromEvent('workflow_run', { workflow_run: { pull_requests: [{ number: 5, head: { sha: 'h' }, base: { sha: 'b' } }] } })).toMatchObject({ number: 5, headSha: 'h' });
  });
});

describe('calibration in the action', () => {
  it('baseline files in the workspace give the noise floor in the summary and comment; thresholds: auto derives the patch limits', async () => {
    const workspace = exampleWorkspace();
    for (const seed of [2, 3]) {
      for (const ext of ['npy', 'ids.txt']) copyFileSync(join(FIXTURES, 'calibration', `retrain-seed${seed}.${ext}`), join(workspace, 'embeddings', `retrain-seed${seed}.${ext}`));
    }
    const client = new FakeClient();
    const { runtime, recorded } = fakeRuntime({ ...patch, baseline: 'embeddings/retrain-seed2.npy\nembeddings/retrain-seed3.npy', thresholds: 'auto', comment: 'always' }, client, workspace);
    await runAction(runtime);
    expect(recorded.failed).toEqual([]);
    expect(recorded.summaries[0]).toMatch(/Noise floor \(2 harmless retrains of the reference model\): kNN overlap 0\.\d{4} vs 0\.6100–0\.6150 for a harmless retrain/);
    expect(client.comments[0]!.body).toMatch(/Patch limits derived from it \(thresholds: auto/);
    const report = JSON.parse(readFileSync(recorded.outputs.get('report-path')!, 'utf8'));
    expect(report.noiseFloor.derived.ckaLinear).toEqual({ warn: expect.closeTo(0.9387, 4), fail: expect.closeTo(0.8887, 4) });
    expect(report.verdict.checks.find((check: { metric: string }) => check.metric === 'ckaLinear')).toMatchObject({ warn: expect.closeTo(0.9387, 4), fail: expect.closeTo(0.8887, 4) });
  });
});
