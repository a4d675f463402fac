import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { GateGitHub, GitHubRelease, IssueComment, ReleaseAsset } from './github-client.js';

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

  const readVersionedFile: GateGitHub['readVersionedFile'] = async (path, ref) => {
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
      return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  };

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
      return (await readVersionedFile(path, ref))?.text ?? null;
    },
    readVersionedFile,
    async listOpenIssues() {
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open', per_page: 100 });
      return issues.filter((issue) => !issue.pull_request).map((issue) => ({ number: issue.number, body: issue.body ?? '', author: issue.user?.login ?? '' }));
    },
    async createIssue(title, body) {
      const { data } = await octokit.rest.issues.create({ owner, repo, title, body });
      return data.number;
    },
    async updateIssue(issueNumber, body) {
      await octokit.rest.issues.update({ owner, repo, issue_number: issueNumber, body });
    },
    async listFolderAt(path, ref) {
      try {
        const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
        return Array.isArray(data) ? data.map((entry) => ({ path: entry.path, type: entry.type, size: entry.size })) : null;
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },
    async downloadFileAt(path, ref, destination) {
      const response = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo, path, ref, mediaType: { format: 'raw' }, request: { parseSuccessResponseBody: false } });
      await pipeline(Readable.fromWeb(response.data as unknown as ReadableStream), createWriteStream(destination));
    },
    async writeVersionedFile(path, branch, text, sha, message) {
      try {
        // No automatic retry: a 409 means the file moved on, and the caller re-reads before writing again.
        const content = Buffer.from(text).toString('base64');
        await octokit.rest.repos.createOrUpdateFileContents({ owner, repo, path, branch, message, content, ...(sha === null ? {} : { sha }), request: { retries: 0 } });
        return 'written';
      } catch (error) {
        const status = statusOf(error);
        if (status === 409 || (status === 422 && /sha/i.test((error as Error).message))) return 'conflict';
        throw error;
      }
    },
    async listTags() {
      const tags = await octokit.paginate(octokit.rest.repos.listTags, { owner, repo, per_page: 100 });
      return tags.map((tag) => ({ name: tag.name, sha: tag.commit.sha }));
    },
    async tagCommit(tag) {
      try {
        const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `tags/${tag}` });
        return data.object.sha;
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },
    async createTag(tag, sha) {
      try {
        await octokit.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha });
        return 'created';
      } catch (error) {
        if (statusOf(error) === 422 && /already exists/i.test((error as Error).message)) return 'exists';
        throw error;
      }
    },
    async releaseByTag(tag) {
      try {
        const { data } = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag });
        return releaseOf(data);
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },
    async createRelease({ tag, sha, name, body }) {
      const { data } = await octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, target_commitish: sha, name, body, draft: false, prerelease: false });
      return releaseOf(data);
    },
    async uploadReleaseAsset(release, name, path) {
      const bytes = readFileSync(path);
      const { data } = await octokit.request({
        method: 'POST',
        url: release.uploadUrl,
        name,
        data: bytes,
        // fetch sets Content-Length from the buffer (Node 24's fetch refuses a hand-set one).
        headers: { 'content-type': 'application/octet-stream' },
      });
      return assetOf(data as { id: number; name: string; size: number });
    },
    async downloadReleaseAsset(assetId, destination) {
      const response = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        owner,
        repo,
        asset_id: assetId,
        headers: { accept: 'application/octet-stream' },
        request: { parseSuccessResponseBody: false },
      });
      await pipeline(Readable.fromWeb(response.data as unknown as ReadableStream), createWriteStream(destination));
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

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number }).status;
}

function releaseOf(data: { id: number; tag_name: string; html_url: string; upload_url: string; assets: ReadonlyArray<{ id: number; name: string; size: number }> }): GitHubRelease {
  return { id: data.id, tag: data.tag_name, url: data.html_url, uploadUrl: data.upload_url, assets: data.assets.map(assetOf) };
}

function assetOf(asset: { id: number; name: string; size: number }): ReleaseAsset {
  return { id: asset.id, name: asset.name, size: asset.size };
}
