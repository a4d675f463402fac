import semver from 'semver';
import type { Bump } from '../classify/bump.js';
import type { Report } from '../report/report.js';
import { tagName, type ReleaseTag, type RepositoryTag } from './release-tags.js';

/** The bump of a release: a semver level, or `initial` for the first release (nothing to compare with). */
export type ReleaseBump = Bump | 'initial';

/** What the release run will do, and why. */
export type ReleaseDecision =
  /** Tag `tag` (version `version`) at the commit. */
  | { readonly kind: 'release'; readonly version: string; readonly tag: string; readonly bump: ReleaseBump; readonly reason: string }
  /** The commit already carries this release's tag (a rerun, or a concurrent run won): report it. */
  | { readonly kind: 'already-released'; readonly version: string; readonly tag: string; readonly bump: ReleaseBump; readonly reason: string }
  /** Nothing is tagged: a failing gate, no change, or a tag that exists elsewhere. */
  | { readonly kind: 'refused'; readonly version: string | null; readonly tag: string | null; readonly bump: ReleaseBump | null; readonly reason: string; readonly failure: boolean };

/** What the decision is made from. */
export interface ReleaseFacts {
  /** The comparison of the merged candidate with the base release, or `null` for the first release. */
  readonly report: Report | null;
  /** The newest stable release not at this commit, or `null` when there is none. */
  readonly base: ReleaseTag | null;
  /** Embedding release tags already pointing at this commit. */
  readonly tagsAtCommit: readonly ReleaseTag[];
  /** Every tag of the repository, to refuse a name that is taken. */
  readonly allTags: readonly RepositoryTag[];
  readonly prefix: string;
  readonly initialVersion: string;
  readonly sha: string;
}

/**
 * Decides the release: the next version is the base release's version bumped by the comparison's
 * final bump (or the initial version when there is no release yet). It never tags a failing
 * verdict or a `none` bump, never takes a tag name that points at another commit, and finds its own
 * tag on a rerun.
 */
export function decideRelease(facts: ReleaseFacts): ReleaseDecision {
  const { report, base } = facts;
  let version: string;
  let bump: ReleaseBump;
  let reason: string;
  if (base === null || report === null) {
    version = facts.initialVersion;
    bump = 'initial';
    reason = `no embedding release yet: the first release is ${version}`;
  } else {
    bump = report.bump.final;
    if (report.verdict.status === 'fail') {
      const why = report.verdict.breaches.filter((breach) => breach.level === 'fail').map((breach) => breach.message);
      return { kind: 'refused', version: null, tag: null, bump, failure: true, reason: `the gate failed against ${base.name}, so nothing is tagged: ${why.join('; ') || 'see the report'}` };
    }
    if (bump === 'none') {
      return { kind: 'refused', version: base.version, tag: base.name, bump, failure: false, reason: `nothing to release: the candidate is equivalent to ${base.name} (bump none)` };
    }
    version = semver.inc(base.version, bump) as string;
    reason = `${bump} change since ${base.name}: ${base.version} → ${version}`;
  }
  const tag = tagName(facts.prefix, version);
  const own = facts.tagsAtCommit.find((existing) => existing.name === tag);
  if (own) return { kind: 'already-released', version, tag, bump, reason: `${tag} already points at this commit (${facts.sha.slice(0, 7)}): released before, nothing to do` };
  const other = facts.tagsAtCommit[0];
  if (other) {
    return { kind: 'refused', version, tag, bump, failure: true, reason: `this commit is already released as ${other.name}, but the comparison now asks for ${tag}; a commit gets one embedding release (delete ${other.name} to release it again)` };
  }
  const taken = facts.allTags.find((existing) => existing.name === tag);
  if (taken) {
    return { kind: 'refused', version, tag, bump, failure: true, reason: `tag ${tag} already exists at another commit (${taken.sha.slice(0, 7)}); it is never moved` };
  }
  return { kind: 'release', version, tag, bump, reason };
}
