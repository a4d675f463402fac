import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../core/errors.js';
import { resolveInputFile } from '../io/paths.js';
import type { ReleaseDecision } from '../release/release-decision.js';
import type { Settings } from '../settings.js';
import { describeGitHubError, type GateGitHub, type GitHubRelease } from './github-client.js';
import { inputName } from './inputs.js';
import type { ReleaseSettings } from './release-inputs.js';
import type { ActionRuntime } from './runtime.js';

/** The asset name of the JSON report in a release. */
export const REPORT_ASSET = 'embedding-gate-report.json';

/** A file attached to the release, and its asset name. */
export interface ReleaseFile {
  readonly name: string;
  readonly path: string;
}

/** What happened to the tag and the release. */
export interface ReleaseOutcome {
  /** The commit carries the tag after this run. */
  readonly released: boolean;
  readonly releaseUrl: string | null;
}

/**
 * The files a release carries, named so the next run's `reference: release` finds them: the
 * candidate embeddings under their file name, their ids as `<stem>.ids.txt` (an ids file, or the
 * sidecar), the candidate manifest under its file name, and the JSON report.
 */
export function releaseFiles(settings: Settings, reportPath: string | null): ReleaseFile[] {
  const candidate = settings.candidate;
  const vectors = resolveInputFile(candidate.path, inputName('candidate'), settings.paths);
  const name = basename(vectors);
  const files: ReleaseFile[] = [{ name, path: vectors }];
  const idsName = `${basename(vectors, extname(vectors))}.ids.txt`;
  const ids = candidate.ids === null ? join(dirname(vectors), idsName) : resolveInputFile(candidate.ids, inputName('candidate-ids'), settings.paths);
  if (existsSync(ids)) files.push({ name: idsName, path: ids });
  if (candidate.manifest !== null) {
    const manifest = resolveInputFile(candidate.manifest, inputName('candidate-manifest'), settings.paths);
    files.push({ name: basename(manifest), path: manifest });
  }
  if (reportPath !== null) files.push({ name: REPORT_ASSET, path: reportPath });
  const names = files.map((file) => file.name);
  const duplicate = names.find((entry, index) => names.indexOf(entry) !== index);
  if (duplicate) throw new InputError(`two release assets would be named ${JSON.stringify(duplicate)}; rename the candidate or its manifest.`);
  return files;
}

/**
 * Carries out a release decision: creates the tag (create-tag) and the release with its assets
 * (create-release), or says what it would do in a dry run. A tag that appeared meanwhile (HTTP 422)
 * is ours when it points at this commit; a release that exists gets its missing assets, so a
 * rerun after a partial failure completes it.
 */
export async function carryOutRelease(
  decision: Extract<ReleaseDecision, { kind: 'release' | 'already-released' }>,
  settings: ReleaseSettings,
  files: readonly ReleaseFile[],
  notes: string,
  runtime: ActionRuntime,
  github: GateGitHub,
): Promise<ReleaseOutcome> {
  const sha = runtime.env.sha;
  const { tag } = decision;
  if (decision.kind === 'release' && !settings.createTag && !settings.createRelease) {
    runtime.info(`Dry run: would tag ${tag} at ${sha.slice(0, 7)}; set create-tag: true (and create-release: true for a release with ${files.map((file) => file.name).join(', ')}) to do it.`);
    return { released: false, releaseUrl: null };
  }
  if (decision.kind === 'release' && settings.createTag) {
    const created = await github.createTag(tag, sha);
    if (created === 'created') runtime.info(`Created the tag ${tag} at ${sha.slice(0, 7)}.`);
    else {
      const at = await github.tagCommit(tag);
      if (at !== sha) {
        throw new InputError(`the tag ${tag} was created meanwhile at ${at?.slice(0, 7) ?? 'another commit'}, not at ${sha.slice(0, 7)}; another release run won. Re-run the release on the newest commit.`);
      }
      runtime.info(`The tag ${tag} already points at ${sha.slice(0, 7)} (created by a concurrent run): nothing to do.`);
    }
  }
  if (!settings.createRelease) return { released: decision.kind === 'already-released' || settings.createTag, releaseUrl: null };
  const release = await ensureRelease(tag, sha, decision.version, notes, runtime, github);
  for (const file of files) {
    if (release.assets.some((asset) => asset.name === file.name)) {
      runtime.info(`The release ${tag} already has ${file.name}.`);
      continue;
    }
    const asset = await github.uploadReleaseAsset(release, file.name, file.path);
    runtime.info(`Uploaded ${file.name} (${asset.size} bytes) to the release ${tag}.`);
  }
  return { released: true, releaseUrl: release.url };
}

async function ensureRelease(tag: string, sha: string, version: string, notes: string, runtime: ActionRuntime, github: GateGitHub): Promise<GitHubRelease> {
  const existing = await github.releaseByTag(tag);
  if (existing) {
    runtime.info(`The release ${tag} exists: ${existing.url}`);
    return existing;
  }
  try {
    const release = await github.createRelease({ tag, sha, name: `Embeddings ${version}`, body: notes });
    runtime.info(`Created the release ${tag}: ${release.url}`);
    return release;
  } catch (error) {
    // A concurrent run may have created it between the lookup and the creation.
    const raced = (error as { status?: number }).status === 422 ? await github.releaseByTag(tag) : null;
    if (raced) return raced;
    throw new InputError(`could not create the release ${tag} (${describeGitHubError(error)}). The token needs contents: write.`);
  }
}
