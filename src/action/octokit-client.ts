import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { GateGitHub, IssueComment } from './github-client.js';

/** Retries of a rate-limited request before giving up (each waits what GitHub asks, capped below). */
const RATE_LIMIT_RETRIES = 3;
/** Longest wait the action accepts for a rate limit, in seconds; beyond it the call fails. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;

/** Where the action runs: repository, API base URL and the logger for retries. */
export interface OctokitOptions {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  readonly baseUrl: string;
  readonly log: (message: string) => void;
  /**
   * Milliseconds per second of a retry wait (retry-after, back-off); 1000 in production. The
   * end-to-end tests set 0 through EMBEDDING_GATE_RETRY_DELAY_UNIT_MS so they never wait on the clock.
   */
  readonly retryDelayUnitMs?: number;
}

/**
 * The real GitHub client: Octokit with the retry plugin (5xx and other transient errors, with
 * back-off) and the throttling plugin (primary and secondary rate limits, honouring retry-after).
 */
export function createOctokitClient(options: OctokitOptions): GateGitHub {
  const { owner, repo, log } = options;
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      retry: { retryAfterBaseValue: options.retryDelayUnitMs ?? 1000 },
      throttle: {
        retryAfterBaseValue: options.retryDelayUnitMs ?? 1000,
        onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          log(`GitHub rate limit on ${request.method} ${request.url}: retry ${retryCount + 1} after ${retryAfter} s`);
          return retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
        },
        onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          log(`GitHub secondary rate limit on ${request.method} ${request.url}: retry ${retryCount + 1} after ${retryAfter} s`);
          return retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
        },
      },
    },
    retry,
    throttling,
  );

  return {
    async listPullRequestFiles(pullNumber) {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100 });
      return files.flatMap((file) => (file.previous_filename ? [file.filename, file.previous_filename] : [file.filename]));
    },
    async listComments(pullNumber) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: pullNumber, per_page: 100 });
      return comments.map((comment): IssueComment => ({ id: comment.id, body: comment.body ?? '', author: comment.user?.login ?? '' }));
    },
    async createComment(pullNumber, body) {
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: pullNumber, body });
      return data.id;
    },
    async updateComment(commentId, body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body });
    },
    async readFileAt(path, ref) {
      try {
        const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
        if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
        return Buffer.from(data.content, 'base64').toString('utf8');
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
    },
    async commenterLogin() {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return data.login;
      } catch {
        // Installation tokens (GITHUB_TOKEN) cannot read /user; they comment as the Actions bot.
        return 'github-actions[bot]';
      }
    },
  };
}
