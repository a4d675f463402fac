import semver from 'semver';
import { UsageError } from '../core/errors.js';
import { DEFAULT_TAG_PREFIX } from '../release/release-tags.js';
import { INPUT } from './names.js';

/** The value of `reference` / `reference-manifest` that means "the latest embedding release's asset". */
export const FROM_RELEASE = 'release';

/** Where the released reference comes from: the assets of the latest embedding release. */
export interface ReleaseSource {
  readonly tagPrefix: string;
  /** `reference: release`: download the embedding set from the latest release. */
  readonly reference: boolean;
  /** `reference-manifest: release`: download the manifest too. */
  readonly manifest: boolean;
  /** Asset names, or `null` for the candidate's and the candidate manifest's file names. */
  readonly referenceAsset: string | null;
  readonly manifestAsset: string | null;
}

/** The release mode's own settings. */
export interface ReleaseSettings {
  readonly createTag: boolean;
  readonly createRelease: boolean;
  readonly writeVersion: boolean;
  /** The version of the first release (no embedding tag yet). */
  readonly initialVersion: string;
}

/** Where the drift history lives, and whether this run appends to it. */
export interface HistorySettings {
  /** The JSON Lines file: a workspace path, or a path on `branch`. */
  readonly path: string;
  /** The branch that holds the file (through the contents API), or `null` for a workspace file. */
  readonly branch: string | null;
  readonly append: boolean;
}

/** Limits on the cumulative drift since the release that opened the current major line. */
export interface DriftBudget {
  readonly minKnnOverlap: number | null;
  readonly minCka: number | null;
}

type Read = (name: string) => string;

/** A true/false input; a bad value is an error naming it. */
export function flagInput(read: Read, name: string, nameOf: (name: string) => string): boolean {
  const value = read(name).trim();
  if (value !== 'true' && value !== 'false') throw new UsageError(`${nameOf(name)} must be true or false, got ${JSON.stringify(value)}.`);
  return value === 'true';
}

/** Reads tag-prefix, reference-asset and reference-manifest-asset, and whether reference / reference-manifest say `release`. */
export function readReleaseSource(read: Read, nameOf: (name: string) => string, releaseMode: boolean): ReleaseSource {
  const prefix = read(INPUT.tagPrefix).trim();
  if (!/^[\w./-]{0,100}$/.test(prefix) || prefix.includes('..') || prefix.startsWith('/') || prefix.endsWith('.')) {
    throw new UsageError(`${nameOf(INPUT.tagPrefix)} must be letters, digits, '.', '_', '-' or '/' usable in a tag name (e.g. ${DEFAULT_TAG_PREFIX}), got ${JSON.stringify(prefix)}.`);
  }
  const reference = read(INPUT.reference).trim();
  const manifest = read(INPUT.referenceManifest).trim();
  const asset = (name: string) => {
    const value = read(name).trim();
    if (value !== '' && !/^[^/\\]{1,255}$/.test(value)) throw new UsageError(`${nameOf(name)} must be a release asset's file name, got ${JSON.stringify(value)}.`);
    return value === '' ? null : value;
  };
  return {
    tagPrefix: prefix,
    // In release mode the reference is the latest release unless a path is given.
    reference: reference === FROM_RELEASE || (releaseMode && reference === ''),
    manifest: manifest === FROM_RELEASE || (releaseMode && manifest === '' && (reference === FROM_RELEASE || reference === '')),
    referenceAsset: asset(INPUT.referenceAsset),
    manifestAsset: asset(INPUT.referenceManifestAsset),
  };
}

/** Reads create-tag, create-release, write-version and initial-version. */
export function readReleaseSettings(read: Read, nameOf: (name: string) => string): ReleaseSettings {
  const initialVersion = read(INPUT.initialVersion).trim();
  if (semver.valid(initialVersion) !== initialVersion || semver.prerelease(initialVersion) !== null) {
    throw new UsageError(`${nameOf(INPUT.initialVersion)} must be a release version such as 1.0.0 or 0.1.0, got ${JSON.stringify(initialVersion)}.`);
  }
  return {
    createTag: flagInput(read, INPUT.createTag, nameOf),
    createRelease: flagInput(read, INPUT.createRelease, nameOf),
    writeVersion: flagInput(read, INPUT.writeVersion, nameOf),
    initialVersion,
  };
}

/** Reads history, history-branch and history-append (`auto`: release runs append, gate runs only read). */
export function readHistorySettings(read: Read, nameOf: (name: string) => string, releaseMode: boolean): HistorySettings | null {
  const path = read(INPUT.history).trim();
  const branch = read(INPUT.historyBranch).trim();
  const append = read(INPUT.historyAppend).trim();
  if (!['auto', 'true', 'false'].includes(append)) throw new UsageError(`${nameOf(INPUT.historyAppend)} must be auto, true or false, got ${JSON.stringify(append)}.`);
  if (path === '') {
    if (branch !== '') throw new UsageError(`${nameOf(INPUT.historyBranch)} is set, but ${nameOf(INPUT.history)} is empty: name the JSON Lines file on that branch (e.g. embedding-history.jsonl).`);
    return null;
  }
  if (branch !== '' && (!/^[\w./-]{1,200}$/.test(branch) || branch.includes('..'))) throw new UsageError(`${nameOf(INPUT.historyBranch)} must be a branch name, got ${JSON.stringify(branch)}.`);
  if (branch !== '' && (path.startsWith('/') || path.split('/').includes('..'))) throw new UsageError(`${nameOf(INPUT.history)} must be a path inside the branch ${branch}, got ${JSON.stringify(path)}.`);
  return { path, branch: branch === '' ? null : branch, append: append === 'true' || (append === 'auto' && releaseMode) };
}

/** Reads drift-budget-min-knn-overlap and drift-budget-min-cka (empty: no budget). */
export function readDriftBudget(read: Read, nameOf: (name: string) => string): DriftBudget {
  const fraction = (name: string): number | null => {
    const value = read(name).trim();
    if (value === '') return null;
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0 || number > 1) throw new UsageError(`${nameOf(name)} must be a number from 0 to 1, got ${JSON.stringify(value)}.`);
    return number;
  };
  return { minKnnOverlap: fraction(INPUT.driftBudgetMinKnnOverlap), minCka: fraction(INPUT.driftBudgetMinCka) };
}
