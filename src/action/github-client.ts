import { InputError } from '../core/errors.js';
import type { RepositoryTag } from '../release/release-tags.js';

/** A pull-request comment as the gate needs it. */
export interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly author: string;
}

/**
 * The few GitHub operations the action performs, behind a small interface so the adapter can be
 * tested with a hand-written fake and run against the real API through Octokit.
 */
export interface GateGitHub {
  /** Paths of all files the pull request changes (renames give both names), every page. */
  listPullRequestFiles(pullNumber: number): Promise<string[]>;
  /** All comments of the pull request's conversation, every page, oldest first. */
  listComments(pullNumber: number): Promise<IssueComment[]>;
  createComment(pullNumber: number, body: string): Promise<number>;
  updateComment(commentId: number, body: string): Promise<void>;
  /** The text of a file at a commit, or `null` when it does not exist there. */
  readFileAt(path: string, ref: string): Promise<string | null>;
  /** The login the token comments as (`github-actions[bot]` for GITHUB_TOKEN). */
  commenterLogin(): Promise<string>;
  /** The repository's open issues (not pull requests), every page. */
  listOpenIssues(): Promise<Array<{ readonly number: number; readonly body: string; readonly author: string }>>;
  /** Opens an issue; returns its number. */
  createIssue(title: string, body: string): Promise<number>;
  /** Replaces an issue's body. */
  updateIssue(issueNumber: number, body: string): Promise<void>;
  /** Every tag of the repository (every page), with the commit each points at. */
  listTags(): Promise<RepositoryTag[]>;
  /** The commit a tag points at, or `null` when there is no such tag. */
  tagCommit(tag: string): Promise<string | null>;
  /** Creates a lightweight tag at `sha`; `exists` when the ref is already there (HTTP 422). */
  createTag(tag: string, sha: string): Promise<'created' | 'exists'>;
  /** The release of a tag, or `null` when the tag has none. */
  releaseByTag(tag: string): Promise<GitHubRelease | null>;
  /** Creates a published release of `tag` at `sha` (the tag is created when missing). */
  createRelease(release: { readonly tag: string; readonly sha: string; readonly name: string; readonly body: string }): Promise<GitHubRelease>;
  /** Uploads a file as an asset of the release under `name`. */
  uploadReleaseAsset(release: GitHubRelease, name: string, path: string): Promise<ReleaseAsset>;
  /** Streams an asset's bytes into the file `destination`. */
  downloadReleaseAsset(assetId: number, destination: string): Promise<void>;
  /** The entries of a folder at a commit (files and subfolders, repository paths), or `null` when there is no folder there. */
  listFolderAt(path: string, ref: string): Promise<Array<{ readonly path: string; readonly type: string; readonly size: number }> | null>;
  /** Streams a file's raw bytes at a commit into `destination`. */
  downloadFileAt(path: string, ref: string, destination: string): Promise<void>;
  /** A file's text and blob sha on a branch or commit, or `null` when it does not exist there. */
  readVersionedFile(path: string, ref: string): Promise<{ readonly text: string; readonly sha: string } | null>;
  /**
   * Writes a file on a branch with one commit, replacing the blob `sha` (`null`: a new file);
   * `conflict` when the file changed meanwhile (HTTP 409, or 422 for a file created meanwhile).
   */
  writeVersionedFile(path: string, branch: string, text: string, sha: string | null, message: string): Promise<'written' | 'conflict'>;
}

/** A GitHub release as the action needs it. */
export interface GitHubRelease {
  readonly id: number;
  readonly tag: string;
  readonly url: string;
  /** The upload URL template GitHub returns (`…/assets{?name,label}`). */
  readonly uploadUrl: string;
  readonly assets: readonly ReleaseAsset[];
}

/** One file attached to a release. */
export interface ReleaseAsset {
  readonly id: number;
  readonly name: string;
  readonly size: number;
}

/** What went wrong in a GitHub API call, as far as the user needs to know. */
export type GitHubFailure = 'no-permission' | 'rate-limited' | 'other';

/**
 * Classifies an Octokit error. A 403 "Resource not accessible by integration" is a token without
 * write permission (typical for pull requests from forks); a 429, or a 403 that mentions a rate
 * limit, is rate limiting and must not be reported as a permissions problem.
 */
export function classifyGitHubError(error: unknown): GitHubFailure {
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 429 || (status === 403 && /rate limit/i.test(message))) return 'rate-limited';
  if (status === 403 && /not accessible by integration|permission/i.test(message)) return 'no-permission';
  return 'other';
}

/** A short description of a GitHub API error: status and message, never request headers. */
export function describeGitHubError(error: unknown): string {
  const status = (error as { status?: number }).status;
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return status ? `HTTP ${status}: ${message}` : message;
}

/**
 * Runs GitHub calls that the run cannot do without (tags, releases, assets); an API error becomes
 * an input error saying what failed and what the token needs, instead of an internal error.
 */
export async function withGitHub<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof InputError || (error as { status?: number }).status === undefined) throw error;
    throw new InputError(`could not ${what}: ${describeGitHubError(error)}. Tags and releases need a token with contents: write (permissions: contents: write in the workflow); reading them, contents: read.`);
  }
}
