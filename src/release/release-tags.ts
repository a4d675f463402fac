import semver from 'semver';

/** A tag as the repository lists it: its name and the commit it points at. */
export interface RepositoryTag {
  readonly name: string;
  readonly sha: string;
}

/** An embedding release tag: `<prefix><semver>`, e.g. `embeddings-v1.4.2`. */
export interface ReleaseTag extends RepositoryTag {
  readonly version: string;
}

/** The repository's tags sorted out for the release: stable releases, pre-releases, and prefixed tags that are not versions. */
export interface EmbeddingTags {
  /** Stable releases, newest version first. */
  readonly releases: readonly ReleaseTag[];
  /** Pre-releases (`1.2.0-rc.1`), newest first; never the base of a release. */
  readonly prereleases: readonly ReleaseTag[];
  /** Tags with the prefix whose rest is not a semantic version (e.g. `embeddings-vnext`). */
  readonly ignored: readonly string[];
}

/** Default prefix of embedding release tags. */
export const DEFAULT_TAG_PREFIX = 'embeddings-v';

/**
 * Sorts the tags that start with `prefix` into stable releases and pre-releases, each newest first
 * by semver precedence (build metadata ignored, ties by name); a prefixed tag whose rest is not a
 * strict semantic version is listed as ignored. Tags without the prefix are other releases.
 */
export function embeddingTags(tags: readonly RepositoryTag[], prefix: string): EmbeddingTags {
  const releases: ReleaseTag[] = [];
  const prereleases: ReleaseTag[] = [];
  const ignored: string[] = [];
  for (const tag of tags) {
    if (!tag.name.startsWith(prefix)) continue;
    const version = tag.name.slice(prefix.length);
    // Strict: digits first (no second "v"), and the whole rest is the version (build metadata included).
    if (!/^\d/.test(version) || semver.parse(version)?.raw !== version) {
      ignored.push(tag.name);
      continue;
    }
    (semver.prerelease(version) === null ? releases : prereleases).push({ ...tag, version });
  }
  const newestFirst = (a: ReleaseTag, b: ReleaseTag) => semver.rcompare(a.version, b.version) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { releases: releases.sort(newestFirst), prereleases: prereleases.sort(newestFirst), ignored: ignored.sort() };
}

/** The tag name of a version: prefix + version. */
export function tagName(prefix: string, version: string): string {
  return `${prefix}${version}`;
}

/**
 * The release that opened the current major line: the oldest stable release with the same major
 * version as `latest` (normally `<major>.0.0`). Cumulative drift is measured from it.
 */
export function majorAnchor(releases: readonly ReleaseTag[], latest: ReleaseTag): ReleaseTag {
  const major = semver.major(latest.version);
  const line = releases.filter((release) => semver.major(release.version) === major);
  return line[line.length - 1] ?? latest;
}
