import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseManifest, type Manifest } from '../classify/manifest.js';
import { isFolder, readModelFolder } from '../classify/model-folder.js';
import { InputError } from '../core/errors.js';
import { resolveInputFileOrFolder } from '../io/paths.js';
import { describeGitHubError, type GateGitHub } from './github-client.js';
import { inputName, type GateInputs } from './inputs.js';
import { INPUT } from './names.js';
import type { PullRequestInfo } from './pull-request.js';
import type { ActionRuntime } from './runtime.js';

/** Files a base model folder may hold before the download is refused as not a model folder. */
const MAX_FOLDER_FILES = 2000;

/**
 * Reads the reference manifest from the PR's base commit when asked and not given: the candidate
 * manifest's file at that commit, or, when the candidate manifest is a model folder, that folder
 * (downloaded through the contents API into $RUNNER_TEMP, then read like any model folder). A
 * manifest that does not exist at the base is a new one: no reference manifest.
 */
export async function baseManifest(inputs: GateInputs, runtime: ActionRuntime, github: GateGitHub, pr: PullRequestInfo | null): Promise<Manifest | null> {
  const { reference, candidate } = inputs.compare;
  if (!inputs.referenceManifestFromBase || reference.manifest !== null || candidate.manifest === null) return null;
  if (!pr?.baseSha) {
    runtime.info('reference-manifest-from: base needs a pull request event; comparing without a reference manifest.');
    return null;
  }
  const base = pr.baseSha.slice(0, 7);
  const local = resolveInputFileOrFolder(candidate.manifest, inputName(INPUT.candidateManifest), inputs.paths);
  // The repository path: relative to the workspace, with forward slashes.
  const path = relative(runtime.env.workspace, local).split('\\').join('/');
  try {
    if (isFolder(local)) return await baseFolder(path, pr.baseSha, runtime, github);
    const text = await github.readFileAt(path, pr.baseSha);
    if (text === null) {
      runtime.info(`${path} does not exist at the base commit ${base}: a new manifest, so no reference manifest.`);
      return null;
    }
    runtime.info(`Reference manifest: ${path} at the base commit ${base}.`);
    return parseManifest(text, `${path} (base ${base})`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    runtime.warning(`Could not read ${path} at the base commit (${describeGitHubError(error)}); comparing without a reference manifest.`);
    return null;
  }
}

/** Downloads a model folder as it is at `ref` (every file, every subfolder) and derives its manifest. */
async function baseFolder(path: string, ref: string, runtime: ActionRuntime, github: GateGitHub): Promise<Manifest | null> {
  const target = join(runtime.env.runnerTemp, 'embedding-gate-base', ref.slice(0, 12), path);
  const pending = [path];
  let files = 0;
  let bytes = 0;
  const started = Date.now();
  while (pending.length > 0) {
    const folder = pending.shift()!;
    const entries = await github.listFolderAt(folder, ref);
    if (entries === null) {
      if (folder === path) {
        runtime.info(`${path} does not exist at the base commit ${ref.slice(0, 7)}: a new model folder, so no reference manifest.`);
        return null;
      }
      continue;
    }
    for (const entry of entries) {
      const rel = relative(path, entry.path);
      if (rel.startsWith('..') || rel === '') throw new InputError(`${path}: the contents API listed ${entry.path}, outside the folder.`);
      if (entry.type === 'dir') pending.push(entry.path);
      else if (entry.type === 'file') {
        if (++files > MAX_FOLDER_FILES) throw new InputError(`${path} at the base commit holds more than ${MAX_FOLDER_FILES} files: not a model folder.`);
        const destination = join(target, rel);
        mkdirSync(dirname(destination), { recursive: true });
        await github.downloadFileAt(entry.path, ref, destination);
        bytes += entry.size;
      }
    }
  }
  runtime.info(`Reference manifest: the model folder ${path} at the base commit ${ref.slice(0, 7)} (${files} files, ${bytes} bytes, downloaded in ${Date.now() - started} ms).`);
  return readModelFolder(target, `${path} (base ${ref.slice(0, 7)})`);
}
