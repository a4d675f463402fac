import semver from 'semver';
import type { Manifest } from '../classify/manifest.js';

/**
 * The manifests as a release compares them: the version comes from the tags, so the reference
 * manifest takes the base release's version, and the candidate's version counts as a declaration
 * only when it is higher than that (an author who bumped it by hand to force a level); a version
 * left as it was is not a "none" declaration, since the release run is what bumps it.
 */
export function manifestsForRelease(reference: Manifest | null, candidate: Manifest | null, baseVersion: string): { reference: Manifest | null; candidate: Manifest | null } {
  const declares = candidate?.version !== null && candidate?.version !== undefined && semver.gt(candidate.version, baseVersion);
  return {
    reference: reference && { ...reference, version: baseVersion },
    candidate: candidate && { ...candidate, version: declares ? candidate.version : null },
  };
}
