import semver from 'semver';
import { InputError } from '../core/errors.js';
import { highestBump, bumpRank, type Bump } from './bump.js';
import { compositeBump, originOf } from './composite-bump.js';
import { deepDiff } from './deep-diff.js';
import { MANIFEST_SECTIONS, type Manifest, type ManifestSection } from './manifest.js';

/** What the vectors say about the change, independent of any manifest. */
export interface VectorEvidence {
  readonly referenceDim: number;
  readonly candidateDim: number;
  /** Lowest paired cosine (equal dims), or `null` when dimensions differ. */
  readonly minPairedCosine: number | null;
  /** ε: pairs with cosine ≥ 1 − ε count as unchanged (re-embedding noise). */
  readonly equivalenceTolerance: number;
}

/** One changed setting in a manifest section. */
export interface SectionChange {
  readonly section: ManifestSection;
  readonly path: string;
  /** The file the setting came from, for a manifest derived from a model folder. */
  readonly file?: string;
  readonly reference: unknown;
  readonly candidate: unknown;
}

/** The bump part of the report. */
export interface BumpClassification {
  /** The bump the author declared (flag, or the versions of the manifests), or `null`. */
  readonly declared: Bump | null;
  readonly declaredSource: 'flag' | 'manifest versions' | null;
  /** From deep-comparing the manifest sections, or `null` without both manifests. */
  readonly fromManifests: Bump | null;
  readonly requiredByVectors: Bump;
  /** The higher of fromManifests and requiredByVectors: what the change needs at least. */
  readonly required: Bump;
  /** The highest of fromManifests, declared and requiredByVectors. */
  readonly final: Bump;
  /** Declared lower than required. */
  readonly underDeclared: boolean;
  readonly reasons: readonly string[];
  /** What the vectors alone cannot tell (said plainly when manifests are missing). */
  readonly limitations: readonly string[];
  readonly changes: readonly SectionChange[];
  readonly referenceVersion: string | null;
  readonly candidateVersion: string | null;
  /** The reference version bumped by `final`, or `null` (see nextVersionReason). */
  readonly nextVersion: string | null;
  readonly nextVersionReason: string | null;
}

/** Inputs of the classification. */
export interface ClassifyInput {
  readonly referenceManifest: Manifest | null;
  readonly candidateManifest: Manifest | null;
  readonly declaredFlag: Bump | null;
  readonly vectors: VectorEvidence;
}

/**
 * Classifies the semantic-version bump of an embedding change.
 * - Manifests: architecture changed → major; else extraction → minor; else training → patch; else none.
 * - Declared: `--declared-bump`, else the semver difference of the two manifest versions.
 * - Vectors: same dimension and every paired cosine ≥ 1 − ε → none; dimension changed → minor
 *   (breaking; only a manifest can say major); otherwise patch.
 * final = max(fromManifests, declared, requiredByVectors); under-declared when declared < required.
 */
export function classifyBump(input: ClassifyInput): BumpClassification {
  const { referenceManifest: refManifest, candidateManifest: candManifest, vectors } = input;
  const reasons: string[] = [];
  const limitations: string[] = [];

  let fromManifests: Bump | null = null;
  const changes: SectionChange[] = [];
  if (refManifest && candManifest) {
    for (const section of MANIFEST_SECTIONS) {
      for (const change of deepDiff(refManifest.sections[section], candManifest.sections[section])) {
        const path = change.path ? `${section}.${change.path}` : section;
        const file = originOf(candManifest.origins, path) ?? originOf(refManifest.origins, path);
        changes.push({ section, path: cutText(path, 4096), ...(file ? { file: cutText(file, 4096) } : {}), reference: boundValue(change.reference), candidate: boundValue(change.candidate) });
      }
    }
    fromManifests = bumpFromChanges(changes);
    const first = (section: ManifestSection) => changes.filter((change) => change.section === section);
    const composite = compositeBump(refManifest, candManifest, boundValue);
    if (fromManifests === 'none') {
      if (!composite) reasons.push('manifests: architecture, extraction and training are unchanged → none');
    } else {
      const section: ManifestSection = fromManifests === 'major' ? 'architecture' : fromManifests === 'minor' ? 'extraction' : 'training';
      const listed = first(section)
        .slice(0, 3)
        .map((change) => `${cutText(change.path, 80)}: ${show(change.reference)} → ${show(change.candidate)}${change.file ? ` in ${cutText(change.file, 120)}` : ''}`)
        .join('; ');
      reasons.push(`manifests: ${section} changed (${listed}) → ${fromManifests}`);
    }
    if (composite) {
      changes.push(...composite.changes.map((change) => ({ ...change, path: cutText(change.path, 4096) })));
      reasons.push(...composite.reasons.slice(0, 90).map((reason) => cutText(reason, 1000)));
      if (composite.bump === 'none') reasons.push('manifests: every component and the combination are unchanged → none');
      fromManifests = highestBump(fromManifests, composite.bump);
    }
  } else {
    const missing = [refManifest ? null : 'reference', candManifest ? null : 'candidate'].filter(Boolean).join(' or ');
    limitations.push(
      `No ${missing} manifest: the section comparison is skipped. The vectors can show whether the space changed at all and whether the dimension changed; they cannot tell an architecture change (major) from an extraction change (minor) or a retrain (patch) with the same dimension.`,
    );
  }

  const vectorBump = requiredByVectors(vectors, reasons);

  let declared: Bump | null = null;
  let declaredSource: BumpClassification['declaredSource'] = null;
  if (input.declaredFlag) {
    declared = input.declaredFlag;
    declaredSource = 'flag';
    reasons.push(`declared: ${declared} (--declared-bump)`);
  } else if (refManifest?.version && candManifest?.version) {
    declared = versionBump(refManifest, candManifest);
    declaredSource = 'manifest versions';
    reasons.push(`declared: ${declared} (version ${refManifest.version} → ${candManifest.version})`);
  } else {
    limitations.push('Nothing declared: pass --declared-bump or give both manifests a version to check the declared bump.');
  }

  const required = highestBump(fromManifests, vectorBump);
  const final = highestBump(fromManifests, declared, vectorBump);
  const underDeclared = declared !== null && bumpRank(declared) < bumpRank(required);
  if (underDeclared) reasons.push(`under-declared: declared ${declared}, but the change requires ${required}`);

  const referenceVersion = refManifest?.version ?? null;
  let nextVersion: string | null = null;
  let nextVersionReason: string | null = null;
  if (referenceVersion === null) nextVersionReason = 'the reference manifest has no version';
  else nextVersion = final === 'none' ? referenceVersion : semver.inc(referenceVersion, final);

  return {
    declared,
    declaredSource,
    fromManifests,
    requiredByVectors: vectorBump,
    required,
    final,
    underDeclared,
    reasons,
    limitations,
    changes,
    referenceVersion,
    candidateVersion: candManifest?.version ?? null,
    nextVersion,
    nextVersionReason,
  };
}

function requiredByVectors(vectors: VectorEvidence, reasons: string[]): Bump {
  if (vectors.referenceDim !== vectors.candidateDim) {
    reasons.push(`vectors: dimension changed ${vectors.referenceDim} → ${vectors.candidateDim} → at least minor (breaking; a manifest decides whether it is major)`);
    return 'minor';
  }
  const min = vectors.minPairedCosine ?? -1;
  if (min >= 1 - vectors.equivalenceTolerance) {
    reasons.push(`vectors: every paired cosine ≥ 1 − ${vectors.equivalenceTolerance} (lowest ${min.toFixed(6)}) → none`);
    return 'none';
  }
  reasons.push(`vectors: same dimension, but the vectors changed (lowest paired cosine ${min.toFixed(4)} < 1 − ${vectors.equivalenceTolerance}) → at least patch`);
  return 'patch';
}

function bumpFromChanges(changes: readonly SectionChange[]): Bump {
  const sections = new Set(changes.map((change) => change.section));
  if (sections.has('architecture')) return 'major';
  if (sections.has('extraction')) return 'minor';
  if (sections.has('training')) return 'patch';
  return 'none';
}

/** The bump between two versions: semver.diff, with pre-releases counted at their level. */
function versionBump(reference: Manifest, candidate: Manifest): Bump {
  const from = reference.version as string;
  const to = candidate.version as string;
  if (semver.lt(to, from)) {
    throw new InputError(`${candidate.file}: version ${to} is lower than the reference version ${from}; a candidate cannot go back in version.`);
  }
  const diff = semver.diff(from, to);
  switch (diff) {
    case null:
      return 'none';
    case 'major':
    case 'premajor':
      return 'major';
    case 'minor':
    case 'preminor':
      return 'minor';
    default:
      return 'patch';
  }
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  return cutText(JSON.stringify(value), 40);
}

function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Bounds for manifest values kept in the report (the schema's): strings, and entries of arrays and objects. */
const MAX_VALUE_TEXT = 65_536;
const MAX_VALUE_ENTRIES = 10_000;

/** A manifest value as the report keeps it: long strings cut and long arrays/objects truncated, so the report stays within its schema. */
export function boundValue(value: unknown): unknown {
  if (typeof value === 'string') return cutText(value, MAX_VALUE_TEXT);
  if (Array.isArray(value)) return value.slice(0, MAX_VALUE_ENTRIES).map(boundValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).slice(0, MAX_VALUE_ENTRIES).map(([key, entry]) => [cutText(key, 4096), boundValue(entry)]));
  }
  return value;
}
