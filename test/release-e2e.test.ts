import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_TOKEN, pullRequestEvent, pushEvent, runActionProcess, type ActionRun } from './action-harness.js';
import { OUTPUT } from '../src/action/names.js';
import { FakeGitHub, useFakeGitHub } from './github-api-fake.js';
import { EXAMPLES, FIXTURES, runCliProcess, tempDir } from './helpers.js';

// Release mode end to end: dist/index.js as the runner runs it, against the OpenAPI-validated fake
// of the GitHub API (tags, refs, releases, asset upload and download).
const SHA_1 = '1111111111111111111111111111111111111111';
const SHA_2 = '2222222222222222222222222222222222222222';
const OTHER = '9999999999999999999999999999999999999999';

let github: FakeGitHub;
let api: string;
useFakeGitHub(FAKE_TOKEN, (fake, url) => {
  github = fake;
  api = url;
});

/**
 * A repository whose probe set is `embeddings/probe.npy` (+ ids sidecar) with the manifest
 * `embeddings/model.json`: the example set `model` (reference, candidate-major, …) checked out.
 */
function workspaceWith(model: 'reference' | 'candidate-major' | 'candidate-broken' | 'candidate-noise', manifest: string = model === 'candidate-noise' ? 'reference' : model): string {
  const workspace = tempDir();
  mkdirSync(join(workspace, 'embeddings'));
  copyFileSync(join(EXAMPLES, `${model}.npy`), join(workspace, 'embeddings', 'probe.npy'));
  copyFileSync(join(EXAMPLES, `${model}.ids.txt`), join(workspace, 'embeddings', 'probe.ids.txt'));
  copyFileSync(join(EXAMPLES, `${manifest}.manifest.json`), join(workspace, 'embeddings', 'model.json'));
  return workspace;
}

const probeInputs = { candidate: 'embeddings/probe.npy', 'candidate-manifest': 'embeddings/model.json', 'html-report': 'false' };

function releaseRun(workspace: string, sha: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runActionProcess({ inputs: { mode: 'release', ...probeInputs, ...inputs }, apiUrl: api, workspace, sha, event: pushEvent(), eventName: 'push' });
}

/** Arranges a published release of `tag` whose assets are the example reference set under the given names. */
function arrangeRelease(tag: string, sha: string, names = { vectors: 'probe.npy', ids: 'probe.ids.txt', manifest: 'model.json' }, set: 'reference' | 'candidate-major' = 'reference'): void {
  github.tags.push({ name: tag, sha });
  github.releases.push({
    id: 500 + github.releases.length,
    tag_name: tag,
    target_commitish: sha,
    name: tag,
    body: '',
    assets: [
      { name: names.vectors, file: `${set}.npy` },
      { name: names.ids, file: `${set}.ids.txt` },
      { name: names.manifest, file: 'reference.manifest.json' },
    ].map((asset, index) => {
      const data = readFileSync(join(EXAMPLES, asset.file));
      return { id: 900 + github.releases.length * 10 + index, name: asset.name, size: data.length, data };
    }),
  });
}

const posts = (path: RegExp) => github.requests.filter((r) => r.method === 'POST' && path.test(r.path));

describe('release mode', () => {
  it('makes the first release: tag at the commit, a release whose assets are the next reference; other tags are left alone', async () => {
    github.tags.push({ name: 'v3.0.0', sha: OTHER }, { name: 'embeddings-vnext', sha: OTHER });
    const workspace = workspaceWith('reference');
    const run = await releaseRun(workspace, SHA_1, { 'create-tag': 'true', 'create-release': 'true', history: 'history/embeddings.jsonl' });
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    // The history in the workspace, for a later step to commit or upload.
    const history = readFileSync(join(workspace, 'history', 'embeddings.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(history).toMatchObject([{ kind: 'release', version: '1.0.0', tag: 'embeddings-v1.0.0', commit: SHA_1, bump: 'initial', items: 1797, base: null, verdict: null }]);
    // The token reaches no log, output, release body, asset or history.
    const stdout = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');
    for (const text of [stdout, run.stderr, run.summary, JSON.stringify(run.outputs), JSON.stringify(github.releases.map((r) => [r.body, r.assets.map((a) => a.data.toString('latin1'))])), JSON.stringify(history)]) {
      expect(text.includes(FAKE_TOKEN)).toBe(false);
    }
    expect(Object.keys(run.outputs).sort()).toEqual(Object.values(OUTPUT).sort());
    expect(run.outputs).toMatchObject({ tag: 'embeddings-v1.0.0', 'next-version': '1.0.0', bump: 'initial', released: 'true', status: 'pass' });
    expect(run.outputs['release-url']).toMatch(/\/releases\/tag\/embeddings-v1\.0\.0$/);
    expect(github.tags).toContainEqual({ name: 'embeddings-v1.0.0', sha: SHA_1 });
    expect(run.stdout).toMatch(/ignored, not a version: embeddings-vnext/);
    const release = github.releases.find((r) => r.tag_name === 'embeddings-v1.0.0')!;
    expect(release.target_commitish).toBe(SHA_1);
    expect(release.body).toMatch(/The first embedding release: 1797 items × 64 dimensions from embeddings\/probe\.npy/);
    expect(release.assets.map((a) => a.name)).toEqual(['probe.npy', 'probe.ids.txt', 'model.json']);
    expect(release.assets[0]!.data.equals(readFileSync(join(workspace, 'embeddings', 'probe.npy')))).toBe(true);
    expect(release.assets[1]!.data.equals(readFileSync(join(workspace, 'embeddings', 'probe.ids.txt')))).toBe(true);
    expect(run.summary).toMatch(/## embedding-gate release: embeddings-v1\.0\.0/);
  });

  it('is a dry run by default, and initial-version sets the first version', async () => {
    const run = await releaseRun(workspaceWith('reference'), SHA_1, { 'initial-version': '0.1.0' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ tag: 'embeddings-v0.1.0', 'next-version': '0.1.0', released: 'false', 'release-url': '' });
    expect(run.stdout).toMatch(/Dry run: would tag embeddings-v0\.1\.0 at 1111111; set create-tag: true/);
    expect(posts(/./)).toEqual([]);
    expect(github.tags).toEqual([]);
  });

  it('closes the loop: the PR gate compares with the released reference; the merge is released as the next version; a rerun finds its tag', async () => {
    await releaseRun(workspaceWith('reference'), SHA_1, { 'create-tag': 'true', 'create-release': 'true' });
    // A pull request changes the model: the PR gate downloads the reference from the release.
    const changed = workspaceWith('candidate-major');
    const gateRun = await runActionProcess({ inputs: { ...probeInputs, reference: 'release', 'reference-manifest': 'release' }, apiUrl: api, workspace: changed, event: pullRequestEvent() });
    expect(gateRun.stderr).toBe('');
    expect(gateRun.outputs).toMatchObject({ status: 'pass', bump: 'major', 'declared-bump': 'major', 'next-version': '2.0.0' });
    expect(gateRun.stdout).toMatch(/Reference: embeddings-v1\.0\.0 \(1111111\)/);
    expect(gateRun.stdout).toMatch(/Downloaded probe\.npy \(\d+ bytes\) from the release embeddings-v1\.0\.0/);
    const gateReport = JSON.parse(readFileSync(gateRun.outputs['report-path']!, 'utf8'));
    expect(gateReport.reference).toMatchObject({ count: 1797, dim: 64, idSource: 'sidecar probe.ids.txt' });
    expect(gateReport.bump.referenceVersion).toBe('1.0.0');

    // After the merge, the release run compares with the release and tags 2.0.0.
    const merged = await releaseRun(changed, SHA_2, { 'create-tag': 'true', 'create-release': 'true' });
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(Object.keys(merged.outputs).sort()).toEqual(Object.values(OUTPUT).sort());
    expect(merged.outputs).toMatchObject({ tag: 'embeddings-v2.0.0', 'next-version': '2.0.0', bump: 'major', released: 'true', status: 'pass' });
    const release = github.releases.find((r) => r.tag_name === 'embeddings-v2.0.0')!;
    expect(release.assets.map((a) => a.name)).toEqual(['probe.npy', 'probe.ids.txt', 'model.json', 'embedding-gate-report.json']);
    expect(release.body).toMatch(/Compared with embeddings-v1\.0\.0/);
    expect(release.body).toMatch(/kNN overlap/);
    const asset = JSON.parse(release.assets[3]!.data.toString('utf8'));
    expect(asset.bump.final).toBe('major');

    // A rerun on the same commit reports its own tag and creates nothing.
    const before = github.requests.length;
    const rerun = await releaseRun(changed, SHA_2, { 'create-tag': 'true', 'create-release': 'true' });
    expect(rerun.code).toBe(0);
    expect(rerun.outputs).toMatchObject({ tag: 'embeddings-v2.0.0', released: 'true', bump: 'major' });
    expect(rerun.stdout).toMatch(/embeddings-v2\.0\.0 already points at this commit/);
    expect(github.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('finds the latest release among more than 100 tags by semver, past pre-releases and tags that are not versions', async () => {
    // By name, embeddings-v1.0.99 would be the newest; by semver it is 1.0.120, on the second page.
    for (let patch = 0; patch < 120; patch++) github.tags.push({ name: `embeddings-v1.0.${patch}`, sha: OTHER });
    github.tags.push({ name: 'embeddings-v1.1.0-rc.1', sha: OTHER }, { name: 'embeddings-vlatest', sha: OTHER }, { name: 'v9.9.9', sha: OTHER });
    arrangeRelease('embeddings-v1.0.120', OTHER);
    const run = await releaseRun(workspaceWith('candidate-noise', 'reference'), SHA_2, { 'equivalence-tolerance': '0' });
    expect(run.stderr).toBe('');
    expect(github.requests.filter((r) => r.path.endsWith('/tags')).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(run.stdout).toMatch(/121 embedding release\(s\) with prefix embeddings-v \(latest embeddings-v1\.0\.120\); 1 pre-release\(s\) not used as a base \(e\.g\. embeddings-v1\.1\.0-rc\.1\); ignored, not a version: embeddings-vlatest/);
    expect(run.outputs).toMatchObject({ tag: 'embeddings-v1.0.121', 'next-version': '1.0.121', bump: 'patch', released: 'false' });
  });

  it('never tags a failing gate, and says why', async () => {
    arrangeRelease('embeddings-v1.0.0', OTHER);
    const run = await releaseRun(workspaceWith('candidate-broken'), SHA_2, { 'create-tag': 'true', 'create-release': 'true' });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'fail', passed: 'false', tag: '', released: 'false', 'next-version': '' });
    expect(run.stdout).toMatch(/::error::embedding-gate: no release: the gate failed against embeddings-v1\.0\.0, so nothing is tagged: .*CKA/);
    expect(posts(/./)).toEqual([]);
  });

  it('does not release an unchanged space (bump none) and succeeds', async () => {
    arrangeRelease('embeddings-v1.0.0', OTHER);
    const run = await releaseRun(workspaceWith('reference'), SHA_2, { 'create-tag': 'true' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ bump: 'none', tag: '', released: 'false', 'next-version': '1.0.0' });
    expect(run.stdout).toMatch(/nothing to release: the candidate is equivalent to embeddings-v1\.0\.0/);
    expect(posts(/./)).toEqual([]);
  });

  it('a tag created concurrently at this commit (HTTP 422) counts as released; at another commit the run fails naming it', async () => {
    arrangeRelease('embeddings-v1.0.0', OTHER);
    github.beforeCreateRef = () => github.tags.push({ name: 'embeddings-v2.0.0', sha: SHA_2 });
    const won = await releaseRun(workspaceWith('candidate-major'), SHA_2, { 'create-tag': 'true' });
    expect(won.stderr).toBe('');
    expect(won.code).toBe(0);
    expect(won.outputs).toMatchObject({ tag: 'embeddings-v2.0.0', released: 'true' });
    expect(won.stdout).toMatch(/already points at 2222222 \(created by a concurrent run\)/);

    github.tags = github.tags.filter((t) => t.name !== 'embeddings-v2.0.0');
    github.beforeCreateRef = () => github.tags.push({ name: 'embeddings-v2.0.0', sha: OTHER });
    const lost = await releaseRun(workspaceWith('candidate-major'), SHA_2, { 'create-tag': 'true' });
    expect(lost.code).toBe(1);
    expect(lost.outputs.released).toBe('false');
    expect(lost.stdout).toMatch(/::error::embedding-gate: the tag embeddings-v2\.0\.0 was created meanwhile at 9999999, not at 2222222; another release run won/);
  });

  it('writes next-version into the candidate manifest when asked, keeping its layout', async () => {
    arrangeRelease('embeddings-v1.0.0', OTHER);
    const fresh = workspaceWith('candidate-major');
    writeFileSync(join(fresh, 'embeddings', 'model.json'), readFileSync(join(EXAMPLES, 'candidate-major.manifest.json'), 'utf8').replace('"2.0.0"', '"1.0.0"'));
    const written = await releaseRun(fresh, SHA_2, { 'write-version': 'true' });
    expect(written.code).toBe(0);
    const manifest = readFileSync(join(fresh, 'embeddings', 'model.json'), 'utf8');
    expect(JSON.parse(manifest).version).toBe('2.0.0');
    expect(manifest.startsWith('{\n  "name": "digits-encoder",\n  "version": "2.0.0",')).toBe(true);
  });
});

describe('reference: release in the PR gate', () => {
  it('without any release, says how to make the first one', async () => {
    const run = await runActionProcess({ inputs: { ...probeInputs, reference: 'release' }, apiUrl: api, workspace: workspaceWith('candidate-major') });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::embedding-gate: input 'reference' is release, but the repository has no embedding release yet \(no tag embeddings-v<version>\)\. Make the first release with mode: release, create-tag: true and create-release: true/);
  });

  it('a release without the asset names the assets it has and the input to set', async () => {
    arrangeRelease('embeddings-v1.0.0', OTHER, { vectors: 'vectors.npy', ids: 'vectors.ids.txt', manifest: 'm.json' });
    const missing = await runActionProcess({ inputs: { ...probeInputs, reference: 'release' }, apiUrl: api, workspace: workspaceWith('candidate-major') });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/::error::embedding-gate: the release embeddings-v1\.0\.0 has no asset "probe\.npy" \(it has "vectors\.npy", "vectors\.ids\.txt", "m\.json"\)\. Set input 'reference-asset'/);
    const named = await runActionProcess({
      inputs: { ...probeInputs, reference: 'release', 'reference-asset': 'vectors.npy', 'reference-manifest': 'release', 'reference-manifest-asset': 'm.json' },
      apiUrl: api,
      workspace: workspaceWith('candidate-major'),
    });
    expect(named.stderr).toBe('');
    expect(named.outputs).toMatchObject({ status: 'pass', bump: 'major' });
  });
});

describe('drift history', () => {
  const historyInputs = { history: 'embedding-history.jsonl', 'history-branch': 'embedding-history' };
  const historyKey = 'embedding-history:embedding-history.jsonl';

  it('each release appends a record on the branch; a concurrent write is retried and no record is lost; the PR comment shows recent releases', async () => {
    github.branches.add('embedding-history');
    const first = await releaseRun(workspaceWith('reference'), SHA_1, { 'create-tag': 'true', 'create-release': 'true', ...historyInputs });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Appended a release record to the history embedding-history\.jsonl on embedding-history/);

    // Another run appends its own record between our read and our write, once.
    const foreign = JSON.stringify({ ...JSON.parse(github.contents.get(historyKey)!.trim()), kind: 'gate', pullRequest: 41, version: null, tag: null, bump: 'patch' });
    github.beforeContentsWrite = (key) => {
      github.beforeContentsWrite = null;
      github.contents.set(key, `${github.contents.get(key)}${foreign}\n`);
    };
    const second = await releaseRun(workspaceWith('candidate-major'), SHA_2, { 'create-tag': 'true', 'create-release': 'true', ...historyInputs });
    expect(second.stderr).toBe('');
    expect(second.stdout).toMatch(/changed meanwhile \(a concurrent run\); reading it again \(attempt 2 of 6\)/);
    // One write for the first release; for the second, one refused with the stale sha, then one after reading again.
    const puts = github.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(3);
    const records = github.contents.get(historyKey)!.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r) => [r.kind, r.version, r.bump])).toEqual([['release', '1.0.0', 'initial'], ['gate', null, 'patch'], ['release', '2.0.0', 'major']]);
    expect(records[2]).toMatchObject({ commit: SHA_2, base: 'embeddings-v1.0.0', verdict: 'pass', commitUrl: `https://github.com/Codertocat/Hello-World/commit/${SHA_2}` });
    expect(records[2].metrics.knnOverlap).toBeCloseTo(Number(second.outputs['knn-overlap']), 12);

    // A rerun does not add the release twice.
    await releaseRun(workspaceWith('candidate-major'), SHA_2, { 'create-tag': 'true', 'create-release': 'true', ...historyInputs });
    expect(github.contents.get(historyKey)!.trimEnd().split('\n')).toHaveLength(3);

    // The next pull request's comment shows the releases next to its own figures (gate runs only read).
    const gateRun = await runActionProcess({ inputs: { ...probeInputs, reference: 'release', 'reference-manifest': 'release', comment: 'always', ...historyInputs }, apiUrl: api, workspace: workspaceWith('candidate-major'), event: pullRequestEvent() });
    expect(gateRun.stderr).toBe('');
    const comment = github.comments.get(2)![0]!.body;
    expect(comment).toMatch(/<summary>Recent releases/);
    expect(comment).toContain(`| [1.0.0](https://github.com/Codertocat/Hello-World/commit/${SHA_1}) | `);
    expect(comment).toMatch(/\| \[2\.0\.0\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/commit\/2{40}\) \| \d{4}-\d{2}-\d{2} \| major \| /);
    expect(comment).toMatch(/\| \*\*this pull request\*\* \| \| none \| 1\.000 \| 1\.000 \|/);
    expect(gateRun.summary).toMatch(/Recent releases/);
    expect(github.contents.get(historyKey)!.trimEnd().split('\n')).toHaveLength(3);
  });

  it('a history branch that does not exist fails the release run with how to create it; a damaged history only costs the comment its table', async () => {
    const run = await releaseRun(workspaceWith('reference'), SHA_1, { 'create-tag': 'true', ...historyInputs });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::embedding-gate: the history branch embedding-history does not exist\. Create it once, e\.g\. git switch --orphan embedding-history/);

    arrangeRelease('embeddings-v1.0.0', OTHER);
    github.contents.set(historyKey, '{"schemaVersion":1,"kind":"release"}\n');
    const gateRun = await runActionProcess({ inputs: { ...probeInputs, reference: 'release', comment: 'always', ...historyInputs }, apiUrl: api, workspace: workspaceWith('candidate-major'), event: pullRequestEvent() });
    expect(gateRun.code).toBe(0);
    expect(gateRun.stdout).toMatch(/::warning::The drift history was not read, so the comment shows no recent releases: embedding-history\.jsonl on the branch embedding-history line 1: not an embedding-gate history record/);
    expect(github.comments.get(2)![0]!.body).not.toMatch(/Recent releases/);
  });
});

describe('drift budget', () => {
  const names = { vectors: 'probe.npy', ids: 'probe.ids.txt', manifest: 'model.json' };

  it('fails a change that passes against the latest release but has drifted too far from the major line’s first release; the figures equal a direct comparison', async () => {
    // 1.0.0 opened the line; 1.1.0 moved far from it; the candidate equals 1.1.0, so each step alone passes.
    arrangeRelease('embeddings-v1.0.0', OTHER, names, 'reference');
    arrangeRelease('embeddings-v1.1.0', OTHER.replace(/9/g, '8'), names, 'candidate-major');
    const workspace = workspaceWith('candidate-major', 'reference');
    const run = await runActionProcess({
      inputs: { ...probeInputs, reference: 'release', 'reference-manifest': 'release', 'drift-budget-min-knn-overlap': '0.9', 'drift-budget-min-cka': '0.5', comment: 'always' },
      apiUrl: api,
      workspace,
      event: pullRequestEvent(),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Drift budget: measuring the candidate against embeddings-v1\.0\.0, where the current major line began/);
    const report = JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8'));
    expect(report.bump.final).toBe('none');
    expect(report.metrics.knnOverlap.mean).toBe(1);
    expect(report.driftBudget).toMatchObject({ anchor: 'embeddings-v1.0.0', anchorVersion: '1.0.0', status: 'fail', minKnnOverlap: 0.9, minCka: 0.5 });
    expect(report.verdict.status).toBe('fail');
    expect(report.verdict.breaches.map((b: { metric: string }) => b.metric)).toEqual(['driftBudgetKnnOverlap']);
    // The same comparison made directly with the CLI gives the budget's figures.
    const direct = runCliProcess(['compare', '--reference', join(EXAMPLES, 'reference.npy'), '--candidate', join(EXAMPLES, 'candidate-major.npy'), '--format', 'json'], workspace);
    const directReport = JSON.parse(direct.stdout);
    expect(report.driftBudget.knnOverlap).toBe(directReport.metrics.knnOverlap.mean);
    expect(report.driftBudget.cka).toBe(directReport.metrics.cka.linear);
    expect(run.stdout).toMatch(/::error::embedding-gate: FAIL — drift budget: kNN overlap 0\.\d{4} against embeddings-v1\.0\.0, where the 1\.x line began, is below 0\.9/);
    const comment = github.comments.get(2)![0]!.body;
    expect(comment).toMatch(/\| drift budget since embeddings-v1\.0\.0: kNN overlap \| 0\.\d{4} \| \| ≥ 0\.9000 \| ❌ \|/);
    expect(comment).toMatch(/\| drift budget since embeddings-v1\.0\.0: linear CKA \| 0\.\d{4} \| \| ≥ 0\.5000 \| ✅ \|/);
  });

  it('a major change resets the budget; when the latest release opened the line the comparison itself is the budget', async () => {
    arrangeRelease('embeddings-v1.0.0', OTHER, names, 'reference');
    arrangeRelease('embeddings-v1.1.0', OTHER.replace(/9/g, '8'), names, 'reference');
    const major = await releaseRun(workspaceWith('candidate-major'), SHA_2, { 'drift-budget-min-knn-overlap': '0.99' });
    expect(major.code, `${major.stdout}\n${major.stderr}`).toBe(0);
    expect(major.stdout).toMatch(/Drift budget: reset, this major change opens a new line/);
    expect(major.outputs).toMatchObject({ bump: 'major', tag: 'embeddings-v2.0.0', status: 'pass' });

    github.releases.length = 0;
    github.tags = [];
    arrangeRelease('embeddings-v2.0.0', OTHER, names, 'reference');
    const same = await releaseRun(workspaceWith('candidate-noise', 'reference'), SHA_2, { 'drift-budget-min-knn-overlap': '0.5', 'equivalence-tolerance': '0' });
    expect(same.stderr).toBe('');
    expect(same.stdout).toMatch(/Drift budget: embeddings-v2\.0\.0 opened the 2\.0\.0 line, so the comparison above is the cumulative drift/);
    const report = JSON.parse(readFileSync(same.outputs['report-path']!, 'utf8'));
    expect(report.driftBudget).toMatchObject({ status: 'pass', knnOverlap: report.metrics.knnOverlap.mean });
    expect(same.outputs).toMatchObject({ tag: 'embeddings-v2.0.1', bump: 'patch' });
  });
});

describe('release mode guards', () => {
  it('refuses to run on a pull request event, where the commit is not on the default branch', async () => {
    const run = await runActionProcess({ inputs: { mode: 'release', ...probeInputs }, apiUrl: api, workspace: workspaceWith('reference'), event: pullRequestEvent() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::embedding-gate: release mode tags the merged commit: run it on push to the default branch or on workflow_dispatch, not on pull_request/);
    expect(github.requests).toEqual([]);
  });
});


describe('a model folder as the candidate manifest in the PR gate', () => {
  it('reads the reference folder from the base commit through the contents API (files and subfolders, weights raw)', async () => {
    const event = pullRequestEvent();
    const base = event.pull_request.base.sha as string;
    const models = join(FIXTURES, 'models');
    // The base commit holds st-legacy at model/; the pull request changes it to st-cls (pooling mean → cls).
    const walk = (dir: string, prefix: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path, `${prefix}/${name}`);
        else if (name.endsWith('.safetensors')) github.binary.set(`${base}:${prefix}/${name}`, readFileSync(path));
        else github.contents.set(`${base}:${prefix}/${name}`, readFileSync(path, 'utf8'));
      }
    };
    walk(join(models, 'st-legacy'), 'model');
    const workspace = workspaceWith('reference');
    cpSync(join(models, 'st-cls'), join(workspace, 'model'), { recursive: true });
    const run = await runActionProcess({
      inputs: { reference: 'embeddings/probe.npy', candidate: 'embeddings/probe.npy', 'candidate-manifest': 'model', 'html-report': 'false', comment: 'always' },
      apiUrl: api,
      workspace,
      event,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/Reference manifest: the model folder model at the base commit [0-9a-f]{7} \(\d+ files, \d+ bytes/);
    const report = JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8'));
    expect(report.bump.fromManifests).toBe('minor');
    expect(report.bump.changes).toEqual([{ section: 'extraction', path: 'extraction.pooling.mode', file: 'model/1_Pooling/config.json', reference: 'mean', candidate: 'cls' }]);
    expect(github.comments.get(2)![0]!.body).toContain('- extraction: pooling.mode "mean" → "cls" (model/1\\_Pooling/config.json)');
  });
});
