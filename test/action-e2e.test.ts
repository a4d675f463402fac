import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_TOKEN, exampleWorkspace, forkPullRequestEvent, pullRequestEvent, runActionProcess, type ActionRun } from './action-harness.js';
import { FakeGitHub, useFakeGitHub } from './github-api-fake.js';
import { EXAMPLES, expectClose, FIXTURES, readJson, tempDir } from './helpers.js';

// End to end: dist/index.js runs as the runner runs it, against a local fake of the GitHub REST
// API that validates every request against GitHub's OpenAPI description.
const PR = 2; // the number in GitHub's example pull_request payload
const E = 'embeddings';
const patchInputs = {
  reference: `${E}/reference.npy`,
  candidate: `${E}/candidate-patch.jsonl`,
  'reference-manifest': `${E}/reference.manifest.json`,
  'candidate-manifest': `${E}/candidate-patch.manifest.json`,
  // The maps take seconds: only the tests about the HTML report ask for it.
  'html-report': 'false',
};

let github: FakeGitHub;
let api: string;
useFakeGitHub(FAKE_TOKEN, (fake, url) => {
  github = fake;
  api = url;
});

const ourComments = () => (github.comments.get(PR) ?? []).filter((c) => c.body.includes('<!-- embedding-gate:comment-id=default -->') && c.user.login === 'github-actions[bot]');

function expectNoLeak(run: ActionRun): void {
  const stdoutWithoutMask = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');
  expect(run.stdout).toContain(`::add-mask::${FAKE_TOKEN}`);
  for (const [where, text] of [
    ['stdout', stdoutWithoutMask],
    ['stderr', run.stderr],
    ['summary', run.summary],
    ['outputs', JSON.stringify(run.outputs)],
    ['comments', JSON.stringify([...github.comments.values()])],
    ['report', existsSync(run.outputs['report-path'] ?? '') ? readFileSync(run.outputs['report-path']!, 'utf8') : ''],
  ] as const) {
    expect(text.includes(FAKE_TOKEN), `token found in ${where}`).toBe(false);
  }
}

describe('the action, run as the runner runs it', () => {
  it('first run creates the comment; outputs, job summary and JSON report are written', async () => {
    const run = await runActionProcess({ inputs: patchInputs, apiUrl: api });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'pass',
      passed: 'true',
      skipped: 'false',
      bump: 'patch',
      'declared-bump': 'patch',
      'required-bump': 'patch',
      'under-declared': 'false',
      'next-version': '1.0.1',
      'reindex-required': 'true',
    });
    // Reference values computed independently with NumPy and scikit-learn (test/fixtures/make_fixtures.py).
    // The example has float32 near-ties (gap 2e-8), where one swapped neighbour moves the mean by 1/(k·n) = 5.6e-5.
    const expected = readJson(join(FIXTURES, 'metrics', 'examples-patch.json'));
    expectClose(Number(run.outputs['knn-overlap']), expected.knnOverlapMean, 2 / (expected.k * expected.n));
    expectClose(Number(run.outputs.cka), expected.ckaLinear, 2e-6);
    expectClose(Number(run.outputs['centroid-shift']), expected.centroidRelativeShift, 2e-6);
    expect(readdirSync(run.runnerTemp)).toEqual(['embedding-gate-default.json']);
    const report = JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8'));
    expect(report.verdict.status).toBe('pass');
    expect(run.summary).toMatch(/## ✅ embedding-gate: PASS — patch change \(declared patch\)/);
    expect(run.summary).toMatch(/<summary>Clusters \(10, field "label"\)<\/summary>/);
    const comments = ourComments();
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^<!-- embedding-gate:comment-id=default -->\n## ✅ embedding-gate: PASS/);
    expect(comments[0]!.body).toMatch(/\*\*Re-index required\*\*/);
    // Escaped data never sits inside a code span, where a backslash would show.
    expect(comments[0]!.body).toMatch(/next version \*\*1\.0\.1\*\*/);
    expect(comments[0]!.body).not.toMatch(/`[^`]*\\[^`]*`/);
    expect(comments[0]!.body).toMatch(/\[workflow run\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/actions\/runs\/4242\) · head ec26c3e/);
    expect(github.calls()).toEqual([
      'GET /user',
      `GET /repos/Codertocat/Hello-World/issues/${PR}/comments`,
      `POST /repos/Codertocat/Hello-World/issues/${PR}/comments`,
    ]);
    expectNoLeak(run);
  });

  it('second run updates the same comment in place', async () => {
    await runActionProcess({ inputs: patchInputs, apiUrl: api });
    const first = ourComments()[0]!;
    first.body += '\nstale';
    const run = await runActionProcess({ inputs: patchInputs, apiUrl: api });
    expect(run.code).toBe(0);
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.id).toBe(first.id);
    expect(ourComments()[0]!.body).not.toMatch(/stale/);
    expect(github.calls().filter((call) => call.startsWith('PATCH'))).toEqual([`PATCH /repos/Codertocat/Hello-World/issues/comments/${first.id}`]);
  });

  it('finds its comment on a later page, and never takes over a human comment quoting the marker', async () => {
    for (let i = 0; i < 150; i++) github.addComment(PR, `comment ${i}`, 'octocat');
    const quoted = github.addComment(PR, 'look: <!-- embedding-gate:comment-id=default -->', 'octocat');
    const ours = github.addComment(PR, '<!-- embedding-gate:comment-id=default -->\nold', 'github-actions[bot]', 'Bot');
    const run = await runActionProcess({ inputs: patchInputs, apiUrl: api });
    expect(run.code).toBe(0);
    const pages = github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${PR}/comments`)).map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2']);
    expect(github.comments.get(PR)!.find((c) => c.id === quoted.id)!.body).toBe('look: <!-- embedding-gate:comment-id=default -->');
    expect(github.comments.get(PR)!.find((c) => c.id === ours.id)!.body).toMatch(/PASS — patch change/);
    expect(github.calls().some((call) => call.startsWith('POST'))).toBe(false);
  });

  it('keeps one comment per comment-id when several gates run in one pull request', async () => {
    await runActionProcess({ inputs: patchInputs, apiUrl: api });
    await runActionProcess({ inputs: { ...patchInputs, 'comment-id': 'search-model' }, apiUrl: api });
    await runActionProcess({ inputs: { ...patchInputs, 'comment-id': 'search-model' }, apiUrl: api });
    const bodies = github.comments.get(PR)!.map((c) => c.body.split('\n')[0]);
    expect(bodies).toEqual(['<!-- embedding-gate:comment-id=default -->', '<!-- embedding-gate:comment-id=search-model -->']);
    expect(github.comments.get(PR)![1]!.body).toMatch(/embedding-gate \(search-model\): PASS/);
  });

  it('a fork PR with a read-only token: 403 on commenting does not fail or hide the gate', async () => {
    github.failures.push({ method: 'POST', path: /\/comments$/, times: 1, status: 403, message: 'Resource not accessible by integration' });
    const run = await runActionProcess({ inputs: patchInputs, apiUrl: api, event: forkPullRequestEvent() });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('pass');
    expect(run.summary).toMatch(/PASS — patch change/);
    expect(run.stdout).toMatch(/::warning::The token cannot write comments here \(pull requests from forks get a read-only GITHUB_TOKEN\).*comment-from-report/);
    expect(github.calls().filter((call) => call.startsWith('POST'))).toHaveLength(1);
    expectNoLeak(run);
  });

  it('retries a transient 500 and a 429 with retry-after, then comments once', async () => {
    github.failures.push({ method: 'GET', path: /\/comments$/, times: 1, status: 500, message: 'Server Error' });
    // The retry plugin backs off 1, 4, 9 … s; the tests' retry unit of 0 ms makes that no wait on the clock.
    github.failures.push({ method: 'POST', path: /\/comments$/, times: 1, status: 429, message: 'Too many requests' });
    const run = await runActionProcess({ inputs: patchInputs, apiUrl: api });
    expect(run.code).toBe(0);
    expect(ourComments()).toHaveLength(1);
    expect(github.calls().filter((call) => call.startsWith('POST'))).toHaveLength(2);
    expect(github.calls().filter((call) => call.startsWith('GET /repos'))).toHaveLength(2);
    expect(run.stdout).not.toMatch(/::warning::/);
  });

  it('a secondary rate limit that outlasts the retries is reported as such, not as a permissions problem', async () => {
    github.failures.push({
      method: 'POST',
      path: /\/comments$/,
      times: 10,
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '100' },
    });
    const run = await runActionProcess({ inputs: patchInputs, apiUrl: api });
    expect(run.stdout.match(/GitHub secondary rate limit on POST .*: retry \d after 100 s/g)).toHaveLength(4);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::warning::GitHub's rate limit stopped the comment after retries .*This is not a permissions problem/);
    expect(run.stdout).not.toMatch(/fork/);
    expect(run.outputs.status).toBe('pass');
  });

  it('skips without computing when the pull request touches no model path (files listed over several pages)', async () => {
    github.pullFiles.set(PR, Array.from({ length: 250 }, (_, i) => ({ filename: `docs/page-${i}.md` })));
    const run = await runActionProcess({ inputs: { ...patchInputs, 'model-paths': 'model/**\ntraining/**' }, apiUrl: api });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ skipped: 'true', status: 'skipped', passed: 'true', bump: '' });
    expect(run.summary).toMatch(/embedding-gate: skipped/);
    expect(github.requests.filter((r) => r.path.endsWith('/files')).map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(readdirSync(run.runnerTemp)).toEqual([]);
    expect(github.calls().some((call) => call.includes('/comments'))).toBe(false);
  });

  it('runs when a model path changed (a rename counts by its old name too)', async () => {
    github.pullFiles.set(PR, [{ filename: 'docs/a.md' }, { filename: 'weights/new.bin', previous_filename: 'model/old.bin' }]);
    const run = await runActionProcess({ inputs: { ...patchInputs, 'model-paths': 'model/**' }, apiUrl: api });
    expect(run.outputs.skipped).toBe('false');
    expect(run.outputs.status).toBe('pass');
  });

  it('fails an under-declared bump with an error annotation on the manifest version line', async () => {
    const workspace = exampleWorkspace();
    const manifestPath = join(workspace, E, 'candidate-major.manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: '1.0.1' }, null, 2));
    const run = await runActionProcess({
      inputs: { ...patchInputs, candidate: `${E}/candidate-major.npy`, 'candidate-manifest': `${E}/candidate-major.manifest.json` },
      apiUrl: api,
      workspace,
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'fail', passed: 'false', bump: 'major', 'declared-bump': 'patch', 'required-bump': 'major', 'under-declared': 'true', 'next-version': '2.0.0' });
    expect(run.outputs.cka).not.toBe('');
    expect(run.outputs['centroid-shift']).toBe('');
    expect(run.stdout).toMatch(/^::error title=embedding-gate%3A under-declared version,file=embeddings\/candidate-major\.manifest\.json,line=3::under-declared: the version says patch, but the change requires major/m);
    expect(run.stdout).toMatch(/^::error::embedding-gate: FAIL — under-declared/m);
    expect(ourComments()[0]!.body).toMatch(/❌ embedding-gate: FAIL — major change \(declared patch: under-declared\)/);
    expectNoLeak(run);
  });

  it('reads the reference manifest from the base commit when none is given', async () => {
    const event = pullRequestEvent();
    github.contents.set(`${event.pull_request.base.sha}:${E}/candidate-patch.manifest.json`, readFileSync(join(exampleWorkspace(), E, 'reference.manifest.json'), 'utf8'));
    const inputs: Record<string, string> = { ...patchInputs };
    delete inputs['reference-manifest'];
    const run = await runActionProcess({ inputs, apiUrl: api, event });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ bump: 'patch', 'declared-bump': 'patch', 'next-version': '1.0.1' });
    expect(github.calls()).toContain(`GET /repos/Codertocat/Hello-World/contents/${E}%2Fcandidate-patch.manifest.json`);
    expect(run.stdout).toMatch(/Reference manifest: embeddings\/candidate-patch\.manifest\.json at the base commit f95f852/);
  });

  it('fail-on: warn fails the step on warnings; fail-on: never only reports', async () => {
    const broken = { ...patchInputs, candidate: `${E}/candidate-broken.npy`, 'candidate-manifest': `${E}/candidate-broken.manifest.json` };
    const never = await runActionProcess({ inputs: { ...broken, 'fail-on': 'never', comment: 'never' }, apiUrl: api });
    expect(never.code).toBe(0);
    expect(never.outputs).toMatchObject({ status: 'fail', passed: 'true' });
    const warn = await runActionProcess({ inputs: { ...patchInputs, 'fail-on': 'warn', 'min-cka': '0.95', comment: 'never' }, apiUrl: api });
    expect(warn.outputs.status).toBe('fail');
    expect(warn.code).toBe(1);
    expect(github.calls().some((call) => call.includes('/comments'))).toBe(false);
  });

  it('comment-from-report posts a stored report to the pull request (the workflow_run half)', async () => {
    const gateRun = await runActionProcess({ inputs: { ...patchInputs, comment: 'never', 'report-path': 'out/report.json' }, apiUrl: api });
    const workflowRun = { action: 'completed', workflow_run: { pull_requests: [] }, repository: pullRequestEvent().repository };
    const run = await runActionProcess({
      inputs: { mode: 'comment-from-report', report: 'out/report.json', 'pr-number': String(PR) },
      apiUrl: api,
      event: workflowRun,
      eventName: 'workflow_run',
      workspace: gateRun.workspace,
    });
    expect(run.code).toBe(0);
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).toMatch(/PASS — patch change/);
    expect(run.outputs.status).toBe('pass');
    expectNoLeak(run);
  });

  it('query shards in a matrix, then mode: merge, give the unsharded verdict and one comment', async () => {
    const workspace = exampleWorkspace();
    for (const index of [1, 2, 3]) {
      const shard = await runActionProcess({ inputs: { ...patchInputs, 'query-shard': `${index}/3`, 'report-path': `partials/p${index}.json` }, apiUrl: api, workspace });
      expect(shard.code).toBe(0);
      expect(shard.outputs).toMatchObject({ status: 'partial', 'report-path': join(workspace, 'partials', `p${index}.json`) });
    }
    expect(github.calls().some((call) => call.includes('/comments'))).toBe(false);
    const merged = await runActionProcess({ inputs: { mode: 'merge', partials: 'partials/*.json', 'report-path': 'merged.json' }, apiUrl: api, workspace });
    expect(merged.code).toBe(0);
    const whole = await runActionProcess({ inputs: { ...patchInputs, comment: 'never', 'report-path': 'whole.json' }, apiUrl: api, workspace });
    expect(readFileSync(join(workspace, 'merged.json'), 'utf8')).toBe(readFileSync(join(workspace, 'whole.json'), 'utf8'));
    expect(merged.outputs).toMatchObject({ status: 'pass', bump: 'patch', 'knn-overlap': whole.outputs['knn-overlap'] });
    expect(ourComments()).toHaveLength(1);
    expect(merged.stdout).toMatch(/Merging 3 partial reports: partials\/p1\.json, partials\/p2\.json, partials\/p3\.json/);
    const missing = await runActionProcess({ inputs: { mode: 'merge', partials: 'partials/p1.json\npartials/p3.json' }, apiUrl: api, workspace });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/::error::embedding-gate: partials\/p3\.json: shard 3\/3 follows a gap: shard 2\/3 is missing/);
  }, 60_000);

  it('reads a candidate an earlier step left in RUNNER_TEMP by its absolute path; refuses one elsewhere', async () => {
    const runnerTemp = tempDir();
    copyFileSync(join(EXAMPLES, 'candidate-patch.jsonl'), join(runnerTemp, 'candidate.jsonl'));
    const run = await runActionProcess({ inputs: { ...patchInputs, comment: 'never', candidate: join(runnerTemp, 'candidate.jsonl') }, apiUrl: api, runnerTemp });
    expect(run.stdout).not.toMatch(/::error::/);
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'pass', bump: 'patch' });
    const elsewhere = tempDir();
    copyFileSync(join(EXAMPLES, 'candidate-patch.jsonl'), join(elsewhere, 'candidate.jsonl'));
    const refused = await runActionProcess({ inputs: { ...patchInputs, comment: 'never', candidate: join(elsewhere, 'candidate.jsonl') }, apiUrl: api });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/::error::embedding-gate: input 'candidate': .*candidate\.jsonl resolves to .*, outside the workspace .* or the runner's temp folder .*; move it there, or set allow-outside-workspace: true/);
  });

  it('html-report: the bundle writes the HTML page; without the Actions runtime it says the artifact was not uploaded, and carries on', async () => {
    const run = await runActionProcess({ inputs: { ...patchInputs, 'html-report': 'true' }, apiUrl: api });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/The HTML report was not uploaded as an artifact \(.*\); it is at .*report\.html\. Artifact upload needs the Actions runtime/);
    expect(run.stdout).not.toMatch(/::warning::/);
    expect(readFileSync(run.outputs['html-path']!, 'utf8')).toMatch(/<svg class="map-svg" data-map="joint"/);
    expect(run.outputs['artifact-url']).toBe('');
    expect(run.stdout).toMatch(/maps \(UMAP of 1000 of 1797 items, and a joint view\) in \d+ ms/);
    expectNoLeak(run);
  });

  it('bad input fails the step with one clear message', async () => {
    const run = await runActionProcess({ inputs: { ...patchInputs, k: 'ten' }, apiUrl: api });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::embedding-gate: input 'k' must be a whole number ≥ 1, got "ten"\.$/m);
    const missing = await runActionProcess({ inputs: { ...patchInputs, candidate: `${E}/nope.npy` }, apiUrl: api });
    expect(missing.stdout).toMatch(/::error::embedding-gate: input 'candidate': file not found: embeddings\/nope\.npy/);
    expect(missing.stdout + missing.stderr).not.toMatch(/\n\s+at /);
  });
});
