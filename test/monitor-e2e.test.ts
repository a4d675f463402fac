import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT } from '../src/action/names.js';
import { FAKE_TOKEN, exampleWorkspace, runActionProcess } from './action-harness.js';
import { FakeGitHub, useFakeGitHub } from './github-api-fake.js';

// monitor mode end to end: dist/index.js on a schedule event, against the OpenAPI-validated API fake.
let github: FakeGitHub;
let api: string;
useFakeGitHub(FAKE_TOKEN, (fake, url) => {
  github = fake;
  api = url;
});

const schedule = { schedule: '0 6 * * 1', repository: { full_name: 'Codertocat/Hello-World' } };
const run = (current: string, extra: Record<string, string> = {}) =>
  runActionProcess({ inputs: { mode: 'monitor', reference: 'embeddings/reference.npy', current, 'open-issue': 'true', permutations: '199', ...extra }, apiUrl: api, event: schedule, eventName: 'schedule', workspace: exampleWorkspace() });

describe('monitor mode', () => {
  it('a drifted week fails and opens one issue; the next run updates it instead of opening another; a quiet week keeps it current', async () => {
    github.userLogin = null; // GITHUB_TOKEN: the Actions bot
    const first = await run('embeddings/candidate-patch.jsonl');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    expect(Object.keys(first.outputs).sort()).toEqual(Object.values(OUTPUT).sort());
    expect(first.outputs).toMatchObject({ status: 'fail', passed: 'false' });
    expect(Number(first.outputs.psi)).toBeGreaterThan(0.25);
    expect(Number(first.outputs['mmd-p-value'])).toBe(1 / 200);
    expect(github.issues).toHaveLength(1);
    const issue = github.issues[0]!;
    expect(issue.title).toBe('embedding-gate monitor: embedding drift past the limits');
    expect(issue.body).toMatch(/^<!-- embedding-gate:monitor=default -->\n## ❌ embedding-gate monitor: FAIL/);
    expect(issue.body).toMatch(/\| population stability index \(cluster shares\) \| \d+\.\d{4} \|/);
    expect(first.outputs['issue-number']).toBe(String(issue.number));
    expect(first.summary).toMatch(/## ❌ embedding-gate monitor: FAIL/);
    const report = JSON.parse(readFileSync(first.outputs['report-path']!, 'utf8'));
    expect(report).toMatchObject({ kind: 'monitor', verdict: { status: 'fail' } });

    // Someone else's issue quoting the marker is never touched.
    github.issues.push({ number: 7, title: 'quote', body: '<!-- embedding-gate:monitor=default --> quoted', state: 'open', user: { login: 'octocat', type: 'User' } });
    const second = await run('embeddings/candidate-patch.jsonl');
    expect(second.code).toBe(1);
    expect(github.issues).toHaveLength(2);
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`/repos/Codertocat/Hello-World/issues/${issue.number}`]);
    expect(github.issues[1]!.body).toBe('<!-- embedding-gate:monitor=default --> quoted');

    const quiet = await run('embeddings/candidate-noise.npy');
    expect(quiet.code).toBe(0);
    expect(quiet.outputs).toMatchObject({ status: 'pass', passed: 'true', 'issue-number': String(issue.number) });
    expect(github.issues[0]!.body).toMatch(/## ✅ embedding-gate monitor: PASS/);
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a quiet week with no issue opens none; different dimensions say to use compare', async () => {
    const quiet = await run('embeddings/candidate-noise.npy');
    expect(quiet.code).toBe(0);
    expect(github.issues).toHaveLength(0);
    expect(quiet.outputs['issue-number']).toBe('');
    const mismatch = await run('embeddings/candidate-major.npy');
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toMatch(/::error::embedding-gate: embeddings\/candidate-major\.npy has 96 dimensions and embeddings\/reference\.npy has 64: monitor compares items in one model space\. To compare two models, use embedding-gate compare\./);
  });
});
