/** The pull request an action run is about. */
export interface PullRequestInfo {
  readonly number: number;
  /** The PR's head commit (not GITHUB_SHA, which is the merge commit on pull_request events). */
  readonly headSha: string | null;
  readonly baseSha: string | null;
  /** True when the head branch lives in another repository (a fork). */
  readonly fromFork: boolean;
}

interface PullRequestPayload {
  number?: number;
  head?: { sha?: string; repo?: { full_name?: string } | null };
  base?: { sha?: string; repo?: { full_name?: string } };
}

/**
 * Finds the pull request in a webhook payload: `pull_request` / `pull_request_target` events carry
 * it directly; `workflow_run` events list it under `workflow_run.pull_requests`. `null` otherwise.
 */
export function pullRequestFromEvent(eventName: string, payload: unknown): PullRequestInfo | null {
  const event = (payload ?? {}) as { pull_request?: PullRequestPayload; workflow_run?: { pull_requests?: PullRequestPayload[] } };
  let pr: PullRequestPayload | undefined;
  if (eventName.startsWith('pull_request')) pr = event.pull_request;
  else if (eventName === 'workflow_run') pr = event.workflow_run?.pull_requests?.[0];
  if (!pr || typeof pr.number !== 'number') return null;
  const headRepo = pr.head?.repo?.full_name;
  const baseRepo = pr.base?.repo?.full_name;
  return {
    number: pr.number,
    headSha: pr.head?.sha ?? null,
    baseSha: pr.base?.sha ?? null,
    fromFork: headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo,
  };
}
