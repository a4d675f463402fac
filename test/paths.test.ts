import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { runAction } from '../src/action/run-action.js';
import { anyPath, resolveInputFile, resolveOutputFile, type PathPolicy } from '../src/io/paths.js';
import { FakeClient, fakeRuntime } from './action-fakes.js';
import { EXAMPLES, tempDir } from './helpers.js';

/** A workspace and a runner temp folder, as the action confines paths to them. */
function actionPolicy(): { workspace: string; temp: string; outside: string; policy: PathPolicy } {
  const root = tempDir();
  const workspace = join(root, 'work');
  const temp = join(root, '_temp');
  const outside = join(root, 'elsewhere');
  for (const dir of [workspace, temp, outside]) mkdirSync(dir);
  return {
    workspace,
    temp,
    outside,
    policy: {
      base: workspace,
      roots: [
        { name: 'the workspace', path: workspace },
        { name: "the runner's temp folder", path: temp },
      ],
    },
  };
}

describe('the action path rule: the workspace and the runner temp folder, symlinks resolved', () => {
  it('accepts relative paths in the workspace and absolute paths under either root', () => {
    const { workspace, temp, policy } = actionPolicy();
    writeFileSync(join(workspace, 'a.npy'), 'x');
    writeFileSync(join(temp, 'b.npy'), 'x');
    expect(resolveInputFile('a.npy', 'input', policy)).toBe(join(workspace, 'a.npy'));
    expect(resolveInputFile(join(temp, 'b.npy'), 'input', policy)).toBe(join(temp, 'b.npy'));
    expect(resolveOutputFile(join(temp, 'new', 'report.json'), 'out', policy)).toBe(join(temp, 'new', 'report.json'));
    expect(resolveOutputFile('reports/today/report.json', 'out', policy)).toBe(join(workspace, 'reports', 'today', 'report.json'));
  });

  it('refuses a path elsewhere, naming both places and the way out', () => {
    const { outside, policy } = actionPolicy();
    writeFileSync(join(outside, 'c.npy'), 'x');
    expect(() => resolveInputFile(join(outside, 'c.npy'), "input 'candidate'", policy)).toThrow(
      /^input 'candidate': .*c\.npy resolves to .*c\.npy, outside the workspace \(.*work\) or the runner's temp folder \(.*_temp\); move it there, or set allow-outside-workspace: true/,
    );
    expect(() => resolveOutputFile('../elsewhere/report.json', 'out', policy)).toThrow(/outside the workspace/);
    expect(resolveInputFile(join(outside, 'c.npy'), 'input', { ...policy, roots: null })).toBe(join(outside, 'c.npy'));
  });

  it('an output directory that links outside is refused (the parent’s real path is checked)', () => {
    const { workspace, outside, policy } = actionPolicy();
    symlinkSync(outside, join(workspace, 'out'));
    expect(() => resolveOutputFile('out/report.json', 'out', policy)).toThrow(/out\/report\.json resolves to .*elsewhere\/report\.json, outside/);
    expect(() => resolveOutputFile('out/deeper/report.json', 'out', policy)).toThrow(/outside/);
  });

  it('an output file that is a symlink to a file outside, existing or not, is refused', () => {
    const { workspace, outside, policy } = actionPolicy();
    writeFileSync(join(outside, 'target.json'), '{}');
    symlinkSync(join(outside, 'target.json'), join(workspace, 'report.json'));
    expect(() => resolveOutputFile('report.json', 'out', policy)).toThrow(/outside/);
    symlinkSync(join(outside, 'missing.json'), join(workspace, 'dangling.json'));
    expect(() => resolveOutputFile('dangling.json', 'out', policy)).toThrow(/symlink to a file that does not exist/);
  });

  it('an input that links outside is refused', () => {
    const { workspace, outside, policy } = actionPolicy();
    writeFileSync(join(outside, 'secret.npy'), 'x');
    symlinkSync(join(outside, 'secret.npy'), join(workspace, 'innocent.npy'));
    expect(() => resolveInputFile('innocent.npy', 'input', policy)).toThrow(/innocent\.npy resolves to .*secret\.npy, outside/);
  });

  it('a workspace reached through a symlink accepts its own plain paths', () => {
    const { workspace, temp } = actionPolicy();
    const link = join(tempDir(), 'workspace-link');
    symlinkSync(workspace, link);
    writeFileSync(join(workspace, 'a.npy'), 'x');
    const policy: PathPolicy = { base: link, roots: [{ name: 'the workspace', path: link }, { name: "the runner's temp folder", path: temp }] };
    expect(resolveOutputFile('report.json', 'out', policy)).toBe(join(link, 'report.json'));
    expect(resolveOutputFile('new/dir/report.json', 'out', policy)).toBe(join(link, 'new', 'dir', 'report.json'));
    expect(resolveInputFile('a.npy', 'input', policy)).toBe(join(link, 'a.npy'));
    expect(realpathSync(link)).toBe(realpathSync(workspace));
  });

  it('the CLI rule reads any path', () => {
    const { outside } = actionPolicy();
    writeFileSync(join(outside, 'c.npy'), 'x');
    expect(resolveInputFile('../elsewhere/c.npy', 'input', anyPath(join(outside, '..', 'work')))).toBe(join(outside, 'c.npy'));
  });
});

describe('the action with files an earlier step wrote to RUNNER_TEMP', () => {
  const inputs = (candidate: string) => ({
    reference: 'embeddings/reference.npy',
    candidate,
    'reference-manifest': 'embeddings/reference.manifest.json',
    'candidate-manifest': 'embeddings/candidate-patch.manifest.json',
    comment: 'never',
  });

  it('accepts ${{ runner.temp }}/candidate.jsonl', async () => {
    const probe = fakeRuntime({}, new FakeClient());
    const candidate = join(probe.runtime.env.runnerTemp, 'candidate.jsonl');
    copyFileSync(join(EXAMPLES, 'candidate-patch.jsonl'), candidate);
    const { runtime, recorded } = fakeRuntime(inputs(candidate), new FakeClient(), probe.runtime.env.workspace);
    const run = { ...runtime, env: { ...runtime.env, runnerTemp: probe.runtime.env.runnerTemp } };
    await runAction(run);
    expect(recorded.failed).toEqual([]);
    expect(recorded.outputs.get('status')).toBe('pass');
  });

  it('refuses a file elsewhere unless allow-outside-workspace: true', async () => {
    const elsewhere = join(tempDir(), 'candidate.jsonl');
    copyFileSync(join(EXAMPLES, 'candidate-patch.jsonl'), elsewhere);
    const refused = fakeRuntime(inputs(elsewhere), new FakeClient());
    await expect(runAction(refused.runtime)).rejects.toThrow(/^input 'candidate': .* outside the workspace .* or the runner's temp folder .*allow-outside-workspace: true/);
    const allowed = fakeRuntime({ ...inputs(elsewhere), 'allow-outside-workspace': 'true' }, new FakeClient());
    await runAction(allowed.runtime);
    expect(allowed.recorded.outputs.get('status')).toBe('pass');
  });
});
