import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { embeddingTags, type EmbeddingTags, type ReleaseTag } from '../release/release-tags.js';
import type { Settings } from '../settings.js';
import type { GateGitHub, GitHubRelease } from './github-client.js';
import { inputName } from './inputs.js';
import { INPUT } from './names.js';
import type { ReleaseSource } from './release-inputs.js';
import type { ActionRuntime } from './runtime.js';

/** How to make the first release, for the errors that need one. */
const FIRST_RELEASE_ADVICE =
  'Make the first release with mode: release, create-tag: true and create-release: true on the default branch (see the README), or give reference as a path.';

/** The repository's embedding tags under the prefix. */
export async function listEmbeddingTags(github: GateGitHub, prefix: string): Promise<EmbeddingTags> {
  return embeddingTags(await github.listTags(), prefix);
}

/** The newest stable embedding release, or an error that says how to make the first one. */
export function latestRelease(tags: EmbeddingTags, prefix: string, why = `${inputName(INPUT.reference)} is release`): ReleaseTag {
  const latest = tags.releases[0];
  if (!latest) throw new InputError(`${why}, but the repository has no embedding release yet (no tag ${prefix}<version>). ${FIRST_RELEASE_ADVICE}`);
  return latest;
}

/**
 * Downloads the reference embeddings (with their `<stem>.ids.txt` sidecar when the release has
 * one) and, when asked, the manifest from the release of `tag` into $RUNNER_TEMP, and returns the
 * settings pointing at them. A missing release or asset is an input error naming it.
 */
export async function downloadReleasedReference(settings: Settings, source: ReleaseSource, tag: ReleaseTag, github: GateGitHub, runtime: ActionRuntime): Promise<Settings> {
  const release = await github.releaseByTag(tag.name);
  if (!release) {
    throw new InputError(`${tag.name} has no GitHub release, so there is no released reference to download. ${FIRST_RELEASE_ADVICE}`);
  }
  const folder = join(runtime.env.runnerTemp, 'embedding-gate-release', tag.name.replace(/[^\w.-]/g, '_'));
  mkdirSync(folder, { recursive: true });
  const vectorsName = source.referenceAsset ?? basename(settings.candidate.path);
  const vectors = await download(release, vectorsName, folder, github, runtime, INPUT.referenceAsset);
  const sidecar = `${vectorsName.slice(0, vectorsName.length - extname(vectorsName).length)}.ids.txt`;
  if (release.assets.some((asset) => asset.name === sidecar) && settings.reference.ids === null) await download(release, sidecar, folder, github, runtime, INPUT.referenceAsset);
  let manifest = settings.reference.manifest;
  if (source.manifest) {
    const manifestName = source.manifestAsset ?? (settings.candidate.manifest === null ? null : basename(settings.candidate.manifest));
    if (manifestName === null) {
      throw new InputError(`${inputName(INPUT.referenceManifest)} is release, but there is no candidate-manifest to name the asset: set reference-manifest-asset.`);
    }
    manifest = await download(release, manifestName, folder, github, runtime, INPUT.referenceManifestAsset);
  }
  return { ...settings, reference: { ...settings.reference, path: vectors, manifest } };
}

async function download(release: GitHubRelease, name: string, folder: string, github: GateGitHub, runtime: ActionRuntime, option: string): Promise<string> {
  const asset = release.assets.find((candidate) => candidate.name === name);
  if (!asset) {
    const names = release.assets.map((candidate) => candidate.name);
    throw new InputError(
      `the release ${release.tag} has no asset ${JSON.stringify(name)} (it has ${names.length === 0 ? 'none' : names.map((n) => JSON.stringify(n)).join(', ')}). Set ${inputName(option)} to the asset's name, or re-create the release with create-release: true.`,
    );
  }
  const path = join(folder, basename(name));
  const started = Date.now();
  await github.downloadReleaseAsset(asset.id, path);
  runtime.info(`Downloaded ${name} (${asset.size} bytes) from the release ${release.tag} in ${Date.now() - started} ms.`);
  return path;
}
