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
